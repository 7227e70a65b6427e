"""The pulse: reading with a ledger that accounts for every row, periods in natural order, weekly
means against scipy, suppression per week checked by attackers (subtraction within a week, and
linear algebra across weeks and across breakdowns), the demo, and the pulse chart."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats as sps  # noqa: E402

from helpers import engagement, raw_survey  # noqa: E402
from mirrorgap.analyse.pulse import (  # noqa: E402
    SERIES_COLUMNS,
    clean_pulse,
    load_pulse,
    normalise_period,
    pulse_series,
    sorted_periods,
)
from mirrorgap.config.params import load_engagement  # noqa: E402
from mirrorgap.config.texts import section  # noqa: E402
from mirrorgap.errors import InputFileError, ParamsError  # noqa: E402
from mirrorgap.render.charts.pulse import pulse_chart, pulse_figure  # noqa: E402
from mirrorgap.render.style import set_theme  # noqa: E402
from mirrorgap.stats.suppression import TOTAL  # noqa: E402

PULSE = {"input": {"path": "p.csv"}, "id_column": "id", "period_column": "week", "score_column": "score",
         "unit_column": "unit", "segment_columns": ["dept"]}
ENG = engagement(pulse=PULSE)
MIN_N = ENG.analysis.min_n



# ------------------------------------------------------------------------------ reading

def test_every_row_is_used_or_left_out_with_a_reason():
    raw = raw_survey(pd.DataFrame([
        {"id": "P1", "week": "2026-W05", "unit": "A", "dept": "X", "score": "7"},
        {"id": "P2", "week": "2026-w5", "unit": "A", "dept": "X", "score": "10 - Mycket bra"},
        {"id": None, "week": "2026-W05", "unit": "A", "dept": "X", "score": "6"},
        {"id": "P3", "week": None, "unit": "A", "dept": "X", "score": "6"},
        {"id": "P4", "week": "2026-W05", "unit": "A", "dept": "X", "score": "11"},
        {"id": "P5", "week": "2026-W05", "unit": "A", "dept": "X", "score": "Vet ej"},
        {"id": "P6", "week": "2026-W05", "unit": "A", "dept": "X", "score": None},
        {"id": "P7", "week": "2026-W05", "unit": "A", "dept": "X", "score": "bra"},
        {"id": "P1", "week": "2026-W05", "unit": "A", "dept": "X", "score": "3"},   # second answer: left out
        {"id": "P6", "week": "2026-W05", "unit": "A", "dept": "X", "score": "8"},   # first was blank: used
        {"id": "P1", "week": "2026-02-03", "unit": None, "dept": "X", "score": "5"},  # a date: week 6
    ]))
    frame, ledger = clean_pulse(raw, ENG.pulse)
    assert ledger["rows_in"] == 11 == ledger["rows_used"] + len(ledger["excluded"])
    assert ledger["rows_used"] == len(frame) == 4
    by_reason = ledger["excluded_by_reason"]
    assert {k: v for k, v in by_reason.items() if v} == {
        "no_respondent_id": 1, "no_period": 1, "duplicate_in_period": 1, "out_of_range": 1,
        "dont_know": 1, "blank": 1, "unknown_label": 1}
    excluded = {e["row"]: e["reason"] for e in ledger["excluded"]}
    assert excluded[4] == "no_respondent_id" and excluded[10] == "duplicate_in_period"  # spreadsheet rows
    assert ledger["score"]["out_of_range"] == {"11": 1} and ledger["score"]["unknown_labels"] == {"bra": 1}
    assert frame["period"].tolist() == ["2026-W05", "2026-W05", "2026-W05", "2026-W06"]
    assert frame["score"].tolist() == [7.0, 10.0, 8.0, 5.0]
    assert frame["unit"].tolist()[-1] == "(blank)"


def test_no_usable_answer_is_an_error_that_says_what_to_check():
    raw = raw_survey(pd.DataFrame({"id": ["a"], "week": ["2026-W01"], "unit": ["A"], "dept": ["X"], "score": ["77"]}))
    with pytest.raises(InputFileError, match="no usable pulse answers"):
        clean_pulse(raw, ENG.pulse)
    with pytest.raises(InputFileError, match="not in the file"):
        clean_pulse(raw_survey(pd.DataFrame({"id": ["a"], "week": ["x"]})), ENG.pulse)


@pytest.mark.parametrize("value, expected", [
    ("2026-W05", "2026-W05"), ("2026W5", "2026-W05"), (" 2026-w12 ", "2026-W12"),
    ("2026-01-01", "2026-W01"), ("2027-01-01", "2026-W53"), (pd.Timestamp("2025-12-29"), "2026-W01"),
    ("Vecka 7", "Vecka 7"), (None, None), ("", None),
])
def test_periods_are_normalised_to_iso_weeks(value, expected):
    assert normalise_period(value) == expected


def test_periods_sort_naturally():
    assert sorted_periods(["2026-W12", "2026-W05", "2025-W52", "2026-W1", "2026-W05"]) == [
        "2025-W52", "2026-W1", "2026-W05", "2026-W12"]


# ------------------------------------------------------------------------------ the series

def pulse_frame(rng, weeks: dict[str, dict[str, int]], *, units=("A", "B", "C")) -> pd.DataFrame:
    rows = []
    for week, depts in weeks.items():
        for dept, n in depts.items():
            for k in range(n):
                rows.append({"respondent_id": f"{dept}{k}", "source_row": len(rows) + 2, "period": week,
                             "unit": units[k % len(units)], "dept": dept, "score": float(rng.integers(3, 11))})
    return pd.DataFrame(rows)


def test_weekly_total_is_a_t_interval_on_the_scale_and_on_pomp():
    rng = np.random.default_rng(5)
    frame = pulse_frame(rng, {"2026-W12": {"X": 30}, "2026-W5": {"X": 12}, "2026-W9": {"X": 3}})
    series = pulse_series(frame, ENG)
    assert list(series.columns) == SERIES_COLUMNS
    assert series["period"].tolist() == ["2026-W5", "2026-W9", "2026-W12"]
    assert (series["group"] == TOTAL).all()
    for _, row in series[~series["suppressed"]].iterrows():
        x = frame.loc[frame["period"] == row["period"], "score"]
        low, high = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
        assert (row["n"], row["mean"]) == (len(x), pytest.approx(x.mean()))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-12)
        assert row["mean_pomp"] == pytest.approx((x.mean() - 1) / 9 * 100)
        assert row["ci_high_pomp"] == pytest.approx((high - 1) / 9 * 100)
    small = series.set_index("period").loc["2026-W9"]
    assert small["suppressed"] and np.isnan(small[["mean", "ci_low", "mean_pomp"]].astype(float)).all()
    assert pd.isna(small["n"])  # 3 answered: the size of a hidden week is not shown either


def weekly_sums(series: pd.DataFrame) -> pd.DataFrame:
    """What a viewer of a series can compute per shown cell: n and the sum of the scores."""
    shown = series[~series["suppressed"]].copy()
    shown["sum"] = shown["n"] * shown["mean"]
    return shown


def test_week_total_minus_shown_groups_never_gives_back_a_hidden_group():
    rng = np.random.default_rng(9)
    weeks = {f"2026-W{w:02d}": {"Verkstad": int(rng.integers(8, 20)), "Service": int(rng.integers(5, 12)),
                                "Sälj": int(rng.integers(4, 9)), "Admin": int(rng.integers(5, 8)),
                                "Ledning": int(rng.integers(1, 5))} for w in range(1, 13)}
    frame = pulse_frame(rng, weeks)
    series = pulse_series(frame, ENG, by="dept")
    for week, part in series.groupby("period"):
        total = part[part["group"] == TOTAL].iloc[0]
        groups = part[part["group"] != TOTAL]
        hidden = groups[groups["suppressed"]]
        assert "Ledning" in set(hidden["group"])
        shown = groups[~groups["suppressed"]]
        rest_n = total["n"] - shown["n"].sum()
        rest_sum = total["n"] * total["mean"] - (shown["n"] * shown["mean"]).sum()
        # the attacker gets the hidden groups together: at least min_n people, never one hidden group
        sizes = frame[frame["period"] == week].groupby("dept").size()  # the truth, which the series hides
        assert rest_n == sizes[hidden["group"]].sum() >= MIN_N and len(hidden) >= 2
        truth = frame[(frame["period"] == week) & frame["dept"].isin(hidden["group"])]["score"].sum()
        assert rest_sum == pytest.approx(truth)
        for group in hidden["group"]:
            assert sizes[group] != rest_n
        assert hidden[["n", "mean", "sd", "ci_low", "ci_high", "mean_pomp"]].isna().all().all()


def row_space(equations: np.ndarray) -> np.ndarray:
    """An orthonormal basis of what the published equations can be combined into."""
    _, s, vt = np.linalg.svd(equations, full_matrices=False)
    return vt[s > 1e-9 * s.max()]


def determined(basis: np.ndarray, target: np.ndarray) -> bool:
    """Whether `target · cells` follows from the published figures: the target lies in their row
    space (its projection onto that space is the target itself)."""
    return bool(np.linalg.norm(target - basis.T @ (basis @ target)) < 1e-7)


def _membership(cells: list[tuple], by: str | None, period, group) -> np.ndarray:
    """Which atomic cells (period, unit, dept) one figure sums over."""
    arr = np.array(cells, dtype=object).reshape(len(cells), 3)
    mask = arr[:, 0] == period
    if by is not None and group != TOTAL:
        mask &= arr[:, 1 if by == "unit" else 2] == group
    return mask.astype(float)


def published_equations(frame: pd.DataFrame, views: dict[str | None, pd.DataFrame], cells: list[tuple]):
    """One row per published figure (a shown cell of any view): the atomic cells it sums over."""
    return np.array([_membership(cells, by, r["period"], r["group"])
                     for by, series in views.items() for _, r in series[~series["suppressed"]].iterrows()])


def hidden_targets(views, cells):
    """Every hidden group of every week, as the atomic cells it sums over."""
    for by, series in views.items():
        if by is None:
            continue
        for _, r in series[series["suppressed"]].iterrows():  # every row is a group someone answered in
            yield by, r, _membership(cells, by, r["period"], r["group"])


def atomic_cells(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(k) for k in frame.groupby(["period", "unit", "dept"]).size().index]


@pytest.fixture(scope="module")
def demo():
    eng = load_engagement("params/demo.yaml")
    frame, ledger = load_pulse(eng)
    return eng, frame, ledger


def test_no_hidden_group_is_recoverable_from_all_weeks_and_all_breakdowns_together(demo):
    """The linear-algebra attacker: every figure shown in the total, per-unit and per-department
    series of every week is an equation in the atomic cells (week × unit × department); a hidden
    group must not be a combination of them."""
    eng, frame, _ = demo
    frame = frame.rename(columns={"avdelning": "dept"})
    eng_dept = engagement(pulse={**PULSE}, analysis={"min_n": eng.analysis.min_n})
    views = {None: pulse_series(frame, eng_dept), "unit": pulse_series(frame, eng_dept, by="unit"),
             "dept": pulse_series(frame, eng_dept, by="dept")}
    cells = atomic_cells(frame)
    basis = row_space(published_equations(frame, views, cells))
    targets = list(hidden_targets(views, cells))
    assert len(targets) > 12  # Ledning every week, complements, small units
    leaks = [(by, r["period"], r["group"]) for by, r, vec in targets if determined(basis, vec)]
    assert not leaks


def test_the_attacker_finds_a_leak_when_pooled_group_figures_are_published():
    """The same attacker has teeth: publishing a per-group figure pooled over the weeks (which
    pulse_series never does) would let pooled − the shown weeks give back a hidden week."""
    rng = np.random.default_rng(1)
    frame = pulse_frame(rng, {"2026-W01": {"X": 9, "L": 3}, "2026-W02": {"X": 8, "L": 7}}, units=("A",))
    series = pulse_series(frame, ENG, by="dept")
    assert series.set_index(["period", "group"]).loc[("2026-W01", "L"), "suppressed"]
    cells = atomic_cells(frame)
    views = {"dept": series}
    pooled = np.array([[1.0 if c[2] == "L" else 0.0 for c in cells]])  # "L over all weeks", n = 10
    equations = np.vstack([published_equations(frame, views, cells), pooled])
    week1_l = next(vec for by, r, vec in hidden_targets(views, cells) if r["period"] == "2026-W01" and r["group"] == "L")
    assert not determined(row_space(published_equations(frame, views, cells)), week1_l)
    assert determined(row_space(equations), week1_l)


def test_unknown_breakdown_is_refused():
    with pytest.raises(ParamsError, match="cannot break the pulse down by 'role'"):
        pulse_series(pd.DataFrame(columns=["period", "score"]), ENG, by="role")


# ------------------------------------------------------------------------------ the demo

def test_demo_pulse_reads_every_row_and_hides_ledning_every_week_with_a_complement(demo):
    eng, frame, ledger = demo
    assert ledger["rows_in"] == 485 == ledger["rows_used"] + len(ledger["excluded"])
    by_unit_col = pulse_series(frame, eng, by="anlaggning")  # the unit column's own name works too
    assert set(by_unit_col["group"]) - {TOTAL} == set(frame["unit"])
    series = pulse_series(frame, eng, by="avdelning")
    periods = series["period"].drop_duplicates().tolist()
    assert periods == [f"2026-W{w:02d}" for w in range(1, 13)]
    for week, part in series.groupby("period"):
        assert not part.loc[part["group"] == TOTAL, "suppressed"].any()
        hidden = part.loc[part["suppressed"], "group"].tolist()
        assert "Ledning" in hidden and len(hidden) >= 2, week
        sizes = frame[frame["period"] == week].groupby("avdelning").size()
        assert sizes[hidden].sum() >= eng.analysis.min_n
        assert part.loc[part["suppressed"], "n"].isna().all()


# ------------------------------------------------------------------------------ the chart

def test_pulse_chart_of_the_total_has_a_band_and_n_under_every_point(demo):
    eng, frame, _ = demo
    set_theme()
    series = pulse_series(frame, eng)
    fig, ax = pulse_figure(series)
    assert pulse_chart(series, ax=ax, texts=section("sv", "trends")) is ax
    line = next(ln for ln in ax.lines if ln.get_gid() == f"line_{TOTAL}")
    assert np.allclose(line.get_ydata(), series["mean"])
    assert [c.get_gid() for c in ax.collections].count("ci_band") == 1
    n_labels = [t.get_text() for t in ax.texts if t.get_gid() == "n_label"]
    assert n_labels == [str(n) for n in series["n"]]
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["W01\n2026", "W02"]
    assert ax.get_title(loc="left") == "Veckopuls"


def test_pulse_chart_by_group_leaves_gaps_and_marks_hidden_points(demo):
    eng, frame, _ = demo
    series = pulse_series(frame, eng, by="avdelning")
    ax = pulse_chart(series, texts=section("en", "trends"))
    ledning = next(ln for ln in ax.lines if ln.get_gid() == "line_Ledning")
    assert np.isnan(np.asarray(ledning.get_ydata(), dtype=float)).all()
    marks = [t for t in ax.texts if t.get_gid() == "hidden_mark"]
    assert len(marks) == int(series["suppressed"].sum())
    # the table under the axis gives n of the shown points only: a hidden point is "×", not its size
    n_labels = [t.get_text() for t in ax.texts if t.get_gid() == "n_label"]
    assert sorted(n_labels) == sorted(str(n) for n in series.loc[~series["suppressed"], "n"])
    for group in series["group"].unique():
        drawn = next(ln for ln in ax.lines if ln.get_gid() == f"line_{group}")
        expected = series.loc[series["group"] == group].set_index("period")
        y = np.asarray(drawn.get_ydata(), dtype=float)
        assert np.array_equal(np.isnan(y), expected["suppressed"].to_numpy()), group
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Ledning (too few answers)" in legend and "All employees" in legend
    assert "× too few answers" in " ".join(t.get_text() for t in ax.texts)


def test_pulse_chart_with_every_other_week_hidden_shows_each_points_interval_and_no_hidden_n():
    rng = np.random.default_rng(4)
    frame = pulse_frame(rng, {"2026-W05": {"X": 12}, "2026-W06": {"X": 3}, "2026-W07": {"X": 14}, "2026-W08": {"X": 2}})
    series = pulse_series(frame, ENG)
    assert series["suppressed"].tolist() == [False, True, False, True]
    ax = pulse_chart(series, texts=section("sv", "trends"))
    bars = next(c for c in ax.collections if c.get_gid() == "ci_alone")
    shown = series[~series["suppressed"]]
    drawn = sorted((round(float(s[0][1]), 9), round(float(s[1][1]), 9)) for s in bars.get_segments())
    assert drawn == sorted(zip(shown["ci_low"].round(9), shown["ci_high"].round(9)))
    texts = [t.get_text() for t in ax.texts if t.get_gid() in ("n_label", "hidden_mark")]
    assert texts == ["12", "×", "14", "×"]  # 3 and 2 answered: not shown
