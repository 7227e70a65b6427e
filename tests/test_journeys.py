"""Journeys: touchpoint scores (per-respondent means, Welch, BH) against scipy/statsmodels, employee
results by tenure band and customer contact with their anonymity, the demo and the touchpoint chart."""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from mirrorgap.analyse.journeys import (
    JOURNEY_COLUMNS,
    TOUCHPOINT_COLUMNS,
    employee_journey_table,
    touchpoint_table,
)
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.render.charts.mirror import touchpoint_chart
from mirrorgap.render.words import unit_chart_texts as chart_texts
from test_units import assert_no_group_recoverable, clean_side, employee_totals, make_engagement, synthetic

matplotlib.use("Agg")



def touchpoint_scores(clean, ids) -> np.ndarray:
    """By hand: per respondent the mean POMP of the touchpoint's items they answered."""
    out = []
    for _, row in clean.frame.iterrows():
        vals = [(row[i] - clean.scales[i].min) / (clean.scales[i].max - clean.scales[i].min) * 100
                for i in ids if not math.isnan(row[i])]
        if vals:
            out.append(sum(vals) / len(vals))
    return np.array(out)


def test_touchpoint_scores_and_gap_match_scipy():
    eng, cus, emp = synthetic(customers=300)
    table = touchpoint_table(cus, emp, eng)
    assert list(table.columns) == TOUCHPOINT_COLUMNS
    assert list(table["touchpoint"]) == ["workshop", "booking"]  # the order touchpoints first appear in
    row = table.set_index("touchpoint").loc["workshop"]
    assert row["items"] == "extra, competence" and row["n_items"] == 2
    c, e = touchpoint_scores(cus, ["extra", "competence"]), touchpoint_scores(emp, ["extra", "competence"])
    assert row["customer_n"] == len(c) and row["employee_n"] == len(e)
    assert row["customer_mean"] == pytest.approx(c.mean()) and row["employee_mean"] == pytest.approx(e.mean())
    ref = sps.ttest_ind(e, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (row["gap"], row["gap_ci_low"], row["gap_ci_high"], row["p_value"]) == pytest.approx(
        (e.mean() - c.mean(), ci.low, ci.high, ref.pvalue))
    assert np.allclose(table["q_value"], multipletests(table["p_value"], method="fdr_bh")[1])


def test_touchpoint_classification_follows_the_item_rules():
    eng = make_engagement()
    rng = np.random.default_rng(5)
    cus = clean_side(eng, "customer", pd.DataFrame({
        "extra": rng.choice([1, 2, 3], 400).astype(float), "booking": rng.choice([3, 4, 5], 400).astype(float),
        "competence": rng.choice([1, 2, 3], 400).astype(float)}))
    emp = clean_side(eng, "employee", pd.DataFrame({
        "extra": rng.choice([4, 5], 60).astype(float), "booking": rng.choice([1, 2, 3], 60).astype(float),
        "competence": rng.choice([4, 5], 60).astype(float)}))
    table = touchpoint_table(cus, emp, eng).set_index("touchpoint")
    assert table.loc["workshop", "classification"] == "blind_spot"      # employees far higher
    assert table.loc["booking", "classification"] == "hidden_strength"  # customers far higher


def test_few_employees_suppress_the_touchpoint():
    eng, cus, emp = synthetic(unit_sizes=(2, 2))
    table = touchpoint_table(cus, emp, eng)
    assert table["suppressed"].all() and (table["classification"] == "suppressed").all()
    assert table[["employee_mean", "employee_ci_low", "gap", "p_value"]].isna().all().all()
    assert table["customer_mean"].notna().all()


def test_items_without_a_touchpoint_are_gathered_under_other():
    eng = make_engagement()
    items = [i.model_copy(update={"touchpoint": None}) if i.id == "booking" else i for i in eng.items]
    eng = eng.model_copy(update={"items": items})
    _, cus, emp = synthetic(engagement=eng)
    table = touchpoint_table(cus, emp, eng)
    assert table.set_index("touchpoint").loc["other", "label"] == "Other"


# ---------------------------------------------------------------------------------------------------
# employee journey

def test_employee_journey_bands_in_order_against_all_customers():
    eng, cus, emp = synthetic()
    table = employee_journey_table(cus, emp, eng)
    assert list(table.columns) == JOURNEY_COLUMNS
    tenure = table[table["stage"] == "tenure"]
    assert list(dict.fromkeys(tenure["band"])) == ["< 1", "1-3", "3-10", "> 10"]
    facing = table[table["stage"] == "customer_facing"]
    assert list(dict.fromkeys(facing["band_label"])) == ["Customer-facing", "Not customer-facing"]
    c_all = (cus.frame["extra"].dropna() - 1) / 4 * 100
    rows = table[table["item"] == "extra"]
    assert np.allclose(rows["customer_mean"], c_all.mean()) and (rows["customer_n"] == len(c_all)).all()
    band = rows[(rows["stage"] == "tenure") & (rows["band"] == "3-10")].iloc[0]
    e = (emp.frame.loc[emp.frame["tenure"] == "3-10", "extra"].dropna() - 1) / 4 * 100
    ci = sps.ttest_ind(e, c_all, equal_var=False).confidence_interval(0.95)
    assert (band["employee_mean"], band["gap_ci_low"], band["gap_ci_high"]) == pytest.approx((e.mean(), ci.low, ci.high))


@pytest.mark.parametrize("seed", range(5))
def test_employee_journey_never_leaks_a_small_band(seed):
    eng, cus, emp = synthetic(seed=seed, unit_sizes=(6, 5, 4), customers=200)  # 15 employees, small bands
    table = employee_journey_table(cus, emp, eng)
    assert table["suppressed"].any()  # the check below has something to attack
    totals = employee_totals(cus, emp, eng)
    for _, part in table.groupby("stage"):
        assert_no_group_recoverable(part.rename(columns={"band": "group"}), totals, eng.analysis.min_n)


def test_no_journey_columns_give_an_empty_table():
    eng = make_engagement()
    spec = eng.employee.model_copy(update={"tenure_column": None, "customer_facing_column": None})
    eng = eng.model_copy(update={"employee": spec})
    _, cus, emp = synthetic(engagement=eng)
    assert employee_journey_table(cus, emp, eng).empty


# ---------------------------------------------------------------------------------------------------
# the demo

@pytest.fixture(scope="module")
def demo():
    eng = load_engagement("params/demo.yaml")
    return eng, load_side(eng, "customer"), load_side(eng, "employee")


def test_demo_touchpoints_follow_the_journey_and_follow_up_is_a_blind_spot(demo):
    eng, cus, emp = demo
    table = touchpoint_table(cus, emp, eng, wave="2026")
    assert list(table["touchpoint"]) == ["booking", "reception", "workshop", "delivery", "follow_up"]
    assert list(table["label"]) == ["Bokning", "Reception / kundmottagning", "Verkstad", "Utlämning", "Uppföljning"]
    t = table.set_index("touchpoint")
    assert t.loc["follow_up", "classification"] == "blind_spot" and t.loc["follow_up", "gap"] > 5
    # the workshop's blind spot (extra mile) and hidden strength (competence) cancel out on average
    assert abs(t.loc["workshop", "gap"]) < 5
    # customers' follow-up improved between the waves
    before = touchpoint_table(cus, emp, eng, wave="2025").set_index("touchpoint")
    assert t.loc["follow_up", "customer_mean"] - before.loc["follow_up", "customer_mean"] > 4


def test_demo_employee_journey_is_safe_and_in_swedish(demo):
    eng, cus, emp = demo
    table = employee_journey_table(cus, emp, eng, wave="2026")
    assert list(dict.fromkeys(table.loc[table["stage"] == "tenure", "band"])) == ["< 1 år", "1–3 år", "3–10 år", "> 10 år"]
    assert set(table.loc[table["stage"] == "customer_facing", "band_label"]) == {"Med kundkontakt", "Utan kundkontakt"}
    totals = employee_totals(in_wave(cus, "2026"), in_wave(emp, "2026"), eng)
    for _, part in table.groupby("stage"):
        assert_no_group_recoverable(part.rename(columns={"band": "group"}), totals, eng.analysis.min_n)


# ---------------------------------------------------------------------------------------------------
# the chart

def test_touchpoint_chart_is_a_mirror_in_journey_order(demo):
    eng, cus, emp = demo
    table = touchpoint_table(cus, emp, eng, wave="2026")
    fig, ax = plt.subplots(figsize=(10, 4))
    touchpoint_chart(table, ax=ax, texts={**chart_texts("sv"), "title": "Kundresan"}, threshold=5)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["label"])
    dots = {c.get_gid(): len(c.get_offsets()) for c in ax.collections if c.get_gid() in ("customer_dots", "employee_dots")}
    assert dots == {"customer_dots": 5, "employee_dots": 5}
    lo, hi = ax.get_xlim()
    assert 0 < lo <= table[["customer_ci_low", "employee_ci_low"]].min().min()
    assert table[["customer_ci_high", "employee_ci_high"]].max().max() <= hi <= 100
    gaps = [t.get_text() for t in ax.texts if t.get_gid() == "gap_label"]
    assert len(gaps) == 5 and ax.get_title(loc="left") == "Kundresan"


def test_touchpoint_chart_keeps_0_to_100_when_employees_are_hidden():
    eng, cus, emp = synthetic(unit_sizes=(2, 2))
    ax = touchpoint_chart(touchpoint_table(cus, emp, eng), ax=plt.figure().gca())
    assert ax.get_xlim() == (0, 100)
    assert any(t.get_gid() == "too_few" for t in ax.texts)
