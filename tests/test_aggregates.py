"""Anonymised aggregates: every client-facing figure equals the raw-row figure, and an attacker holding
the written Parquet cannot recover a group under min_n — not directly, not by subtraction."""
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from helpers import raked_weights
from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
from mirrorgap.aggregate.store import ALL, RESPONDENTS, read_aggregates, write_aggregates
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.analyse.design import SideDesign, side_design
from mirrorgap.analyse.pipeline import (
    analyse,
    design_gap_table,
    in_wave,
    load_headcount,
    load_side,
    nps_table,
)
from mirrorgap.analyse.scores import scored_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.suppression import TOTAL
from test_anonymity import determined_cells

NUMERIC = ["customer_n", "customer_mean", "customer_ci_low", "customer_ci_high", "customer_top_box",
           "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high", "employee_top_box",
           "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value", "hedges_g"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    # with the whole survey's scores as columns, so the truth of every measure counted is in the rows
    customer, employee = (scored_side(load_side(eng, side), eng) for side in ("customer", "employee"))
    folder = write_aggregates(build_aggregates(eng, customer, employee),
                              aggregate_meta(eng, customer, employee, run_id="test"),
                              tmp_path_factory.mktemp("run"))
    counts, meta = read_aggregates(folder)  # the attacker and the dashboard both start from the files
    return eng, customer, employee, counts, AggregateViews(counts, meta)


def subset(clean: CleanSide, mask) -> CleanSide:
    return CleanSide(side=clean.side, frame=clean.frame[mask].reset_index(drop=True), items=clean.items,
                     scales=clean.scales, segments=clean.segments, ledger=clean.ledger)


def assert_same(view: pd.DataFrame, raw: pd.DataFrame):
    """Equal on every item the view shows. Complementary suppression may hide more items than the
    raw table does, and BH q-values are over the items shown, so q is recomputed from raw p-values."""
    shown = (view["classification"] != "suppressed").to_numpy()
    assert list(view["item"]) == list(raw["item"])
    raw = raw.copy()
    raw.loc[shown, "q_value"] = multipletests(raw.loc[shown, "p_value"], method="fdr_bh")[1]
    for col in NUMERIC:
        got, want = view.loc[shown, col].to_numpy(float), raw.loc[shown, col].to_numpy(float)
        assert np.allclose(got, want, equal_nan=True, rtol=1e-9, atol=1e-9), col


def test_whole_wave_views_equal_the_report(demo):
    eng, customer, employee, _, views = demo
    for wave in ("2025", "2026"):
        results = analyse(eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"wave": wave})}),
                          customer, employee)
        assert_same(views.gap_table(Filters(wave=wave)), results.gaps)
        view_nps, raw_nps = views.nps_table(Filters(wave=wave)), results.nps
        assert np.allclose(view_nps[["nps", "ci_low", "ci_high", "n"]].to_numpy(float),
                           raw_nps[["nps", "ci_low", "ci_high", "n"]].to_numpy(float))


@pytest.mark.parametrize("filters, customer_mask, employee_mask", [
    (dict(unit="Malmö Bulltofta"), lambda f: f.unit == "Malmö Bulltofta", lambda f: f.unit == "Malmö Bulltofta"),
    (dict(customer_segment=("Kundtyp", "Företagskund")), lambda f: f.Kundtyp == "Företagskund", None),
    (dict(employee_segment=("avdelning", "Verkstad")), None, lambda f: f.avdelning == "Verkstad"),
    (dict(unit="Örebro Marieberg", employee_segment=("kundkontakt", "Ja")),
     lambda f: f.unit == "Örebro Marieberg", lambda f: (f.unit == "Örebro Marieberg") & (f.kundkontakt == "Ja")),
])
def test_filtered_views_equal_raw_rows(demo, filters, customer_mask, employee_mask):
    eng, customer, employee, _, views = demo
    c, e = in_wave(customer, "2026"), in_wave(employee, "2026")
    # the demo's customers are raked to `rake_to: Kundtyp` over the whole wave (our own raking here);
    # a filtered group keeps those weights, with Kish's n_eff of its own
    weights = raked_weights(c.frame, eng.customer.rake_to).to_numpy()
    if customer_mask:
        mask = customer_mask(c.frame).to_numpy()
        c, weights = subset(c, mask), weights[mask]
    e = subset(e, employee_mask(e.frame)) if employee_mask else e
    view = views.gap_table(Filters(wave="2026", **filters))
    # all employees of the wave, or one unit (the demo's headcount is per unit): the headcount's
    # finite-population correction by that group's own invited count, as in the report's unit table;
    # a department or a crossed cell the headcount does not count: none
    headcount = load_headcount(eng)
    unit_only = "unit" in filters and "employee_segment" not in filters
    invited = headcount[(headcount["wave"] == "2026") & (headcount["unit"] == filters.get("unit"))]["invited"].sum()
    designs = {"customer": SideDesign(weights=weights), "employee": SideDesign(population=int(invited)) if unit_only else
               SideDesign() if employee_mask else side_design(e, eng, headcount=headcount, wave="2026")}
    assert (designs["employee"].population is not None) == (employee_mask is None or unit_only)
    assert_same(view, design_gap_table(c, e, eng, designs))
    assert (view["classification"] != "suppressed").sum() >= 1
    raw_nps = nps_table(c, e, eng, designs)
    view_nps = views.nps_table(Filters(wave="2026", **filters))
    shown = view_nps["nps"].notna()
    assert np.allclose(view_nps.loc[shown, "nps"], raw_nps.loc[shown, "nps"])


def test_touchpoint_and_theme_filters_pick_items(demo):
    *_, views = demo
    assert set(views.gap_table(Filters(wave="2026", touchpoint="workshop"))["item"]) == {
        "competence", "extra_mile", "fixed_first_time"}
    assert set(views.gap_table(Filters(wave="2026", theme="communication"))["item"]) == {"clear_price", "work_explained"}


def test_distribution_is_the_raw_answer_counts(demo):
    _, customer, _, _, views = demo
    dist = views.distribution("competence", "customer", Filters(wave="2026"))
    raw = in_wave(customer, "2026").frame["competence"].value_counts().sort_index()
    assert dist["count"].tolist() == raw.tolist() and np.isclose(dist["share"].sum(), 100)


def true_counts(clean: CleanSide, wave, measure, dim, dim2=None) -> pd.Series:
    answered = True if measure == RESPONDENTS else clean.frame[measure].notna()  # the headcount: everyone
    frame = clean.frame[(clean.frame["wave"] == wave) & answered]
    keys = [dim] + ([dim2] if dim2 else [])
    return frame.groupby(keys).size()


def test_small_department_is_suppressed_everywhere_with_no_trace(demo):
    eng, _, employee, counts, _ = demo
    ledning = counts[(counts.side == "employee") & ((counts.group == "Ledning") | (counts.group2 == "Ledning"))]
    assert len(ledning) and ledning["suppressed"].all()
    assert ledning["value"].isna().all() and ledning["count"].isna().all()
    assert not (counts["wave"] == ALL).any()  # waves are never pooled


def test_attacker_cannot_subtract_a_small_group_out_of_a_one_way_table(demo):
    eng, customer, employee, counts, _ = demo
    min_n = eng.analysis.min_n
    checked = 0
    for clean in (customer, employee):
        side = counts[(counts.side == clean.side) & counts.dimension2.isna() & (counts.dimension != ALL)]
        for (wave, measure, dim), part in side.groupby(["wave", "measure", "dimension"]):
            truth = true_counts(clean, wave, measure, dim)
            hidden = set(part.loc[part.suppressed, "group"])
            assert all(g in hidden for g, n in truth.items() if n < min_n), (wave, measure, dim)
            # total − every shown group = the hidden groups together; that must be nobody or ≥ min_n people
            combined = int(truth[truth.index.isin(hidden)].sum())
            assert combined == 0 or combined >= min_n, (wave, measure, dim, hidden)
            checked += 1
    assert checked > 100


def test_attacker_with_linear_algebra_on_crossed_tables_and_their_margins(demo):
    eng, customer, employee, counts, _ = demo
    min_n = eng.analysis.min_n
    leaks = []
    for clean in (customer, employee):
        side = counts[counts.side == clean.side]
        for (wave, measure, dim, dim2), part in side[side.dimension2.notna()].groupby(
                ["wave", "measure", "dimension", "dimension2"]):
            truth = true_counts(clean, wave, measure, dim, dim2).unstack(fill_value=0)
            rows = part.groupby("group")["suppressed"].first().index
            table = truth.reindex(index=sorted(set(rows) | set(truth.index)), fill_value=0)
            table[TOTAL] = table.sum(axis=1)
            table.loc[TOTAL] = table.sum(axis=0)
            hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
            for r in part.itertuples():
                if r.suppressed and r.group in hidden.index and r.group2 in hidden.columns:
                    hidden.loc[r.group, r.group2] = True
            one_way = side[(side.wave == wave) & (side.measure == measure) & side.dimension2.isna()]
            for r in one_way[one_way.suppressed].itertuples():
                if r.dimension == dim and r.group in hidden.index:
                    hidden.loc[r.group, TOTAL] = True
                if r.dimension == dim2 and r.group in hidden.columns:
                    hidden.loc[TOTAL, r.group] = True
            leaks += [(clean.side, wave, measure, cell) for cell in determined_cells(table, hidden)
                      if 0 < table.loc[cell] < min_n]
    assert not leaks, leaks[:5]


@pytest.mark.parametrize("filters", [
    dict(wave="2026"), dict(wave="2025"), dict(wave="2026", employee_segment=("avdelning", "Verkstad")),
    dict(wave="2026", customer_segment=("Kundtyp", "Privatkund"), touchpoint="workshop"),
    dict(wave="2026", employee_segment=("avdelning", "Ledning")),
])
def test_all_units_at_once_equal_one_gap_table_per_unit(demo, filters):
    *_, views = demo
    fast = views.unit_gaps(Filters(**filters)).set_index(["group", "item"])
    units = views.meta["groups"]["employee"]["unit"]
    assert sorted(fast.index.get_level_values(0).unique()) == sorted(units)
    for unit in units:
        slow = views.gap_table(Filters(**{**filters, "unit": unit})).set_index("item")
        for item, row in slow.iterrows():
            got = fast.loc[(unit, item)]
            assert bool(got["suppressed"]) == (row["classification"] == "suppressed"), (unit, item)
            for col in ("gap", "gap_ci_low", "gap_ci_high"):
                assert np.isclose(got[col], row[col], rtol=1e-9, atol=1e-9, equal_nan=True), (unit, item, col)


def test_a_run_without_the_respondents_measure_still_gives_a_headcount(demo):
    """Aggregates written before the headcount was counted: the most-answered question's n."""
    eng, customer, _, counts, views = demo
    old = AggregateViews(counts[counts["measure"] != RESPONDENTS], views.meta)
    wave = customer.frame[customer.frame["wave"] == "2026"]
    measured = sorted(set(counts.loc[(counts["side"] == "customer") & (counts["measure"] != RESPONDENTS), "measure"]))
    expected = max(wave[measured].notna().sum())
    assert old.respondents("customer", Filters(wave="2026")) == expected
    assert views.respondents("customer", Filters(wave="2026")) == len(wave)
