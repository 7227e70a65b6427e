"""Anonymity as an attacker sees it: from what is shown, can any group under min_n be recovered?"""
import numpy as np
import pandas as pd
import pytest

from mirrorgap.stats.audit import Attacker, LinkedTables
from mirrorgap.stats.suppression import (
    TOTAL,
    hidden_cells,
    hidden_groups,
    protect_linked,
    small_cells,
    with_margins,
)


def recoverable_by_subtraction(counts: pd.Series, hidden: pd.Series, min_n: int) -> bool:
    """The attacker's move: total − shown groups = the hidden groups' combined figure. It leaks when
    that combined group is a real group of fewer than min_n people."""
    combined = counts[hidden].sum()
    return 0 < combined < min_n


def test_small_department_is_hidden_with_its_complement():
    counts = pd.Series({"Verkstad": 40, "Service": 30, "Försäljning": 25, "Administration": 8, "Ledning": 4})
    hidden = hidden_groups(counts, min_n=5)
    assert hidden["Ledning"] and hidden["Administration"]
    assert not hidden[["Verkstad", "Service", "Försäljning"]].any()
    assert not recoverable_by_subtraction(counts, hidden, 5)


def test_no_complement_needed_when_total_is_not_shown():
    counts = pd.Series({"A": 40, "B": 4})
    assert hidden_groups(counts, min_n=5, total_shown=False).tolist() == [False, True]


def test_two_small_groups_that_together_reach_min_n_need_nothing_more():
    counts = pd.Series({"A": 40, "B": 3, "C": 2})
    assert hidden_groups(counts, min_n=5).tolist() == [False, True, True]


def test_a_total_under_min_n_hides_everything():
    assert hidden_groups(pd.Series({"A": 2, "B": 2}), min_n=5).all()


@pytest.mark.parametrize("seed", range(150))
def test_random_partitions_never_leak(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 9))
    counts = pd.Series(rng.integers(0, 15, k), index=[f"g{i}" for i in range(k)])
    min_n = int(rng.integers(3, 11))
    hidden = hidden_groups(counts, min_n=min_n)
    assert (hidden | (counts >= min_n)).all()  # every small group hidden
    if counts.sum() >= min_n:
        assert not recoverable_by_subtraction(counts, hidden, min_n)


def determined_cells(table: pd.DataFrame, hidden: pd.DataFrame) -> list:
    """The attacker: every published row and column sum is a linear equation over the hidden cells
    (margins included); a hidden cell is exactly recoverable when its unit vector lies in the row
    space of those equations."""
    unknown = [(r, c) for r in table.index for c in table.columns if hidden.loc[r, c]]
    pos = {cell: k for k, cell in enumerate(unknown)}
    inner_r, inner_c = table.index[:-1], table.columns[:-1]
    equations = []
    for r in table.index:  # sum of a row's inner cells − its total = 0
        eq = np.zeros(len(unknown))
        for c in inner_c:
            if (r, c) in pos:
                eq[pos[(r, c)]] += 1
        if (r, TOTAL) in pos:
            eq[pos[(r, TOTAL)]] -= 1
        equations.append(eq)
    for c in table.columns:
        eq = np.zeros(len(unknown))
        for r in inner_r:
            if (r, c) in pos:
                eq[pos[(r, c)]] += 1
        if (TOTAL, c) in pos:
            eq[pos[(TOTAL, c)]] -= 1
        equations.append(eq)
    m = np.array(equations)
    rank = np.linalg.matrix_rank(m) if len(unknown) else 0
    found = []
    for cell, k in pos.items():
        e = np.zeros(len(unknown))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([m, e])) == rank:
            found.append(cell)
    return found


@pytest.mark.parametrize("seed", range(150))
def test_random_crossed_tables_leak_no_small_cell_to_linear_algebra(seed):
    rng = np.random.default_rng(1000 + seed)
    rows, cols = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    counts = pd.DataFrame(rng.integers(0, 12, (rows, cols)), index=[f"u{i}" for i in range(rows)],
                          columns=[f"d{j}" for j in range(cols)])
    min_n = int(rng.integers(3, 8))
    hidden = hidden_cells(counts, min_n=min_n)
    table = with_margins(counts)
    assert ((table >= min_n) | hidden).all().all()  # every small cell and margin hidden
    leaks = [cell for cell in determined_cells(table, hidden) if 0 < table.loc[cell] < min_n]
    assert not leaks, (counts, hidden, leaks)
    for r in table.index:  # and no combined hidden group under min_n behind a shown total
        if not hidden.loc[r, TOTAL]:
            assert not recoverable_by_subtraction(table.loc[r, counts.columns], hidden.loc[r, counts.columns], min_n)
    for c in table.columns:
        if not hidden.loc[TOTAL, c]:
            assert not recoverable_by_subtraction(table.loc[counts.index, c], hidden.loc[counts.index, c], min_n)


def test_crossed_unit_by_department_hides_small_cells_and_their_complements():
    counts = pd.DataFrame({"Verkstad": [12, 9], "Ledning": [2, 1]}, index=["Malmö", "Örebro"])
    hidden = hidden_cells(counts, min_n=5)
    assert hidden.loc["Malmö", "Ledning"] and hidden.loc["Örebro", "Ledning"] and hidden.loc[TOTAL, "Ledning"]
    assert hidden.loc["Malmö", "Verkstad"] or hidden.loc["Örebro", "Verkstad"]  # else Ledning per unit = unit − Verkstad
    assert not hidden.loc[TOTAL, TOTAL]


@pytest.mark.parametrize("seed", range(120))
def test_crossed_tables_with_margins_fixed_by_the_one_way_tables_never_leak(seed):
    """The dashboard publishes unit totals, department totals (each suppressed one way, with their
    complements) and the unit × department table: together they must not give back a small group."""
    rng = np.random.default_rng(5000 + seed)
    rows, cols = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    counts = pd.DataFrame(rng.integers(0, 14, (rows, cols)), index=[f"u{i}" for i in range(rows)],
                          columns=[f"d{j}" for j in range(cols)])
    counts.iloc[:, -1] = rng.integers(0, 3, rows)  # one small department, as in real engagements
    min_n = int(rng.integers(3, 8))
    row_hidden = hidden_groups(counts.sum(axis=1), min_n=min_n)
    col_hidden = hidden_groups(counts.sum(axis=0), min_n=min_n)
    hidden = hidden_cells(counts, min_n=min_n, row_hidden=row_hidden, col_hidden=col_hidden)
    table = with_margins(counts)
    assert (hidden.loc[counts.index, TOTAL] == row_hidden).all()  # margins exactly as the one-way tables show them
    assert (hidden.loc[TOTAL, counts.columns] == col_hidden).all()
    assert ((table >= min_n) | hidden).all().all()
    leaks = [cell for cell in determined_cells(table, hidden) if 0 < table.loc[cell] < min_n]
    assert not leaks, (counts, hidden, leaks)


# ------------------------------------------------------------------------------------------------
# the value-level audit (stats.audit) and the complements it asks for (suppression.protect_linked)

def one_way(groups: list[list[int]]) -> LinkedTables:
    """A total (cell 0) and its groups (cells 1…), counts per answer value."""
    counts = np.array([np.sum(groups, axis=0)] + groups)
    return LinkedTables(counts, [(0, list(range(1, len(counts))))], counts.shape[1])


def test_a_lone_hidden_group_is_pinned_value_by_value_and_a_complement_fixes_it():
    tables = one_way([[3, 4, 5], [2, 4, 6], [1, 0, 2]])  # the last group: 3 people
    hidden = np.array([False, False, False, True])
    attacker = Attacker(tables, ~hidden, min_n=5)
    kinds = {f.kind for f in attacker.failures(small_cells(tables, min_n=5))}
    assert {"value", "size"} <= kinds  # no no-answer column here: its answers are its respondents
    done = protect_linked(tables, hidden, min_n=5)
    assert len(done.added) == 1 and done.added[0] in (1, 2)  # one other group (both hold 12)
    assert Attacker(tables, ~done.hidden, min_n=5).failures(small_cells(tables, min_n=5)) == []


def test_a_small_group_whose_answers_could_only_be_one_value_is_a_failure():
    # hidden together, the small group (2 people, both "3") and its complement (6, all "3") leave
    # only the value 3 possible for it, though the total shows three values
    tables = one_way([[4, 4, 0], [3, 5, 1], [0, 0, 6], [0, 0, 2]])
    hidden = np.array([False, False, False, True, True])
    failures = Attacker(tables, ~hidden, min_n=5).cell_failures(4)
    assert [f.kind for f in failures] == ["single"]
    done = protect_linked(tables, hidden, min_n=5)
    assert Attacker(tables, ~done.hidden, min_n=5).cell_failures(4) == []


def test_a_zero_the_attacker_can_prove_is_not_a_failure():
    # nobody in the hidden pair answered "1": known, not sensitive; their other counts are not pinned
    tables = one_way([[4, 4, 4], [0, 3, 3], [0, 1, 2], [0, 2, 1]])
    hidden = np.array([False, False, False, True, True])
    assert Attacker(tables, ~hidden, min_n=5).failures(small_cells(tables, min_n=5)) == []


@pytest.mark.parametrize("seed", range(20))
def test_random_crossed_tables_with_values_leave_the_lib_attacker_nothing(seed):
    """2–4 × 2–4 crossed tables with their margins and a total, 3 answer values, small cells."""
    rng = np.random.default_rng(9000 + seed)
    rows, cols = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    inner = rng.integers(0, 4, (rows, cols, 3))
    cells = [inner.sum(axis=(0, 1))] + [inner[i].sum(axis=0) for i in range(rows)] + \
            [inner[:, j].sum(axis=0) for j in range(cols)] + [inner[i, j] for i in range(rows) for j in range(cols)]
    row_cell, col_cell = (lambda i: 1 + i), (lambda j: 1 + rows + j)
    grid = lambda i, j: 1 + rows + cols + i * cols + j  # noqa: E731
    sums = [(0, [row_cell(i) for i in range(rows)]), (0, [col_cell(j) for j in range(cols)])]
    sums += [(row_cell(i), [grid(i, j) for j in range(cols)]) for i in range(rows)]
    sums += [(col_cell(j), [grid(i, j) for i in range(rows)]) for j in range(cols)]
    tables = LinkedTables(np.array(cells), sums, 3)
    hidden = tables.answers() < 5
    if hidden[0]:
        return
    done = protect_linked(tables, hidden, min_n=5)
    assert Attacker(tables, ~done.hidden, min_n=5).failures(small_cells(tables, min_n=5)) == []


def test_the_attacker_keeps_only_tables_it_cannot_rule_out():
    """`Attacker.offer`: a table the protection hands over (the release's) is checked, not trusted."""
    tables = one_way([[3, 4, 5], [2, 4, 6], [1, 0, 2], [0, 0, 3]])  # groups of 12, 3, 3 people
    attacker = Attacker(tables, np.array([True, True, True, False, False]), min_n=5)
    swapped = tables.counts.copy()
    swapped[[3, 4], 0] += [-1, 1]  # one "1" moved between the hidden groups: every sum holds
    assert attacker.offer(swapped) and len(attacker.witnesses) == 2
    shown_moved = tables.counts.copy()
    shown_moved[[2, 3], 0] += [1, -1]  # a shown group changed
    negative = tables.counts.copy()
    negative[[3, 4], 1] += [-1, 1]  # the third group has no "2" to give
    broken = tables.counts.copy()
    broken[3, 0] += 1  # the total no longer adds up
    assert not any(attacker.offer(t) for t in (shown_moved, negative, broken, swapped[:3], swapped + 0.5))
    assert len(attacker.witnesses) == 2
