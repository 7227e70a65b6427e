"""The count index: segments per (cell, measure), their answers, and their sufficient statistics
against numpy on the expanded answers."""
import numpy as np
import pandas as pd
import pytest

from mirrorgap.aggregate.count_index import CountIndex, frame_columns

ROWS = [  # side, wave, dimension, group, dimension2, group2, measure, value, count, suppressed
    ("employee", "2026", "all", "all", None, None, "q1", 5.0, 3, False),
    ("employee", "2026", "all", "all", None, None, "q1", 2.0, 4, False),
    ("employee", "2026", "all", "all", None, None, "q1", 4.0, 1, False),
    ("employee", "2026", "all", "all", None, None, "nps", 10.0, 2, False),
    ("employee", "2026", "all", "all", None, None, "nps", 8.0, 1, False),
    ("employee", "2026", "all", "all", None, None, "nps", 3.0, 4, False),
    ("employee", "2026", "unit", "Malmö", "role", "Säljare", "q1", np.nan, None, True),
    ("employee", "2026", "unit", "Malmö", None, None, "q1", 1.0, 6, False),
    ("customer", "2026", "all", "all", None, None, "q1", 7.0, 2, False),
    ("customer", "2026", "all", "all", None, None, "q1", 1.0, 1, False),
    ("employee", "2025", "all", "all", None, None, "q1", 3.0, 9, False),
]
SCALES = {"employee": {"q1": (1.0, 5.0)}, "customer": {"q1": (1.0, 7.0)}}


@pytest.fixture
def index():
    frame = pd.DataFrame(ROWS, columns=["side", "wave", "dimension", "group", "dimension2", "group2", "measure",
                                        "value", "count", "suppressed"])
    frame["count"] = frame["count"].astype("Int64")
    # shuffled: the index must not depend on the order rows were written in
    return CountIndex(frame_columns(frame.sample(frac=1, random_state=3)), SCALES, top_box_at=75)


def test_each_cell_and_measure_is_one_segment_with_sorted_answers(index):
    cell = index.cell(("employee", "2026", "all", "all", "", ""))
    assert set(cell) == {"q1", "nps"}
    seg = index.segment(cell["q1"])
    assert seg.values.tolist() == [2.0, 4.0, 5.0] and seg.counts.tolist() == [4, 1, 3] and not seg.suppressed
    assert index.cell(("employee", "2025", "all", "all", "", ""))["q1"] != cell["q1"]  # waves never pooled
    assert index.cell(("employee", "2026", "all", "nobody", "", "")) is None


def test_sufficient_statistics_equal_the_expanded_answers(index):
    seg = index.cell(("employee", "2026", "all", "all", "", ""))["q1"]
    answers = np.repeat([5.0, 2.0, 4.0], [3, 4, 1])
    pomp = (answers - 1) / 4 * 100
    assert index.n[seg] == 8
    assert index.mean[seg] == pytest.approx(pomp.mean(), abs=1e-12)
    assert index.sd[seg] == pytest.approx(pomp.std(ddof=1), abs=1e-12)
    assert index.top[seg] == (pomp >= 75).sum() == 4
    customer = index.cell(("customer", "2026", "all", "all", "", ""))["q1"]
    assert index.mean[customer] == pytest.approx(np.mean([100, 100, 0]), abs=1e-12)  # its own 1–7 scale


def test_nps_groups_and_a_single_answer(index):
    seg = index.cell(("employee", "2026", "all", "all", "", ""))["nps"]
    assert (index.promoters[seg], index.passives[seg], index.detractors[seg]) == (2, 1, 4)
    one = index.cell(("employee", "2026", "unit", "Malmö", "", ""))["q1"]
    assert index.n[one] == 6 and index.sd[one] == 0  # six identical answers


def test_a_suppressed_segment_has_no_answers(index):
    seg = index.cell(("employee", "2026", "unit", "Malmö", "role", "Säljare"))["q1"]
    assert index.suppressed[seg] and index.n[seg] == 0 and np.isnan(index.mean[seg])
    assert index.segment(seg).counts.sum() == 0


def test_cells_of_one_breakdown(index):
    assert set(index.cells("employee", "2026", "unit")) == {"Malmö"}
    assert set(index.cells("employee", "2026", "unit", "role", "Säljare")) == {"Malmö"}
    assert index.cells("customer", "2026", "unit") == {}
