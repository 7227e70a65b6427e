"""Which employee groups may be shown: the one place the anonymity rule lives.

A breakdown whose groups partition a shown total (departments of all employees, units of all
employees) leaks a hidden group by subtraction: total − the shown groups = the hidden group. So
besides hiding every group under `min_n` (primary suppression), the hidden groups taken together
must themselves reach `min_n` (complementary suppression): what an attacker can recover is then
only the combined figure of at least `min_n` people, which is exactly what a shown group is.

Those line rules are necessary, not sufficient: an attacker holding all the tables of a publication
subtracts value by value and knows that counts are whole and ≥ 0. `protect_linked` therefore adds
complements over linked tables until the attacker's audit (`stats.audit`) pins nothing of a small group.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mirrorgap.stats.audit import Attacker, LinkedTables


def hidden_groups(counts: pd.Series, *, min_n: int, total_shown: bool = True) -> pd.Series:
    """Per group of one partition, True where its employee results must not be shown.

    counts: answers per group (index = group). total_shown: whether the partition's total is shown
    elsewhere (then the hidden groups together must reach min_n, hiding the next-smallest groups
    as needed). When the total itself is under min_n, everything is hidden.
    """
    by_name = counts.astype(int).sort_index(kind="stable")
    hidden = hidden_in_partition(by_name.to_numpy(dtype=np.int64), min_n=min_n, total_shown=total_shown)
    return pd.Series(hidden, index=by_name.index).reindex(counts.index)


def hidden_in_partition(counts: np.ndarray, *, min_n: int, total_shown: bool = True) -> np.ndarray:
    """`hidden_groups` on an array of answers per group, the groups in name order (ties go by it)."""
    hidden = counts < min_n
    if counts.sum() < min_n:
        return np.ones(len(counts), dtype=bool)
    if not total_shown or counts[hidden].sum() == 0:  # groups without answers reveal nothing
        return hidden
    # Add the smallest shown groups until the hidden ones together reach min_n (ties by name, stable).
    shown = np.flatnonzero(~hidden)
    for group in shown[np.argsort(counts[shown], kind="stable")]:
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
    h = hidden_cells_array(
        counts.to_numpy(dtype=np.int64), min_n=min_n,
        row_hidden=None if row_hidden is None else row_hidden.reindex(counts.index).fillna(True).to_numpy(dtype=bool),
        col_hidden=None if col_hidden is None else col_hidden.reindex(counts.columns).fillna(True).to_numpy(dtype=bool))
    return pd.DataFrame(h, index=table.index, columns=table.columns)


def hidden_cells_array(counts: np.ndarray, *, min_n: int, row_hidden: np.ndarray | None = None,
                       col_hidden: np.ndarray | None = None) -> np.ndarray:
    """`hidden_cells` on arrays: counts rows × columns without margins, the margins' hidden state per
    row / column (or None); returns the hidden mask of the table with its margins (last row, column)."""
    n_rows, n_cols = counts.shape
    a = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    a[:n_rows, :n_cols] = counts
    a[:n_rows, n_cols] = counts.sum(axis=1)
    a[n_rows, :] = a[:n_rows, :].sum(axis=0)
    h = a < min_n
    if a[n_rows, n_cols] < min_n:
        h[:] = True
        return h
    if row_hidden is not None:
        h[:n_rows, n_cols] = row_hidden
    if col_hidden is not None:
        h[n_rows, :n_cols] = col_hidden
    for _ in range(a.size + 1):
        _settle_lines(a, h, min_n, skip_total_row=col_hidden is not None, skip_total_col=row_hidden is not None)
        leaks = [(i, j) for i, j in _known_cells(a, h) if 0 < a[i, j] < min_n]
        if not leaks:
            return h
        # Widen around the first leak, with inner cells only (margins are the one-way tables' business).
        i, j = leaks[0]
        line = ([(i, c) for c in range(n_cols)] if i < n_rows else []) + \
               ([(r, j) for r in range(n_rows)] if j < n_cols else [])
        candidates = [(a[cell], cell) for cell in line if not h[cell] and a[cell] > 0]
        if not candidates:
            h[:n_rows, :n_cols] = True
            return h
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


@dataclass
class Protection:
    """What `protect_linked` did: the hidden cells, the complements it added (in order), the cells
    whose respondent counts it hid too, the cells it audited and the solver calls it took."""

    hidden: np.ndarray
    added: list[int]
    audited: int
    solves: int
    sizes_hidden: list[int] = field(default_factory=list)


def small_cells(tables: LinkedTables, *, min_n: int) -> np.ndarray:
    """The cells to protect: groups of 1 to min_n − 1 answers or respondents."""
    answers, sizes = tables.answers(), tables.sizes()
    return ((answers > 0) & (answers < min_n)) | ((sizes > 0) & (sizes < min_n))


def protect_linked(tables: LinkedTables, hidden: np.ndarray, *, min_n: int, width: int = 1,
                   frozen: np.ndarray | None = None, cost: np.ndarray | None = None,
                   size_cost: np.ndarray | None = None) -> Protection:
    """Hide further cells of linked tables until the value-level audit (`audit.Attacker`) pins nothing
    of any small group.

    hidden: per cell, hidden before the audit (primary suppression and the line rules); every small
    cell must be in it. frozen: cells whose state may not change (e.g. the per-wave cells when a pool
    is audited with them). cost: per cell, what hiding one unit of it costs (default: its answers).
    size_cost: the same for hiding a cell's published respondent count (None: those stay; else the
    caller must stop publishing the counts in `sizes_hidden`).
    Greedy, one failing figure at a time: the cheapest published cells whose hiding lets the attacker's
    range of that figure reach the protection width (`Attacker.release`, an LP, else its integer
    program) are hidden, and the figure is audited again; hiding only widens the attacker's ranges, so
    a figure once safe stays safe. Should neither program find cells, the smallest published cell that
    shares a sum with it (or with its hidden neighbours) is hidden; should nothing be left to hide
    there, every cell that may change is.
    """
    hidden = np.asarray(hidden, dtype=bool).copy()
    frozen = np.zeros(len(hidden), dtype=bool) if frozen is None else np.asarray(frozen, dtype=bool)
    cost = tables.answers().astype(float) if cost is None else np.asarray(cost, dtype=float)
    protect = small_cells(tables, min_n=min_n)
    if (protect & ~hidden).any():
        raise ValueError("every small cell must be hidden before the audit")
    pending = [int(c) for c in np.flatnonzero(protect & hidden)]
    attacker = Attacker(tables, ~hidden, width=width, min_n=min_n)
    if pending:
        attacker.explore(protect)
    audited, added, sizes_hidden = len(pending), [], []
    near = None  # per cell its linked cells, found when a release finds nothing (rare)

    def hide(cells, sizes=()) -> None:
        for c in sorted(cells):
            if attacker.shown[c]:
                attacker.hide(c)
                added.append(c)
        for c in sorted(sizes):
            if attacker.size_shown[c]:
                attacker.hide_size(c)
                sizes_hidden.append(c)

    passed: dict[int, set] = {}  # per cell the checks passed so far: hiding never un-passes one
    while pending:
        cell = pending[0]
        failure = attacker.first_failure(cell, passed.setdefault(cell, set()))
        if failure is None:
            pending.pop(0)
            continue
        failures = [failure]
        may_hide = ~frozen & (attacker.shown | (attacker.size_shown if size_cost is not None else False))
        if not may_hide.any():
            raise RuntimeError("the frozen cells alone give a small group away")  # their own audit passed
        found = attacker.release(failures[0], cost=cost, may_hide=may_hide, size_cost=size_cost)
        if found is None:  # even hiding everything that may change would not do: hide it all
            hide(np.flatnonzero(may_hide & attacker.shown), np.flatnonzero(may_hide & attacker.size_shown))
            continue
        if not any(found):  # the LP's table is not a whole-number one
            found = attacker.release(failures[0], cost=cost, may_hide=may_hide, size_cost=size_cost,
                                     integral=True) or (set(), set())
        if not any(found):
            near = tables.neighbours() if near is None else near
            near_cells = _candidates(cell, near, may_hide & attacker.shown)
            if near_cells:
                found = ({min(near_cells, key=lambda c: (cost[c], c))}, set())
            else:
                found = (set(np.flatnonzero(may_hide & attacker.shown)), set(np.flatnonzero(may_hide & attacker.size_shown)))
        hide(*found)
        attacker.offer(attacker.released)  # the release's table: the figure moved, now feasible
        attacker.released = None
    return Protection(hidden=~attacker.shown, added=added, audited=audited, solves=attacker.solves,
                      sizes_hidden=sizes_hidden)


def _candidates(cell: int, near: list[set[int]], may_hide: np.ndarray) -> list[int]:
    """The published cells that may be hidden nearest to `cell`: those sharing a sum with it, else
    with the hidden cells it is linked to (ring by ring)."""
    seen, ring = {cell}, [cell]
    while ring:
        touching = {n for c in ring for n in near[c]} - seen
        found = [n for n in touching if may_hide[n]]
        if found:
            return found
        seen |= touching
        ring = [n for n in touching if not may_hide[n]]
    return []
