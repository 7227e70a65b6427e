"""Linkage: unit indices, who enters, Pearson/Spearman with Fisher-z CIs against scipy and by hand,
the caveat, the demo's planted branch linkage and the scatter chart."""
import itertools
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats as sps

from mirrorgap.analyse.linkage import (
    LINKAGE_COLUMNS,
    fisher_z_ci,
    linkage_summary,
    linkage_table,
    pearson_ci,
    spearman_ci,
)
from mirrorgap.analyse.pipeline import load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.render.charts.linkage import linkage_chart
from mirrorgap.render.words import unit_chart_texts as chart_texts
from test_units import synthetic

matplotlib.use("Agg")



# ---------------------------------------------------------------------------------------------------
# the intervals

@pytest.mark.parametrize("seed, n", [(1, 6), (2, 10), (3, 25), (4, 80)])
def test_pearson_ci_matches_scipy(seed, n):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 0.6 * x + rng.normal(size=n)
    ref = sps.pearsonr(x, y)
    for conf in (0.95, 0.90):
        ci = ref.confidence_interval(confidence_level=conf)
        assert pearson_ci(ref.statistic, n, conf=conf) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_fisher_z_by_hand():
    # r = 0.6, n = 6: z = atanh(0.6) = 0.693147, se = 1/sqrt(3) = 0.577350, 1.959964·se = 1.131586
    low, high = pearson_ci(0.6, 6)
    assert low == pytest.approx(math.tanh(0.6931472 - 1.1315857), abs=1e-6)
    assert high == pytest.approx(math.tanh(0.6931472 + 1.1315857), abs=1e-6)
    assert (low, high) == pytest.approx((-0.4123, 0.9493), abs=1e-4)


def test_spearman_ci_uses_bonett_wright_se():
    rho, n = 0.6, 12
    se = math.sqrt((1 + rho ** 2 / 2) / (n - 3))  # = 0.3590, wider than Pearson's 1/sqrt(9) = 0.3333
    z = 1.959963984540054
    expected = (math.tanh(math.atanh(rho) - z * se), math.tanh(math.atanh(rho) + z * se))
    assert spearman_ci(rho, n) == pytest.approx(expected, rel=1e-12)
    assert spearman_ci(rho, n)[0] < pearson_ci(rho, n)[0]


def test_too_few_pairs_give_nan_not_an_error():
    assert all(math.isnan(v) for v in pearson_ci(0.5, 3) + spearman_ci(0.5, 3) + fisher_z_ci(float("nan"), 10))
    assert pearson_ci(1.0, 8) == (1.0, 1.0)


# ---------------------------------------------------------------------------------------------------
# the per-unit table

def test_indices_per_unit_by_hand():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 8, 7, 6, 11), customers=600)
    table = linkage_table(cus, emp, eng).set_index("unit")
    assert list(table.reset_index().columns) == LINKAGE_COLUMNS
    scales = {i.id: (i.employee_scale.min, i.employee_scale.max) for i in eng.items}
    rows = emp.frame[emp.frame["unit"] == "U1"]
    per_person = []
    for _, r in rows.iterrows():
        vals = [(r[i] - lo) / (hi - lo) * 100 for i, (lo, hi) in scales.items() if not math.isnan(r[i])]
        if vals:
            per_person.append(sum(vals) / len(vals))
    assert table.loc["U1", "employee_n"] == len(per_person)
    assert table.loc["U1", "employee_index"] == pytest.approx(sum(per_person) / len(per_person))


def test_nps_and_enps_indices_by_hand():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 8, 7, 6, 11), customers=600)
    table = linkage_table(cus, emp, eng, employee_index="enps", customer_index="nps").set_index("unit")
    for frame, col, index in ((emp.frame, "nps", "employee_index"), (cus.frame, "nps", "customer_index")):
        scores = frame.loc[frame["unit"] == "U3", col].dropna()
        expected = 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores)
        assert table.loc["U3", index] == pytest.approx(expected)
    assert (table["employee_index_kind"] == "enps").all() and (table["customer_index_kind"] == "nps").all()
    with pytest.raises(ValueError, match="employee_index"):
        linkage_table(cus, emp, eng, employee_index="mood")


def test_who_enters_the_correlation():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 3, 7, 11, 12), customers=600)
    cus.frame.loc[cus.frame["unit"] == "U5", "unit"] = np.where(
        np.arange((cus.frame["unit"] == "U5").sum()) < 10, "U5", "U0")  # leave U5 with 10 customers
    table = linkage_table(cus, emp, eng).set_index("unit")
    assert table.loc["U2", "status"] == "too_few_employees"      # 3 employees
    assert table.loc["U3", "status"] == "employees_hidden"       # 7, hidden as U2's complement
    assert table.loc["U5", "status"] == "too_few_customers"      # 10 < linkage_min_customers 20
    assert table.loc[["U0", "U1", "U4"], "included"].all() and table["included"].sum() == 3
    assert table.loc[["U2", "U3"], "employee_index"].isna().all()  # never a number for hidden employees
    assert not math.isnan(table.loc["U5", "employee_index"])      # shown, just not in the correlation


def test_summary_matches_scipy_on_the_included_units():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 12, 7, 11, 12, 8, 15), customers=900)
    table = linkage_table(cus, emp, eng)
    s = linkage_summary(table, language="en")
    used = table[table["included"]]
    p = sps.pearsonr(used["employee_index"], used["customer_index"])
    r = sps.spearmanr(used["employee_index"], used["customer_index"])
    assert s.n_units == len(used) == 8
    assert s.pearson_r == pytest.approx(p.statistic) and s.pearson_p == pytest.approx(p.pvalue)
    assert (s.pearson_ci_low, s.pearson_ci_high) == pytest.approx(tuple(p.confidence_interval()))
    assert s.spearman_rho == pytest.approx(r.statistic) and s.spearman_p == pytest.approx(r.pvalue)
    assert (s.spearman_ci_low, s.spearman_ci_high) == pytest.approx(spearman_ci(r.statistic, 8))
    assert s.as_frame().shape == (1, 11)


def test_caveat_says_both_ways_and_too_few_in_the_engagement_language():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 12), customers=300)
    s = linkage_summary(linkage_table(cus, emp, eng), language="sv")
    assert s.n_units == 3 and math.isnan(s.pearson_ci_low)
    assert "båda hållen" in s.caveat and "Schneider & Bowen 1985" in s.caveat and "orsak" in s.caveat
    assert "Bara 3 enheter" in s.caveat
    s = linkage_summary(linkage_table(cus, emp, eng).iloc[:2], language="en")
    assert math.isnan(s.pearson_r) and "Only 2 units" in s.caveat


# ---------------------------------------------------------------------------------------------------
# the demo: r ≈ 0.6 was planted across six branches

@pytest.fixture(scope="module")
def demo():
    eng = load_engagement("params/demo.yaml")
    return eng, load_side(eng, "customer"), load_side(eng, "employee")


@pytest.mark.parametrize("wave", ["2025", "2026", None])
def test_demo_branch_linkage_is_positive_with_a_wide_ci(demo, wave):
    eng, cus, emp = demo
    table = linkage_table(cus, emp, eng, wave=wave)
    assert table["included"].all() and len(table) == 6
    s = linkage_summary(table, language=eng.language)
    assert s.n_units == 6 and s.pearson_r > 0.3 and s.spearman_rho > 0
    assert s.pearson_ci_low < s.pearson_r < s.pearson_ci_high
    assert s.spearman_ci_low < s.spearman_rho < s.spearman_ci_high
    assert s.pearson_ci_high - s.pearson_ci_low > 0.8  # six units: the CI is wide, and says so
    assert "brett" in s.caveat and "båda hållen" in s.caveat


@pytest.mark.parametrize("wave", ["2025", "2026", None])
def test_demo_malmo_best_and_vasteras_weakest_on_the_customer_index(demo, wave):
    eng, cus, emp = demo
    index = linkage_table(cus, emp, eng, wave=wave).set_index("unit")["customer_index"]
    assert index.idxmax() == "Malmö Bulltofta" and index.idxmin() == "Västerås Erikslund"


# ---------------------------------------------------------------------------------------------------
# the chart

def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_linkage_chart_labels_every_unit_without_overlap(demo):
    eng, cus, emp = demo
    table = linkage_table(cus, emp, eng, wave="2026")
    s = linkage_summary(table, language="sv")
    fig, ax = plt.subplots(figsize=(9, 6.5))
    linkage_chart(table, s, ax=ax, texts={**chart_texts("sv"), "title": "Länkning"}, language="sv")
    points = [c for c in ax.collections if c.get_gid() == "units"][0]
    assert len(points.get_offsets()) == 6
    labels = [t for t in ax.texts if t.get_gid() == "unit_label"]
    assert sorted(t.get_text() for t in labels) == sorted(table["unit"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 for b in boxes)  # inside the plot
    stats = [t.get_text() for t in ax.texts if t.get_gid() == "linkage_stats"][0]
    assert stats.startswith(f"r = {s.pearson_r:.2f}".replace(".", ",")) and "KI" in stats and "6 enheter" in stats
    assert any(c.get_gid() == "fit_band" for c in ax.collections)
    assert ax.get_xlabel().startswith("Medarbetarindex") and ax.get_ylabel().startswith("Kundindex")


def test_linkage_chart_names_the_units_left_out():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 3, 7, 11, 12, 10), customers=700)
    table = linkage_table(cus, emp, eng)
    s = linkage_summary(table)
    ax = linkage_chart(table, s, ax=plt.figure().gca())
    points = [c for c in ax.collections if c.get_gid() == "units"][0]
    assert len(points.get_offsets()) == table["included"].sum() == 5
    note = [t.get_text() for t in ax.texts if t.get_gid() == "linkage_note"][0]
    assert "U2" in note and "U3" in note and "both ways" in note


def test_linkage_chart_separates_crowded_labels():
    import pandas as pd
    table = pd.DataFrame({
        "unit": [f"Branch {name}" for name in ("North", "South", "East", "West", "Harbour", "Airport")],
        "employee_index": [60.0, 60.6, 61.1, 70.0, 70.5, 65.0], "customer_index": [62.0, 62.4, 61.8, 70.0, 70.3, 66.0],
        "included": True, "employee_index_kind": "items", "customer_index_kind": "items"})
    fig, ax = plt.subplots(figsize=(9, 6.5))
    linkage_chart(table, linkage_summary(table), ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "unit_label"]
    boxes.append([t for t in ax.texts if t.get_gid() == "linkage_stats"][0].get_window_extent(renderer))
    assert len(boxes) == 7 and not any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
