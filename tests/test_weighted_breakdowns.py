"""Weights and the finite-population correction in every breakdown (issue 13, point 7): units, segments,
the journeys (tenure proxy, touchpoints, measured stages), trends per wave, the indices and the 5 I's,
and the key drivers — each checked against statsmodels (DescrStatsW, CompareMeans, WLS), numpy's
weighted covariance or scipy's t, never against our own estimators; plus: without a design every
breakdown is byte-identical to the code before weights reached it, and with weights each one moves.

The fixture engagement (not the demo, whose mirror data stays as it is): two waves of the synthetic
sides of `test_units`, a design weight per respondent, and a headcount per wave and unit.
"""
import dataclasses
import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from statsmodels.tools import add_constant
from tests.test_units import synthetic

from mirrorgap.analyse.drivers import driver_analysis, drivers_table, question_drivers_table
from mirrorgap.analyse.journeys import employee_journey_table, touchpoint_table
from mirrorgap.analyse.per_frame import reading_sides
from mirrorgap.analyse.questions import five_i_table, index_table, journey_measured_table, question_rows
from mirrorgap.analyse.trends import trend_table
from mirrorgap.analyse.units import group_gap_table
from mirrorgap.config.params import HeadcountSpec
from mirrorgap.read.weights import WEIGHT

CONF = 0.95
SIZES = (14, 9, 8, 7, 6, 11)


# ------------------------------------------------------------------------------------------- fixture

def two_waves(weights: bool = True):
    """The synthetic sides twice (2025: seed 4, 2026: seed 3), optionally with a design weight each."""
    eng, c26, e26 = synthetic(unit_sizes=SIZES)
    _, c25, e25 = synthetic(seed=4, unit_sizes=(12, 10, 9, 6, 7, 10))
    sides = []
    for k, (old, new) in enumerate(((c25, c26), (e25, e26))):
        frame = pd.concat([old.frame.assign(wave="2025"), new.frame.assign(wave="2026")], ignore_index=True)
        if weights:
            frame[WEIGHT] = np.random.default_rng(10 + k).uniform(0.2, 3.0, len(frame))
        sides.append(dataclasses.replace(new, frame=frame, wave_order=["2025", "2026"]))
    return eng, sides[0], sides[1]


def headcount_of(employee, *, by: str = "unit", extra: int = 9) -> pd.DataFrame:
    """Invited per wave and group: the respondents plus `extra` (a response rate well under 100 %)."""
    counts = employee.frame.groupby(["wave", by]).size()
    frame = pd.DataFrame({"wave": [w for w, _ in counts.index],
                          "unit": [g for _, g in counts.index] if by == "unit" else None,
                          "group": [g for _, g in counts.index] if by != "unit" else None,
                          "invited": counts.to_numpy() + extra, "row": range(2, 2 + len(counts))})
    frame.attrs["path"] = "headcount.csv"
    return frame


def with_headcount(eng, *, by: str = "unit"):
    kw = {"unit_column": "unit"} if by == "unit" else {"segment_column": "avd", "segment": by}
    spec = HeadcountSpec(input={"path": "data/x/headcount.csv"}, invited_column="invited", wave_column="wave", **kw)
    return eng.model_copy(update={"headcount": spec})


def pomp(clean, item, rows):
    s = clean.scales[item]
    return ((clean.frame.loc[rows, item] - s.min) / (s.max - s.min) * 100).to_numpy(dtype=float)


def reference(x, w, population=None):
    """(n, mean, ci_low, ci_high, DescrStatsW, n_eff) of answered x with weights w: statsmodels'
    t-interval on frequency weights scaled to Kish's n_eff, its half-width × √(1 − n/N)."""
    ok = ~np.isnan(x)
    x, w = x[ok], w[ok]
    n_eff = w.sum() ** 2 / (w * w).sum()
    d = DescrStatsW(x, weights=w * n_eff / w.sum())
    low, high = d.tconfint_mean(1 - CONF)
    half = (high - low) / 2 * (np.sqrt(1 - len(x) / population) if population else 1.0)
    return len(x), d.mean, d.mean - half, d.mean + half, d, n_eff


def welch_reference(a, b):
    """Welch's CI and p of a − b from two `reference` results with their FPC (scipy's t; with no FPC
    it equals statsmodels' CompareMeans, checked below)."""
    v = []
    for n, mean, low, high, d, n_eff in (a, b):
        half = (high - low) / 2
        se = half / sps.t.ppf((1 + CONF) / 2, n_eff - 1)
        v.append((se * se, n_eff))
    (va, na), (vb, nb) = v
    diff, se = a[1] - b[1], np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    half = sps.t.ppf((1 + CONF) / 2, df) * se
    return diff, diff - half, diff + half, 2 * sps.t.sf(abs(diff) / se, df)


def mask(clean, **where):
    rows = np.ones(len(clean.frame), dtype=bool)
    for column, value in where.items():
        rows &= (clean.frame[column].astype(str) == value).to_numpy()
    return rows


def weights_of(clean, rows):
    return clean.frame.loc[rows, WEIGHT].to_numpy(dtype=float)


# ------------------------------------------------------------------------------------------- units, segments

def test_units_are_weighted_and_corrected_by_each_units_own_headcount():
    eng, c, e = two_waves()
    hc = headcount_of(e)
    table = group_gap_table(c, e, with_headcount(eng), by="unit", wave="2026", headcount=hc)
    checked = 0
    for row in table[~table["suppressed"]].itertuples():
        invited = int(hc[(hc["wave"] == "2026") & (hc["unit"] == row.group)]["invited"].iloc[0])
        e_rows, c_rows = mask(e, wave="2026", unit=row.group), mask(c, wave="2026", unit=row.group)
        er = reference(pomp(e, row.item, e_rows), weights_of(e, e_rows), invited)
        cr = reference(pomp(c, row.item, c_rows), weights_of(c, c_rows))
        assert (row.employee_n, row.employee_mean, row.employee_ci_low, row.employee_ci_high) == pytest.approx(er[:4])
        assert (row.customer_n, row.customer_mean, row.customer_ci_low, row.customer_ci_high) == pytest.approx(cr[:4])
        assert (row.gap, row.gap_ci_low, row.gap_ci_high, row.p_value) == pytest.approx(welch_reference(er, cr))
        checked += 1
    assert checked >= 12


def test_without_a_headcount_the_unit_gap_is_statsmodels_compare_means():
    eng, c, e = two_waves()
    row = group_gap_table(c, e, eng, by="unit", wave="2026").query("group == 'U0' and item == 'booking'").iloc[0]
    e_rows, c_rows = mask(e, wave="2026", unit="U0"), mask(c, wave="2026", unit="U0")
    de = reference(pomp(e, "booking", e_rows), weights_of(e, e_rows))[4]
    dc = reference(pomp(c, "booking", c_rows), weights_of(c, c_rows))[4]
    cm = CompareMeans(de, dc)
    assert (row.gap_ci_low, row.gap_ci_high) == pytest.approx(cm.tconfint_diff(alpha=1 - CONF, usevar="unequal"))
    assert row.p_value == pytest.approx(cm.ttest_ind(usevar="unequal")[1])


def test_a_segment_gets_its_own_headcount_only_where_the_headcount_counts_it():
    eng, c, e = two_waves()
    # a headcount per unit: departments are weighted but not corrected (their population is unknown)
    by_unit = group_gap_table(c, e, with_headcount(eng), by="dept", wave="2026", headcount=headcount_of(e))
    # a headcount per department: each department by its own invited count
    hc = headcount_of(e, by="dept")
    by_dept = group_gap_table(c, e, with_headcount(eng, by="dept"), by="dept", wave="2026", headcount=hc)
    c_all = mask(c, wave="2026")
    for table, corrected in ((by_unit, False), (by_dept, True)):
        row = table.query("group == 'Shop' and item == 'extra'").iloc[0]
        rows = mask(e, wave="2026", dept="Shop")
        invited = int(hc[(hc["wave"] == "2026") & (hc["group"] == "Shop")]["invited"].iloc[0]) if corrected else None
        er = reference(pomp(e, "extra", rows), weights_of(e, rows), invited)
        cr = reference(pomp(c, "extra", c_all), weights_of(c, c_all))  # an employee-only segment: all customers
        assert (row.employee_mean, row.employee_ci_low, row.employee_ci_high) == pytest.approx(er[1:4])
        assert (row.gap_ci_low, row.gap_ci_high, row.p_value) == pytest.approx(welch_reference(er, cr)[1:])


def test_what_a_reading_keeps_follows_the_params_and_headcount_and_ends_with_it():
    """While a run reads its sides (`per_frame.reading_sides`, as `add_insights` does) a side's design and
    POMP rows are kept, yet other params or another headcount each get their own; a frame changed in
    place after the reading is read as it is in the next one — each time the figures statsmodels gives."""
    eng, c, e = two_waves(weights=False)
    hc = headcount_of(e)
    e_rows = mask(e, wave="2026", unit="U1")
    invited = int(hc[(hc["wave"] == "2026") & (hc["unit"] == "U1")]["invited"].iloc[0])

    def check(params, headcount, weights):
        row = group_gap_table(c, e, params, by="unit", wave="2026", headcount=headcount).query(
            "group == 'U1' and item == 'extra'").iloc[0]
        er = reference(pomp(e, "extra", e_rows), weights, invited if headcount is not None else None)
        assert (row.employee_n, row.employee_mean, row.employee_ci_low, row.employee_ci_high) == pytest.approx(er[:4])

    counted = with_headcount(eng)
    with reading_sides():
        for params, headcount in ((eng, None), (counted, hc), (eng, None)):
            check(params, headcount, np.ones(int(e_rows.sum())))
    for k, clean in enumerate((c, e)):  # the same frames, weighted in place
        clean.frame[WEIGHT] = np.random.default_rng(40 + k).uniform(0.2, 3.0, len(clean.frame))
    with reading_sides():
        check(counted, hc, weights_of(e, e_rows))


def test_tenure_journey_is_weighted_and_not_corrected():
    eng, c, e = two_waves()
    table = employee_journey_table(c, e, with_headcount(eng), wave="2026", headcount=headcount_of(e))
    row = table.query("stage == 'tenure' and band == '3-10' and item == 'competence'").iloc[0]
    rows = mask(e, wave="2026", tenure="3-10")
    er = reference(pomp(e, "competence", rows), weights_of(e, rows))
    assert (row.employee_n, row.employee_mean) == pytest.approx(er[:2])
    c_all = mask(c, wave="2026")
    assert (row.gap_ci_low, row.gap_ci_high) == pytest.approx(
        welch_reference(er, reference(pomp(c, "competence", c_all), weights_of(c, c_all)))[1:3])


def test_touchpoints_weigh_each_respondents_score_and_correct_by_the_waves_headcount():
    eng, c, e = two_waves()
    hc = headcount_of(e)
    table = touchpoint_table(c, e, with_headcount(eng), wave="2026", headcount=hc).set_index("touchpoint")
    row = table.loc["workshop"]
    invited = int(hc[hc["wave"] == "2026"]["invited"].sum())
    refs = {}
    for side, clean, population in (("employee", e, invited), ("customer", c, None)):
        rows = mask(clean, wave="2026")
        both = pd.DataFrame({"extra": pomp(clean, "extra", rows), "competence": pomp(clean, "competence", rows)})
        score = both.mean(axis=1, skipna=True).to_numpy()
        refs[side] = reference(score, weights_of(clean, rows), population)
        assert (row[f"{side}_n"], row[f"{side}_mean"], row[f"{side}_ci_low"], row[f"{side}_ci_high"]) == \
            pytest.approx(refs[side][:4])
    assert (row.gap, row.gap_ci_low, row.gap_ci_high, row.p_value) == pytest.approx(
        welch_reference(refs["employee"], refs["customer"]))


# ------------------------------------------------------------------------------------------- trends

def test_trends_weigh_each_wave_and_correct_it_by_its_own_headcount():
    eng, c, e = two_waves()
    hc = headcount_of(e)
    table = trend_table(c, e, with_headcount(eng), headcount=hc)
    refs = {}
    for side, clean in (("customer", c), ("employee", e)):
        for wave in ("2025", "2026"):
            rows = mask(clean, wave=wave)
            invited = int(hc[hc["wave"] == wave]["invited"].sum()) if side == "employee" else None
            refs[side, wave] = reference(pomp(clean, "booking", rows), weights_of(clean, rows), invited)
        row = table.query(f"kind == 'item_change' and side == '{side}' and item == 'booking'").iloc[0]
        assert (row.mean_from, row.mean_to) == pytest.approx((refs[side, "2025"][1], refs[side, "2026"][1]))
        assert (row.change, row.change_ci_low, row.change_ci_high, row.p_value) == pytest.approx(
            welch_reference(refs[side, "2026"], refs[side, "2025"]))
    # the customers' change, with no correction, is statsmodels' CompareMeans itself
    cm = CompareMeans(refs["customer", "2026"][4], refs["customer", "2025"][4])
    row = table.query("kind == 'item_change' and side == 'customer' and item == 'booking'").iloc[0]
    assert (row.change_ci_low, row.change_ci_high) == pytest.approx(cm.tconfint_diff(alpha=1 - CONF, usevar="unequal"))
    # the gap's change: four independent groups, each with its n_eff and correction (Welch–Satterthwaite)
    v = []
    for key in (("employee", "2025"), ("customer", "2025"), ("employee", "2026"), ("customer", "2026")):
        n, mean, low, high, d, n_eff = refs[key]
        se = (high - low) / 2 / sps.t.ppf((1 + CONF) / 2, n_eff - 1)
        v.append((se * se, n_eff))
    se2 = sum(x for x, _ in v)
    df = se2 ** 2 / sum(x * x / (k - 1) for x, k in v)
    change = (refs["employee", "2026"][1] - refs["customer", "2026"][1]) - (refs["employee", "2025"][1] -
                                                                             refs["customer", "2025"][1])
    half = sps.t.ppf((1 + CONF) / 2, df) * np.sqrt(se2)
    row = table.query("kind == 'gap_change' and item == 'booking'").iloc[0]
    assert (row.gap_change, row.gap_change_ci_low, row.gap_change_ci_high, row.df) == pytest.approx(
        (change, change - half, change + half, df))


# ------------------------------------------------------------------------------------------- questions

def question_sides(weights: bool = True):
    from tests.test_questions import small_sides

    eng, customer, employee = small_sides(n=40, unit=["A"] * 20 + ["B"] * 12 + ["C"] * 8)
    if weights:
        customer = dataclasses.replace(customer, frame=customer.frame.assign(**{WEIGHT: [1.0, 2.0, 3.0]}))
        employee = dataclasses.replace(employee, frame=employee.frame.assign(
            **{WEIGHT: np.random.default_rng(7).uniform(0.2, 3.0, len(employee.frame))}))
    return eng, customer, employee


def test_index_stage_and_five_i_scores_are_weighted_and_corrected():
    from mirrorgap.analyse.scores import step_scores

    eng, customer, employee = question_sides()
    hc = headcount_of(employee)
    eng = with_headcount(eng)
    rows = question_rows(employee, "2026")
    w = employee.frame[WEIGHT].to_numpy()
    invited = int(hc["invited"].sum())
    table = index_table(customer, employee, eng, wave="2026", headcount=hc)
    total = table.query("side == 'employee' and by == ''").iloc[0]
    exact = step_scores(rows, ["proud", "energy", "workload"], min_share=0.5)
    # three questions allow more than 11 scores: the report counts them on the 10-point grid
    index = exact.map(lambda x: round(x / 10) * 10 if x == x else x).to_numpy()  # Python's round: ties to even
    assert (total.n, total["mean"], total.ci_low, total.ci_high) == pytest.approx(reference(index, w, invited)[:4])
    unit_a = table.query("side == 'employee' and by == 'unit' and group == 'A'").iloc[0]
    a = (employee.frame["unit"] == "A").to_numpy()
    invited_a = int(hc[hc["unit"] == "A"]["invited"].iloc[0])
    assert (unit_a["mean"], unit_a.ci_low, unit_a.ci_high) == pytest.approx(reference(index[a], w[a], invited_a)[1:4])
    stages = journey_measured_table(customer, employee, eng, wave="2026", headcount=hc).set_index("step")
    feedback = step_scores(rows, ["workload"]).to_numpy()
    assert (stages.loc["feedback", "mean"], stages.loc["feedback", "ci_high"]) == pytest.approx(
        np.array(reference(feedback, w, invited))[[1, 3]])
    card = five_i_table(employee, eng, wave="2026", headcount=hc).set_index("i")
    inspire = step_scores(rows, ["proud", "score10"]).map(lambda x: round(x / 10) * 10 if x == x else x).to_numpy()
    assert (card.loc["inspire", "mean"], card.loc["inspire", "ci_low"]) == pytest.approx(
        np.array(reference(inspire, w, invited))[[1, 2]])


# ------------------------------------------------------------------------------------------- drivers

def complete_data(n=400, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) @ np.array([[1, .5, .2], [0, 1, .4], [0, 0, 1]])
    y = x @ np.array([.6, .3, .1]) + rng.normal(scale=1.0, size=n)
    w = rng.uniform(0.2, 4.0, n)
    return pd.DataFrame(x, columns=["a", "b", "c"]), pd.Series(y), w


def test_weighted_relative_weights_use_the_weighted_correlations_and_add_up_to_the_wls_r2():
    items, y, w = complete_data()
    model = driver_analysis(items, y, bootstrap=0, weights=w)
    corr = np.corrcoef(np.cov(np.column_stack([items, y]).T, aweights=w))  # numpy's weighted covariance
    cov = np.cov(np.column_stack([items, y]).T, aweights=w)
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    assert model.r == pytest.approx(corr[:3, 3], rel=1e-10)
    wls = WLS(y.to_numpy(), add_constant(items.to_numpy()), weights=w).fit()
    assert model.r2 == pytest.approx(wls.rsquared, rel=1e-10)
    assert np.nansum(model.weight_raw) == pytest.approx(wls.rsquared, rel=1e-10)
    n_eff = w.sum() ** 2 / (w * w).sum()
    z = np.arctanh(model.r)
    half = sps.norm.ppf(0.975) / np.sqrt(n_eff - 3)
    assert model.r_ci_low == pytest.approx(np.tanh(z - half)) and model.r_ci_high == pytest.approx(np.tanh(z + half))
    assert (model.n == 400).all()
    plain = driver_analysis(items, y, bootstrap=0)
    assert not np.allclose(plain.weight_pct, model.weight_pct)


def test_whole_number_weights_are_duplicated_respondents_for_the_estimate():
    items, y, _ = complete_data(n=150, seed=2)
    items.iloc[::7, 1] = np.nan  # pairwise deletion too
    w = np.random.default_rng(3).integers(1, 4, len(items)).astype(float)
    model = driver_analysis(items, y, bootstrap=0, weights=w)
    repeat = np.repeat(np.arange(len(items)), w.astype(int))
    copied = driver_analysis(items.iloc[repeat].reset_index(drop=True), y.iloc[repeat].reset_index(drop=True),
                             bootstrap=0)
    assert model.weight_pct == pytest.approx(copied.weight_pct, rel=1e-9)
    assert model.r == pytest.approx(copied.r, rel=1e-9)


def test_weighted_bootstrap_keeps_the_draws_and_equal_weights_change_nothing():
    items, y, w = complete_data(n=200, seed=4)
    plain = driver_analysis(items, y, bootstrap=60, seed=5)
    equal = driver_analysis(items, y, bootstrap=60, seed=5, weights=np.full(len(items), 2.5))
    assert equal.weight_ci_low == pytest.approx(plain.weight_ci_low, rel=1e-9)
    assert equal.weight_ci_high == pytest.approx(plain.weight_ci_high, rel=1e-9)
    weighted = driver_analysis(items, y, bootstrap=60, seed=5, weights=w)
    assert not np.allclose(weighted.weight_ci_low, plain.weight_ci_low)
    inside = (weighted.weight_ci_low <= weighted.weight_pct) & (weighted.weight_pct <= weighted.weight_ci_high)
    assert inside.all()


def test_drivers_table_takes_the_sides_weights():
    eng, c, e = two_waves()
    eng = eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"bootstrap": 0})})
    table = drivers_table(c, e, eng, wave="2026").set_index(["side", "item"])
    rows = mask(c, wave="2026")
    part = c.frame[rows].reset_index(drop=True)
    s = c.scales
    items = pd.DataFrame({i.id: (part[i.id] - s[i.id].min) / (s[i.id].max - s[i.id].min) for i in c.items})
    model = driver_analysis(items, part["nps"], bootstrap=0, weights=part[WEIGHT].to_numpy())
    got = table.loc["customer"].loc[model.items]
    assert got["weight_pct"].to_numpy() == pytest.approx(model.weight_pct)
    cov = np.cov(np.column_stack([items["extra"], part["nps"]])[items["extra"].notna()].T,
                 aweights=part[WEIGHT].to_numpy()[items["extra"].notna()])
    assert got.loc["extra", "r"] == pytest.approx(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))


# ------------------------------------------------------------------------------------------- without and with

def breakdown_tables(eng, c, e, qeng, qc, qe, *, headcount=None, q_headcount=None) -> dict[str, pd.DataFrame]:
    """Every breakdown of the two fixture engagements (the mirror one, the questions one), with their
    headcounts when given (`headcount=` is passed only then, so this runs on the code before it too)."""
    eng = eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"bootstrap": 40})})
    qeng = qeng.model_copy(update={"analysis": qeng.analysis.model_copy(update={"bootstrap": 40})})
    d = {} if headcount is None else {"headcount": headcount}
    q = {} if q_headcount is None else {"headcount": q_headcount}
    return {"units": group_gap_table(c, e, eng, by="unit", wave="2026", **d),
            "dept": group_gap_table(c, e, eng, by="dept", wave="2026", **d),
            "ctype": group_gap_table(c, e, eng, by="ctype", wave="2026", **d),
            "journeys": employee_journey_table(c, e, eng, wave="2026", **d),
            "touchpoints": touchpoint_table(c, e, eng, wave="2026", **d),
            "trends": trend_table(c, e, eng, **d),
            "drivers": drivers_table(c, e, eng, wave="2026"),
            "indices": index_table(qc, qe, qeng, wave="2026", **q),
            "journey_measured": journey_measured_table(qc, qe, qeng, wave="2026", **q),
            "five_is": five_i_table(qe, qeng, wave="2026", **q),
            "question_drivers": question_drivers_table(qc, qe, qeng, wave="2026")}


def digests(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: hashlib.sha256(t.to_csv(index=False).encode()).hexdigest()[:16] for name, t in tables.items()}


# sha256 (first 16 hex digits) of every breakdown's CSV, made with the code before weights reached the
# breakdowns (commit 7c94a3d; indices and 5 I's from 6b03a61, once scores with more than 11 values went on the
# 10-point grid; `python tests/test_weighted_breakdowns.py` against that lib/). drivers: since the plain
# bootstrap's sums run on one BLAS thread (its intervals moved by < 1e-13, the same table rounded to 12 decimals)
BEFORE = {"units": "ed2b2a39acf5e640", "dept": "122e62ab6fd1d210", "ctype": "1d92eccfd93e28ad",
          "journeys": "5fa2d97bd8bae3cf", "touchpoints": "dbb364bc40a7a74a", "trends": "78fba0c14ddf1d11",
          "drivers": "208c522a4c62e2bc", "indices": "b064c52fb7decd3e", "journey_measured": "afc007e242a22b34",
          "five_is": "7c1b574f01339146", "question_drivers": "fa1459e56da8e546"}


def test_without_weights_and_headcount_every_breakdown_is_byte_identical_to_before():
    eng, c, e = two_waves(weights=False)
    qeng, qc, qe = question_sides(weights=False)
    assert digests(breakdown_tables(eng, c, e, qeng, qc, qe)) == BEFORE


def test_every_breakdown_moves_with_weights_and_the_employee_intervals_with_a_headcount():
    eng, c, e = two_waves(weights=False)
    qeng, qc, qe = question_sides(weights=False)
    plain = breakdown_tables(eng, c, e, qeng, qc, qe)
    eng_w, c_w, e_w = two_waves()
    qeng_w, qc_w, qe_w = question_sides()
    weighted = breakdown_tables(eng_w, c_w, e_w, qeng_w, qc_w, qe_w)
    means = {"units": "customer_mean", "dept": "employee_mean", "ctype": "customer_mean",
             "journeys": "employee_mean", "touchpoints": "employee_mean", "trends": "mean_to",
             "drivers": "weight_pct", "indices": "mean", "journey_measured": "mean", "five_is": "mean",
             "question_drivers": "weight_pct"}
    for name, column in means.items():
        a, b = plain[name][column].astype(float), weighted[name][column].astype(float)
        assert a.notna().any() and (a.isna() == b.isna()).all(), name
        assert not np.allclose(a.dropna(), b.dropna()), name
    corrected = breakdown_tables(with_headcount(eng), c, e, with_headcount(qeng), qc, qe,
                                 headcount=headcount_of(e), q_headcount=headcount_of(qe))
    # the employee cells the headcount counts: units by their own invited count, the totals by the wave's
    counted = {"units": lambda t: t["employee_n"].notna(),
               "touchpoints": lambda t: t["employee_n"].notna(),
               "trends": lambda t: (t["side"] == "employee") & t["change"].notna(),
               "indices": lambda t: (t["side"] == "employee") & t["by"].isin(["", "unit"]) & t["n"].notna(),
               "journey_measured": lambda t: (t["side"] == "employee") & t["n"].notna(),
               "five_is": lambda t: t["n"].notna()}
    for name, rows in counted.items():
        low = "change_ci_low" if name == "trends" else "employee_ci_low" if "employee_ci_low" in plain[name] else "ci_low"
        high = low.replace("low", "high")
        a, b = plain[name][rows(plain[name])], corrected[name][rows(corrected[name])]
        assert len(a) and a.index.equals(b.index), name
        assert ((b[high] - b[low]).to_numpy() < (a[high] - a[low]).to_numpy()).all(), name
    # and nothing else: the customers', and the employee groups the headcount does not count
    assert corrected["dept"]["employee_ci_low"].equals(plain["dept"]["employee_ci_low"])
    assert corrected["journeys"]["gap_ci_low"].equals(plain["journeys"]["gap_ci_low"])
    assert corrected["units"]["customer_ci_low"].equals(plain["units"]["customer_ci_low"])
    assert corrected["drivers"].equals(plain["drivers"])


if __name__ == "__main__":  # the digests of this code's breakdowns without a design (for BEFORE)
    e_ = two_waves(weights=False)
    q_ = question_sides(weights=False)
    print(digests(breakdown_tables(*e_, *q_)))
