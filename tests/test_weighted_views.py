"""The dashboard's figures with weights and a headcount (issue 13, point 7): the aggregates carry Σw and
Σw² beside each count and the invited count per unit and wave, so the views (computed from the
aggregates only) equal the report's weighted, corrected figures: the gap table and NPS for the whole
wave and per unit, and the unit heatmap. The employees' weight sums are written only for a measure
with no hidden cell: the test below shows what they would give away otherwise."""
import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.test_units import synthetic
from tests.test_weighted_breakdowns import headcount_of, two_waves, with_headcount

from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
from mirrorgap.aggregate.store import ALL, COLUMNS, RESPONDENTS, read_aggregates, write_aggregates
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.aggregate.weighted import invited_per_group
from mirrorgap.analyse.design import side_design
from mirrorgap.analyse.pipeline import design_gap_table, in_wave, nps_table
from mirrorgap.analyse.units import group_gap_table
from mirrorgap.read.weights import WEIGHT

FIGURES = ["customer_n", "customer_mean", "customer_ci_low", "customer_ci_high", "customer_top_box",
           "customer_top_box_ci_low", "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
           "employee_top_box", "gap", "gap_ci_low", "gap_ci_high", "p_value"]


def aggregates(tmp_path, eng, c, e, hc):
    counts = build_aggregates(eng, c, e)
    meta = aggregate_meta(eng.model_copy(update={"headcount": None}), c, e, run_id="test")
    meta["populations"] = {"employee": {w: int(hc[hc["wave"] == w]["invited"].sum()) for w in ("2025", "2026")},
                           "employee_groups": invited_per_group(eng, e, hc)}
    folder = write_aggregates(counts, meta, tmp_path)
    return (*read_aggregates(folder), AggregateViews.from_folder(folder))


@pytest.fixture(scope="module", params=["open", "hidden"])
def weighted(request, tmp_path_factory):
    """"open": every employee cell shown (the employees' weights written); "hidden": the fixture of
    `test_weighted_breakdowns`, with small employee groups (their measures' weights withheld)."""
    eng, c, e = open_waves() if request.param == "open" else two_waves()
    eng = with_headcount(eng)
    hc = headcount_of(e)
    counts, _, views = aggregates(tmp_path_factory.mktemp("run"), eng, c, e, hc)
    return eng, c, e, hc, counts, views


def shown_sides(weighted):
    """The sides as the views can show them: the employees unweighted where their weights were withheld."""
    eng, c, e, hc, counts, _ = weighted
    return c, e if employee_weighted(counts) else dataclasses.replace(e, frame=e.frame.drop(columns=WEIGHT))


def open_waves():
    """Two waves whose employee groups are all large enough (nothing hidden), both sides weighted."""
    eng, c, e = two_waves()
    frames = []
    for seed, wave in ((5, "2025"), (6, "2026")):
        _, _, big = synthetic(seed=seed, unit_sizes=(30, 30, 30, 30, 30, 30))
        rng = np.random.default_rng(seed)
        frames.append(big.frame.assign(wave=wave, dept=rng.choice(["Shop", "Sales"], len(big.frame)),
                                       tenure=rng.choice(["1-3", "3-10"], len(big.frame)),
                                       facing=rng.choice(["Ja", "Nej"], len(big.frame)),
                                       **{WEIGHT: rng.uniform(0.2, 3.0, len(big.frame))}))
    return eng, c, dataclasses.replace(e, frame=pd.concat(frames, ignore_index=True))


def employee_weighted(counts) -> bool:
    return bool(counts.loc[counts["side"] == "employee", "weight"].notna().any())


def test_weight_sums_are_hidden_where_the_counts_are_and_withheld_where_the_employees_are_hidden(weighted):
    eng, c, e, hc, counts, _ = weighted
    assert {"weight", "weight2"} <= set(counts.columns)
    hidden = counts["suppressed"].to_numpy()
    assert counts.loc[hidden, ["weight", "weight2", "count"]].isna().all().all()
    customers = (counts["side"] == "customer").to_numpy()
    assert counts.loc[customers & ~hidden, ["weight", "weight2"]].notna().all().all()
    employees = counts[counts["side"] == "employee"]
    for (wave, measure), rows in employees.groupby(["wave", "measure"]):
        if rows["suppressed"].any():  # a hidden cell: no weight for the measure in that wave, in any cell
            assert rows["weight"].isna().all() and rows["weight2"].isna().all(), (wave, measure)
        else:
            assert rows["weight"].notna().all(), (wave, measure)
    assert employees["suppressed"].any() == (not employee_weighted(counts))
    assert employee_weighted(counts) == (len(e.frame) > 300)  # the open fixture (360 employees) has them
    # Σw of each shown unit's respondents is the rows' own sum (pandas, not our code)
    shown = counts[(counts["measure"] == RESPONDENTS) & (counts["dimension"] == "unit") & counts["dimension2"].isna()
                   & ~counts["suppressed"] & counts["weight"].notna()]
    assert (shown["side"] == "customer").any()
    for row in shown.itertuples():
        clean = c if row.side == "customer" else e
        rows = clean.frame[(clean.frame["wave"] == row.wave) & (clean.frame["unit"] == row.group)]
        assert row.weight == pytest.approx(rows[WEIGHT].sum()) and row.weight2 == pytest.approx((rows[WEIGHT] ** 2).sum())
        assert row.count == len(rows)


def test_the_dashboard_says_which_sides_are_weighted_and_what_it_shows_unweighted(weighted):
    """The footer names the weighted sides and counts the employee measures whose weights were withheld
    (every measure with a weight-less employee row in the counts): a viewer is not left to think an
    unweighted figure is the report's weighted one."""
    from mirrorgap.dashboard.serve import page_resources

    *_, counts, views = weighted
    employees = counts[counts["side"] == "employee"]
    withheld = sorted(employees.loc[employees["weight"].isna(), "measure"].unique())
    assert views.meta["weights"] == {"sides": {"customer": True, "employee": True},
                                     "unweighted_measures": {"customer": [], "employee": withheld}}
    footer = page_resources(views.meta)["footer_method"]
    assert views.meta["language"] == "en"
    assert "Customer results are weighted." in footer and "Employee results are weighted." in footer
    said = f"{len(withheld)} of the employee measures are shown unweighted" in footer
    assert said == bool(withheld) and said == (not employee_weighted(counts))


def test_the_answer_shares_are_weighted_where_the_cell_is(weighted):
    """The item drill-down's shares: Σw of each answer over Σw of the answers (pandas on the clean rows),
    beside the plain counts; an employee measure whose weights were withheld keeps plain shares."""
    eng, c, e, _, counts, views = weighted
    item = eng.analysed_items[0].id
    for clean in (c, e):
        rows = clean.frame[(clean.frame["wave"] == "2026") & clean.frame[item].notna()]
        got = views.distribution(item, clean.side, Filters(wave="2026")).set_index("value")
        assert got["count"].to_dict() == rows[item].value_counts().to_dict()
        written = counts[(counts["side"] == clean.side) & (counts["wave"] == "2026") & (counts["measure"] == item)]
        weighted_cell = bool(written["weight"].notna().all())
        assert weighted_cell == (clean.side == "customer" or employee_weighted(counts))
        basis = rows.groupby(item)[WEIGHT].sum() if weighted_cell else rows[item].value_counts()
        np.testing.assert_allclose(got["share"].to_numpy(), (basis / basis.sum() * 100).loc[got.index].to_numpy())
        plain = rows[item].value_counts(normalize=True) * 100
        assert weighted_cell == (not np.allclose(got["share"].to_numpy(), plain.loc[got.index].to_numpy()))


def test_unweighted_aggregates_have_no_weight_columns(tmp_path):
    eng, c, e = two_waves(weights=False)
    assert list(build_aggregates(eng, c, e).columns) == COLUMNS
    assert "weights" not in aggregate_meta(eng, c, e, run_id="test")  # nor a footer sentence on weights


def test_whole_wave_views_equal_the_weighted_corrected_report(weighted):
    eng, _, _, hc, _, views = weighted
    c, e = shown_sides(weighted)
    cw, ew = in_wave(c, "2026"), in_wave(e, "2026")
    designs = {clean.side: side_design(clean, eng, headcount=hc, wave="2026") for clean in (cw, ew)}
    assert designs["employee"].population == int(hc[hc["wave"] == "2026"]["invited"].sum())
    raw = design_gap_table(cw, ew, eng, designs)
    view = views.gap_table(Filters(wave="2026"))
    shown = (view["classification"] != "suppressed").to_numpy()
    assert shown.sum() == 3
    for column in FIGURES:
        assert view.loc[shown, column].to_numpy(float) == pytest.approx(raw.loc[shown, column].to_numpy(float),
                                                                        rel=1e-9), column
    want = nps_table(cw, ew, eng, designs)
    got = views.nps_table(Filters(wave="2026"))
    assert got[["nps", "ci_low", "ci_high"]].to_numpy(float) == pytest.approx(want[["nps", "ci_low", "ci_high"]].to_numpy(float))
    unweighted = nps_table(cw, ew, eng)
    assert got["nps"].iloc[0] != pytest.approx(unweighted["nps"].iloc[0])


def test_unit_views_and_heatmap_equal_the_reports_unit_table(weighted):
    eng, _, _, hc, _, views = weighted
    c, e = shown_sides(weighted)
    report = group_gap_table(c, e, eng, by="unit", wave="2026", headcount=hc)
    heat = views.unit_gaps(Filters(wave="2026")).set_index(["group", "item"])
    compared = 0
    for unit in sorted(report["group"].unique()):
        rows = report[report["group"] == unit].set_index("item")
        view = views.gap_table(Filters(wave="2026", unit=unit)).set_index("item")
        for item, row in rows.iterrows():
            if row["suppressed"] or view.loc[item, "classification"] == "suppressed":
                assert np.isnan(heat.loc[(unit, item), "gap"]) == bool(row["suppressed"]) or row["suppressed"]
                continue
            for column in ("customer_mean", "customer_ci_low", "employee_mean", "employee_ci_low", "employee_ci_high",
                           "gap", "gap_ci_low", "gap_ci_high", "p_value"):
                assert view.loc[item, column] == pytest.approx(row[column], rel=1e-9), (unit, item, column)
            assert (heat.loc[(unit, item), "gap_ci_low"], heat.loc[(unit, item), "gap_ci_high"]) == pytest.approx(
                (row["gap_ci_low"], row["gap_ci_high"]), rel=1e-9)
            compared += 1
    assert compared >= 9


def test_a_crossed_or_uncounted_group_gets_weights_but_no_correction(weighted):
    eng, _, _, hc, _, views = weighted
    c, e = shown_sides(weighted)
    assert views.population("2026", "unit", "U0") == int(hc[(hc["wave"] == "2026") & (hc["unit"] == "U0")]["invited"].iloc[0])
    assert views.population("2026", "dept", "Shop") is None
    assert views.population("2026", "unit", "U0", "dept", "Shop") is None
    assert views.population(ALL, "unit", "U0") is None  # never the pool
    report = group_gap_table(c, e, eng.model_copy(update={"headcount": None}), by="dept", wave="2026")
    row = report.query("group == 'Shop' and item == 'extra'").iloc[0]
    view = views.gap_table(Filters(wave="2026", employee_segment=("dept", "Shop"))).set_index("item").loc["extra"]
    assert (view.employee_mean, view.employee_ci_low) == pytest.approx((row.employee_mean, row.employee_ci_low))


def test_weights_constant_per_unit_would_give_a_hidden_units_answers_back_so_none_are_written():
    """Why hiding the counts' cells is not enough: with one weight per unit (raking to unit margins),
    the hidden units' remainder (total − shown units) of Σw per answer value, divided by its count,
    names the unit the answers came from. The aggregates write no employee weight for such a measure."""
    eng, c, e = two_waves()
    frame = e.frame.copy()
    sizes = frame.groupby(["wave", "unit"]).size()
    targets = {u: 20.0 + 7 * k for k, u in enumerate(sorted(frame["unit"].unique()))}
    frame[WEIGHT] = [targets[u] / sizes[(w, u)] for w, u in zip(frame["wave"], frame["unit"])]
    e = dataclasses.replace(e, frame=frame)
    counts = build_aggregates(eng, c, e)
    units = counts[(counts["side"] == "employee") & (counts["wave"] == "2026") & (counts["dimension"] == "unit")
                   & counts["dimension2"].isna()]
    leaks = 0
    for item in ("extra", "booking", "competence"):
        hidden = sorted(units[(units["measure"] == item) & units["suppressed"]]["group"])
        if len(hidden) < 2:
            continue
        rows = frame[(frame["wave"] == "2026") & frame["unit"].isin(hidden) & frame[item].notna()]
        unit_weight = rows.groupby("unit")[WEIGHT].first()
        for value, part in rows.groupby(item):  # what Σw and the count of the remainder would say
            per_answer = part[WEIGHT].sum() / len(part)
            only = [u for u, w in unit_weight.items() if np.isclose(w, per_answer)]
            if len(only) == 1 and part["unit"].nunique() == 1 and len(part) > 1:
                leaks += 1  # every answer `value` of the remainder is unit `only[0]`'s
        assert counts[(counts["side"] == "employee") & (counts["wave"] == "2026") & (counts["measure"] == item)
                      ]["weight"].isna().all()
    assert leaks >= 1


def test_the_response_rate_is_shown_beside_a_shown_employee_count_only(weighted):
    from mirrorgap.dashboard.panels.overview import OverviewPanel

    eng, c, e, hc, counts, views = weighted
    rows = e.frame[e.frame["wave"] == "2026"]
    invited = int(hc[hc["wave"] == "2026"]["invited"].sum())
    assert views.response_rate(Filters(wave="2026")) == pytest.approx((invited, 100 * len(rows) / invited))
    checked = 0
    for unit in sorted(rows["unit"].unique()):
        rate, n = views.response_rate(Filters(wave="2026", unit=unit)), views.respondents("employee", Filters(
            wave="2026", unit=unit))
        assert (rate is None) == bool(np.isnan(n))
        if rate is not None:
            unit_invited = int(hc[(hc["wave"] == "2026") & (hc["unit"] == unit)]["invited"].iloc[0])
            assert rate == pytest.approx((unit_invited, 100 * (rows["unit"] == unit).sum() / unit_invited))
            checked += 1
    assert checked >= 4
    assert views.response_rate(Filters(wave="2026", employee_segment=("dept", "Shop"))) is None  # not counted
    panel = OverviewPanel(views)
    panel.filters = Filters(wave="2026")
    panel.refresh()
    assert f"of {invited} invited" in panel.cards.value or f"av {invited} inbjudna" in panel.cards.value


def test_the_whole_surveys_steps_are_the_weighted_reports():
    """Stages, the 5 I's and the indices from the aggregates' weighted counts equal the report's
    weighted, headcount-corrected tables (the employees here have no hidden cell, so their weights are written)."""
    from tests.test_weighted_breakdowns import question_sides

    from mirrorgap.aggregate.survey import step_table
    from mirrorgap.analyse.questions import five_i_table, index_table, journey_measured_table

    eng, c, e = question_sides()
    eng = with_headcount(eng)
    hc = headcount_of(e)
    counts = build_aggregates(eng, c, e)
    assert employee_weighted(counts) and not counts.loc[counts["side"] == "employee", "suppressed"].any()
    meta = aggregate_meta(eng.model_copy(update={"headcount": None}), c, e, run_id="test")
    meta["populations"] = {"employee": {"2026": int(hc["invited"].sum())},
                           "employee_groups": invited_per_group(eng, e, hc)}
    views = AggregateViews.from_folder(write_aggregates(counts, meta, Path(tempfile.mkdtemp())))
    stages = journey_measured_table(c, e, eng, wave="2026", headcount=hc)
    card = five_i_table(e, eng, wave="2026", headcount=hc)
    indices = index_table(c, e, eng, wave="2026", headcount=hc)
    for kind, want in (("stage", stages[stages["side"] == "employee"]), ("five_i", card),
                       ("index", indices[(indices["by"] == "") & (indices["side"] == "employee")])):
        got = step_table(views, Filters(wave="2026"), kind)
        got = got[got["side"] == "employee"]
        assert got["n"].astype(int).tolist() == want["n"].astype(int).tolist(), kind
        assert got[["mean", "ci_low", "ci_high"]].to_numpy(float) == pytest.approx(
            want[["mean", "ci_low", "ci_high"]].to_numpy(float), rel=1e-9), kind
    unit_a = step_table(views, Filters(wave="2026", unit="A"), "index")
    want = indices[(indices["by"] == "unit") & (indices["group"] == "A") & (indices["side"] == "employee")]
    assert unit_a.loc[unit_a["side"] == "employee", ["mean", "ci_low", "ci_high"]].to_numpy(float) == pytest.approx(
        want[["mean", "ci_low", "ci_high"]].to_numpy(float), rel=1e-9)
