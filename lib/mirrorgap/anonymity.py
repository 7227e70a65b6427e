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
from scipy.linalg import null_space


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
    Tests check the result against a linear-algebra attacker.

    row_hidden / col_hidden: when the margins are published elsewhere (the one-way tables of the
    same groups), their hidden state as decided there; the margins then stay as given and only
    inner cells are hidden, so that every view tells the same story.
    """
    table = with_margins(counts)
    hidden = table < min_n
    if table.loc[TOTAL, TOTAL] < min_n:
        return pd.DataFrame(True, index=table.index, columns=table.columns)
    if row_hidden is not None:
        hidden.loc[counts.index, TOTAL] = row_hidden.reindex(counts.index).fillna(True).astype(bool).to_numpy()
    if col_hidden is not None:
        hidden.loc[TOTAL, counts.columns] = col_hidden.reindex(counts.columns).fillna(True).astype(bool).to_numpy()
    for _ in range(table.size + 1):
        hidden = _settle_lines(table, hidden, min_n, skip_total_row=col_hidden is not None,
                               skip_total_col=row_hidden is not None)
        leaks = [cell for cell in exactly_known(table, hidden) if 0 < table.loc[cell] < min_n]
        if not leaks:
            return hidden
        # The line rules are necessary, not sufficient: widen the hidden set around the first leak,
        # with inner cells only (margins are the one-way tables' business).
        row, col = leaks[0]
        line = [(row, c) for c in counts.columns] if row != TOTAL else []
        line += [(r, col) for r in counts.index] if col != TOTAL else []
        candidates = [(table.loc[cell], cell) for cell in line if not hidden.loc[cell] and table.loc[cell] > 0]
        if not candidates:
            hidden.loc[counts.index, counts.columns] = True
            return hidden
        _, cell = min(candidates, key=lambda x: (x[0], str(x[1])))
        hidden.loc[cell] = True
    raise RuntimeError("complementary suppression did not settle")  # cannot happen: cells only ever get hidden


def exactly_known(table: pd.DataFrame, hidden: pd.DataFrame) -> list[tuple]:
    """Hidden cells an attacker can compute exactly from the shown cells and the row/column sums.

    The sums are linear equations in the hidden cells; a hidden cell is pinned down exactly when
    every solution of the homogeneous system leaves it at zero (its coordinate vanishes in a basis
    of the null space).
    """
    unknown = [(r, c) for r in table.index for c in table.columns if hidden.loc[r, c]]
    if not unknown:
        return []
    pos = {cell: k for k, cell in enumerate(unknown)}
    inner_rows, inner_cols = table.index[:-1], table.columns[:-1]
    lines = [[(r, c) for c in inner_cols] + [(r, TOTAL)] for r in table.index]
    lines += [[(r, c) for r in inner_rows] + [(TOTAL, c)] for c in table.columns]
    equations = np.zeros((len(lines), len(unknown)))
    for i, line in enumerate(lines):  # inner cells − the line's total = 0
        for cell, sign in zip(line, [1] * (len(line) - 1) + [-1]):
            if cell in pos:
                equations[i, pos[cell]] += sign
    free = null_space(equations)
    return [cell for cell, k in pos.items() if free.shape[1] == 0 or np.abs(free[k]).max() < 1e-9]


def _settle_lines(table: pd.DataFrame, hidden: pd.DataFrame, min_n: int, *, skip_total_row: bool,
                  skip_total_col: bool) -> pd.DataFrame:
    """Apply the line rules along every row and column until nothing changes. The line of margins
    is skipped when the margins are fixed by the one-way tables."""
    inner_rows, inner_cols = list(table.index[:-1]), list(table.columns[:-1])
    rows = inner_rows if skip_total_row else list(table.index)
    cols = inner_cols if skip_total_col else list(table.columns)
    for _ in range(table.size + 1):
        before = hidden.to_numpy().copy()
        for r in rows:
            hidden.loc[r, inner_cols] = _protect_line(table.loc[r, inner_cols], hidden.loc[r, inner_cols],
                                                      total_hidden=bool(hidden.loc[r, TOTAL]), min_n=min_n)
        for c in cols:
            hidden.loc[inner_rows, c] = _protect_line(table.loc[inner_rows, c], hidden.loc[inner_rows, c],
                                                      total_hidden=bool(hidden.loc[TOTAL, c]), min_n=min_n)
        if np.array_equal(before, hidden.to_numpy()):
            return hidden
    raise RuntimeError("line rules did not settle")  # cannot happen: cells only ever get hidden


def _protect_line(counts: pd.Series, hidden: pd.Series, *, total_hidden: bool, min_n: int) -> pd.Series:
    """One line of a table: hide further cells (smallest with answers first) until the line is safe."""
    hidden = hidden.copy()

    def safe() -> bool:
        with_answers = int((hidden & (counts > 0)).sum())
        if total_hidden:  # the total is an unknown too: one more unknown than equations needs two hidden cells
            return with_answers >= 2 or counts.sum() == 0
        # A lone hidden cell is total − the others, however large; it then unlocks its column (a chain).
        return with_answers == 0 or (with_answers >= 2 and counts[hidden].sum() >= min_n)

    for group in counts[~hidden & (counts > 0)].sort_index(kind="stable").sort_values(kind="stable").index:
        if safe():
            break
        hidden[group] = True
    return hidden
