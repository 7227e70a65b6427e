"""Which employee groups may be shown: the one place the anonymity rule lives.

A breakdown whose groups partition a shown total (departments of all employees, units of all
employees) leaks a hidden group by subtraction: total − the shown groups = the hidden group. So
besides hiding every group under `min_n` (primary suppression), the hidden groups taken together
must themselves reach `min_n` (complementary suppression): what an attacker can recover is then
only the combined figure of at least `min_n` people, which is exactly what a shown group is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def hidden_groups(counts: pd.Series, *, min_n: int, total_shown: bool = True) -> pd.Series:
    """Per group of one partition, True where its employee results must not be shown.

    counts: answers per group (index = group). total_shown: whether the partition's total is shown
    elsewhere (then the hidden groups together must reach min_n, hiding the next-smallest groups
    as needed). When the total itself is under min_n, everything is hidden.
    """
    counts = counts.astype(int)
    hidden = counts < min_n
    if counts.sum() < min_n:
        return pd.Series(True, index=counts.index)
    if not total_shown or counts[hidden].sum() == 0:  # groups without answers reveal nothing
        return hidden
    # Add the smallest shown groups until the hidden ones together reach min_n (ties by name, stable).
    order = counts[~hidden].sort_index(kind="stable").sort_values(kind="stable").index
    for group in order:
        if counts[hidden].sum() >= min_n:
            break
        hidden[group] = True
    return hidden


TOTAL = "(all)"  # the label of the margins in a crossed table


def with_margins(counts: pd.DataFrame) -> pd.DataFrame:
    """The crossed table with its row and column totals (labelled TOTAL), as a client view shows it."""
    table = counts.astype(int).copy()
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table


def hidden_cells(counts: pd.DataFrame, *, min_n: int, row_hidden: pd.Series | None = None,
                 col_hidden: pd.Series | None = None) -> pd.DataFrame:
    """A crossed table (e.g. unit × department): True where a cell's results must be hidden.

    Works on the table with its margins (returned with them, labelled TOTAL), because a margin is a
    group too: a unit's total of 3 employees is hidden like any cell. Then, along every row and
    every column, until nothing changes: a line that hides anything must hide at least two cells with
    answers (one hidden cell is its total minus the others, and once known it unlocks the cells of
    its other line), and where the line's total is shown the hidden cells must together reach min_n.
    Those rules are necessary but not sufficient, so the result is audited for cells an attacker can
    compute exactly from all the published sums, and widened until there are none.

    row_hidden / col_hidden: when the margins are published elsewhere (the one-way tables of the
    same groups), their hidden state as decided there; the margins then stay as given and only
    inner cells are hidden, so that every view tells the same story.
    """
    table = with_margins(counts)
    a = table.to_numpy(dtype=np.int64)
    n_rows, n_cols = counts.shape
    h = a < min_n
    if a[n_rows, n_cols] < min_n:
        h[:] = True
        return pd.DataFrame(h, index=table.index, columns=table.columns)
    if row_hidden is not None:
        h[:n_rows, n_cols] = row_hidden.reindex(counts.index).fillna(True).to_numpy(dtype=bool)
    if col_hidden is not None:
        h[n_rows, :n_cols] = col_hidden.reindex(counts.columns).fillna(True).to_numpy(dtype=bool)
    for _ in range(a.size + 1):
        _settle_lines(a, h, min_n, skip_total_row=col_hidden is not None, skip_total_col=row_hidden is not None)
        leaks = [(i, j) for i, j in _known_cells(a, h) if 0 < a[i, j] < min_n]
        if not leaks:
            return pd.DataFrame(h, index=table.index, columns=table.columns)
        # Widen around the first leak, with inner cells only (margins are the one-way tables' business).
        i, j = leaks[0]
        line = ([(i, c) for c in range(n_cols)] if i < n_rows else []) + \
               ([(r, j) for r in range(n_rows)] if j < n_cols else [])
        candidates = [(a[cell], cell) for cell in line if not h[cell] and a[cell] > 0]
        if not candidates:
            h[:n_rows, :n_cols] = True
            return pd.DataFrame(h, index=table.index, columns=table.columns)
        h[min(candidates)[1]] = True
    raise RuntimeError("complementary suppression did not settle")  # cannot happen: cells only ever get hidden


def exactly_known(table: pd.DataFrame, hidden: pd.DataFrame) -> list[tuple]:
    """Hidden cells (labels) of a table with margins that an attacker can compute exactly."""
    cells = _known_cells(table.to_numpy(dtype=np.int64), hidden.to_numpy(dtype=bool))
    return [(table.index[i], table.columns[j]) for i, j in cells]


def _known_cells(a: np.ndarray, h: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells pinned down by the row and column sums (last row and column are the margins).

    The sums are linear equations in the hidden cells; a hidden cell is known exactly when every
    solution of the homogeneous system leaves it at zero (its coordinate vanishes in a basis of the
    null space).
    """
    unknown = list(zip(*np.nonzero(h)))
    if not unknown:
        return []
    pos = {cell: k for k, cell in enumerate(unknown)}
    n_rows, n_cols = a.shape[0] - 1, a.shape[1] - 1
    lines = [[(r, c) for c in range(n_cols)] + [(r, n_cols)] for r in range(n_rows + 1)]
    lines += [[(r, c) for r in range(n_rows)] + [(n_rows, c)] for c in range(n_cols + 1)]
    equations = np.zeros((len(lines), len(unknown)))
    for k, line in enumerate(lines):  # inner cells − the line's total = 0
        for cell, sign in zip(line, [1] * (len(line) - 1) + [-1]):
            if cell in pos:
                equations[k, pos[cell]] += sign
    from scipy.linalg import null_space  # here, not at import: dashboard kernels never audit

    free = null_space(equations)
    return [(int(i), int(j)) for (i, j), k in pos.items() if free.shape[1] == 0 or np.abs(free[k]).max() < 1e-9]


def _settle_lines(a: np.ndarray, h: np.ndarray, min_n: int, *, skip_total_row: bool, skip_total_col: bool) -> None:
    """Apply the line rules along every row and column until nothing changes (in place). The line of
    margins is skipped when the margins are fixed by the one-way tables."""
    n_rows, n_cols = a.shape[0] - 1, a.shape[1] - 1
    rows = range(n_rows if skip_total_row else n_rows + 1)
    cols = range(n_cols if skip_total_col else n_cols + 1)
    for _ in range(a.size + 1):
        before = h.copy()
        for r in rows:
            _protect_line(a[r, :n_cols], h[r, :n_cols], total_hidden=bool(h[r, n_cols]), min_n=min_n)
        for c in cols:
            _protect_line(a[:n_rows, c], h[:n_rows, c], total_hidden=bool(h[n_rows, c]), min_n=min_n)
        if np.array_equal(before, h):
            return
    raise RuntimeError("line rules did not settle")  # cannot happen: cells only ever get hidden


def _protect_line(counts: np.ndarray, hidden: np.ndarray, *, total_hidden: bool, min_n: int) -> None:
    """One line of a table (a view into the hidden mask): hide further cells, smallest with answers
    first, until the line is safe."""
    def safe() -> bool:
        with_answers = int((hidden & (counts > 0)).sum())
        if total_hidden:  # the total is an unknown too: one more unknown than equations needs two hidden cells
            return with_answers >= 2 or counts.sum() == 0
        # A lone hidden cell is total − the others, however large; it then unlocks its column (a chain).
        return with_answers == 0 or (with_answers >= 2 and counts[hidden].sum() >= min_n)

    for k in np.argsort(np.where(~hidden & (counts > 0), counts, np.iinfo(np.int64).max), kind="stable"):
        if safe() or hidden[k] or counts[k] == 0:
            break
        hidden[k] = True
