"""Weights and the headcount through the pipeline (issue 13, points 6–7): the gap table, top box, NPS/eNPS
and the response-rate table, checked against statsmodels (DescrStatsW, CompareMeans, proportion_confint)
and scipy, and shown to change nothing when there is no design."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from tests.helpers import kish, raked_weights
from tests.test_units import synthetic

from mirrorgap.analyse.disclosure import RESPONDENTS, side_decision
from mirrorgap.analyse.gaps import gap_table
from mirrorgap.analyse.pipeline import analyse
from mirrorgap.config.params import HeadcountSpec
from mirrorgap.errors import ParamsError
from mirrorgap.read.weights import WEIGHT
from mirrorgap.stats.nps import nps, nps_weighted
from mirrorgap.stats.survey import kish_n_eff

NUMBERS = ["customer_n", "customer_mean", "customer_ci_low", "customer_ci_high", "customer_top_box",
           "customer_top_box_ci_low", "customer_top_box_ci_high", "employee_n", "employee_mean", "employee_ci_low",
           "employee_ci_high", "employee_top_box", "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value", "hedges_g"]


def weighted(clean, weights):
    return dataclasses.replace(clean, frame=clean.frame.assign(**{WEIGHT: weights}))


def with_headcount(eng, **kw):
    spec = HeadcountSpec(input={"path": "data/x/headcount.csv"}, invited_column="invited", unit_column="unit", **kw)
    return eng.model_copy(update={"headcount": spec})


def headcount_frame(invited: dict) -> pd.DataFrame:
    frame = pd.DataFrame({"wave": None, "unit": list(invited), "group": None, "invited": list(invited.values()),
                          "row": range(2, 2 + len(invited))})
    frame.attrs["path"] = "headcount.csv"
    return frame


def pomp(clean, item):
    s = clean.scales[item]
    return ((clean.frame[item] - s.min) / (s.max - s.min) * 100).to_numpy()


def test_without_a_design_nothing_changes():
    eng, c, e = synthetic()
    r = analyse(eng, c, e)
    assert not any(d.active for d in r.designs.values()) and "response_rates" not in r.tables
    pd.testing.assert_frame_equal(r.gaps, gap_table(c, e, eng.analysis, language=eng.language))


@pytest.mark.parametrize("metric", ["mean", "top_box"])
def test_equal_weights_give_the_unweighted_figures(metric):
    eng, c, e = synthetic()
    eng = eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"metric": metric})})
    plain = analyse(eng, c, e)
    same = analyse(eng, weighted(c, np.full(len(c.frame), 2.5)), weighted(e, np.full(len(e.frame), 0.4)))
    assert same.designs["customer"].active
    pd.testing.assert_frame_equal(same.gaps[plain.gaps.columns], plain.gaps, rtol=1e-9)
    pd.testing.assert_frame_equal(same.nps, plain.nps, rtol=1e-9)


def test_weighted_gap_table_matches_statsmodels():
    eng, c, e = synthetic(customers=300)
    w = np.random.default_rng(5).uniform(0.2, 4.0, len(c.frame))
    r = analyse(eng, weighted(c, w), e)
    for item in ("extra", "booking"):
        row = r.gaps.set_index("item").loc[item]
        x = pomp(c, item)
        ok = ~np.isnan(x)
        xs, ws = x[ok], w[ok]
        n_eff = kish_n_eff(ws)
        d = DescrStatsW(xs, weights=ws * n_eff / ws.sum())  # frequency weights summing to Kish's n_eff
        assert row.customer_n == ok.sum() and row.customer_mean == pytest.approx(d.mean, rel=1e-12)
        assert (row.customer_ci_low, row.customer_ci_high) == pytest.approx(d.tconfint_mean(0.05), rel=1e-10)
        top = (xs >= 75 - 1e-9).astype(float)
        share = np.average(top, weights=ws)
        assert row.customer_top_box == pytest.approx(100 * share)
        low, high = proportion_confint(share * n_eff, n_eff, alpha=0.05, method="wilson")
        assert (row.customer_top_box_ci_low, row.customer_top_box_ci_high) == pytest.approx((100 * low, 100 * high))
        y = pomp(e, item)
        y = y[~np.isnan(y)]
        t, p, df = CompareMeans(DescrStatsW(y), d).ttest_ind(usevar="unequal")
        low, high = CompareMeans(DescrStatsW(y), d).tconfint_diff(alpha=0.05, usevar="unequal")
        assert row.p_value == pytest.approx(p, rel=1e-9)
        assert (row.gap, row.gap_ci_low, row.gap_ci_high) == pytest.approx((y.mean() - d.mean, low, high), rel=1e-9)
        assert row.customer_n_var == pytest.approx(n_eff) and row.employee_n_var == len(y)
    customer_nps = r.nps.set_index("side").loc["customer"]
    expected = nps_weighted(c.frame["nps"].to_numpy(), w)
    assert (customer_nps.nps, customer_nps.ci_low) == pytest.approx((expected.nps, expected.ci_low))
    assert customer_nps.nps != pytest.approx(nps(c.frame["nps"].to_numpy()).nps)


def test_headcount_census_leaves_only_the_customers_sampling_error():
    """Every invited employee answered: the employees' means are exact, so the gap's interval is the
    customers' own t interval moved by the gap, and the eNPS interval is the eNPS itself."""
    eng, c, e = synthetic(unit_sizes=(14, 9, 8, 7, 6, 11))
    e = dataclasses.replace(e, frame=e.frame.fillna({"extra": 4.0, "booking": 5.0}))  # competence keeps its blanks
    sizes = e.frame["unit"].value_counts().to_dict()
    checked = 0
    r = analyse(with_headcount(eng), c, e, headcount=headcount_frame(sizes))
    assert r.designs["employee"].population == len(e.frame)
    for row in r.gaps.itertuples():
        x = pomp(c, row.item)
        x = x[~np.isnan(x)]
        y = pomp(e, row.item)
        answered = (~np.isnan(y)).sum()
        if answered < len(e.frame):  # item non-response: n < N, a partial correction
            assert row.employee_ci_low < row.employee_mean
            continue
        checked += 1
        low, high = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
        assert row.employee_ci_low == pytest.approx(row.employee_mean)
        assert (row.gap_ci_low, row.gap_ci_high) == pytest.approx((np.nanmean(y) - high, np.nanmean(y) - low))
    assert checked == 2
    enps = r.nps.set_index("side").loc["employee"]
    assert enps.ci_low == enps.nps == enps.ci_high


def test_headcount_shrinks_the_employee_intervals_by_the_fpc():
    eng, c, e = synthetic(unit_sizes=(14, 9, 8, 7, 6, 11))
    invited = {u: 2 * n for u, n in e.frame["unit"].value_counts().items()}  # a 50 % response rate
    plain = analyse(eng, c, e).gaps.set_index("item")
    r = analyse(with_headcount(eng), c, e, headcount=headcount_frame(invited))
    got = r.gaps.set_index("item")
    population = sum(invited.values())
    for item in got.index:
        n = got.loc[item, "employee_n"]
        ratio = (got.loc[item, "employee_ci_high"] - got.loc[item, "employee_mean"]) / \
                (plain.loc[item, "employee_ci_high"] - plain.loc[item, "employee_mean"])
        assert ratio == pytest.approx(np.sqrt(1 - n / population))
        assert got.loc[item, "customer_ci_low"] == plain.loc[item, "customer_ci_low"]
        assert got.loc[item, "gap"] == plain.loc[item, "gap"]
        assert got.loc[item, "p_value"] < plain.loc[item, "p_value"]
    rates = r.tables["response_rates"]
    total = rates[rates["by"] == ""].iloc[0]
    assert (total.invited, total.responded, total.response_rate) == (population, len(e.frame), pytest.approx(50.0))


def test_response_rates_are_shown_only_where_the_respondent_count_is():
    eng, c, e = synthetic()  # units of 14, 9, 3, 7, 2, 11 employees: U2 and U4 are under min_n
    invited = {"U0": 20, "U1": 9, "U2": 3, "U3": 30, "U4": 8, "U5": 12, "U9": 4}  # U9: invited, nobody answered
    r = analyse(with_headcount(eng), c, e, headcount=headcount_frame(invited))
    rates = r.tables["response_rates"].set_index("group")
    decision = side_decision(e, eng, pooled=False)
    for unit, row in rates[rates["by"] == "unit"].iterrows():
        hidden = decision.cell_hidden("2026", RESPONDENTS, ("unit", unit, None, None))
        assert row.suppressed == (hidden or unit == "U9")
        assert row.invited == invited[unit]
        if row.suppressed:
            assert pd.isna(row.responded) and np.isnan(row.response_rate)
        else:
            n = (e.frame["unit"] == unit).sum()
            assert row.responded == n and row.response_rate == pytest.approx(100 * n / invited[unit])
    assert rates.loc[["U2", "U4"], "suppressed"].all()
    shown = rates[(rates["by"] == "unit") & ~rates["suppressed"]]
    hidden_total = len(e.frame) - shown["responded"].sum()
    assert hidden_total == 0 or hidden_total >= eng.analysis.min_n  # no hidden count follows by subtraction


def test_raking_to_margins():
    eng, c, e = synthetic(customers=400)
    shares = {"Private": 0.5, "Business": 0.5}  # the sample has 70 / 30
    spec = eng.customer.model_copy(update={"rake_to": {"ctype": shares}})
    r = analyse(eng.model_copy(update={"customer": spec}), c, e)
    w = r.designs["customer"].weights
    for group, share in shares.items():
        assert w[(c.frame["ctype"] == group).to_numpy()].sum() / w.sum() == pytest.approx(share)
    x = pomp(c, "extra")
    ok = ~np.isnan(x)
    assert r.gaps.set_index("item").loc["extra", "customer_mean"] == pytest.approx(np.average(x[ok], weights=w[ok]))
    bad = eng.customer.model_copy(update={"rake_to": {"ctype": {"Private": 1.0}}})
    with pytest.raises(ParamsError, match="'Business' without a population figure"):
        analyse(eng.model_copy(update={"customer": bad}), c, e)


def test_weight_column_reader():
    from tests.helpers import raw_survey

    from mirrorgap.errors import InputFileError
    from mirrorgap.read.ledger import SideLedger
    from mirrorgap.read.recode import CleanSide
    from mirrorgap.read.weights import attach_weights

    raw = raw_survey(pd.DataFrame({"vikt": ["1,5", "2", None, "0,25"], "q": [1, 2, 3, 4]}), decimal=",")
    used = pd.DataFrame({"source_row": [2, 3, 5]})  # the row without a weight (file row 4) was left out
    clean = CleanSide(side="customer", frame=used, items=[], scales={}, segments=[],
                      ledger=SideLedger(side="customer", file="x", read_as={}, rows_in=4))
    assert attach_weights(raw, clean, "vikt").frame[WEIGHT].tolist() == [1.5, 2.0, 0.25]
    assert attach_weights(raw, clean, None) is clean
    every = dataclasses.replace(clean, frame=pd.DataFrame({"source_row": [2, 3, 4, 5]}))
    with pytest.raises(InputFileError, match="without a usable weight") as exc:
        attach_weights(raw, every, "vikt")
    assert (exc.value.row, exc.value.column) == (4, "vikt") and "weight_column" in exc.value.fix
    with pytest.raises(InputFileError, match="weight column 'weight' is not in the file"):
        attach_weights(raw, clean, "weight")


@pytest.mark.parametrize("language, words", [("en", ("Kish", "finite-population correction", "50%")),
                                             ("sv", ("Kishs", "ändlighetskorrektionen", "50 %")),
                                             ("da", ("Kishs", "endelighedskorrektionen", "50 %")),
                                             ("nb", ("Kishs", "endelighetskorreksjonen", "50 %"))])
def test_method_text_says_how_weights_and_headcount_entered(language, words):
    from mirrorgap.render.findings import method_text

    eng, c, e = synthetic(unit_sizes=(14, 9, 8, 7, 6, 11))
    eng = with_headcount(eng.model_copy(update={"language": language}))
    spec = eng.customer.model_copy(update={"weight_column": "vikt"})
    eng = eng.model_copy(update={"customer": spec})
    w = np.random.default_rng(2).uniform(0.5, 2, len(c.frame))
    invited = {u: 2 * n for u, n in e.frame["unit"].value_counts().items()}
    r = analyse(eng, weighted(c, w), e, headcount=headcount_frame(invited))
    text = method_text(eng, r)
    assert text.startswith(method_text(eng)) and all(word in text for word in words)
    assert "vikt" in text and f"{kish_n_eff(w):.1f}".replace(".", "," if language != "en" else ".") in text
    plain = analyse(eng.model_copy(update={"headcount": None, "customer": eng.customer.model_copy(
        update={"weight_column": None})}), c, e)
    assert method_text(eng, plain) == method_text(eng)


def test_workbook_sheet_of_response_rates_hides_what_the_table_hides():
    from mirrorgap.config.texts import tree
    from mirrorgap.deliver.sheets import sheet_frame

    eng, c, e = synthetic()
    invited = {"U0": 20, "U1": 9, "U2": 3, "U3": 30, "U4": 8, "U5": 12}
    rates = analyse(with_headcount(eng), c, e, headcount=headcount_frame(invited)).tables["response_rates"]
    t = tree("sv")
    frame, formats = sheet_frame("response_rates", rates, t, hidden_text="för få svar")
    hidden = rates["suppressed"].to_numpy()
    assert (frame.loc[hidden, "responded"] == "för få svar").all() and (frame.loc[hidden, "response_rate"] == "för få svar").all()
    assert frame["invited"].tolist() == rates["invited"].tolist()
    shown = ~hidden
    assert frame.loc[shown, "response_rate"].astype(float).tolist() == pytest.approx(
        (rates.loc[shown, "response_rate"] / 100).tolist())
    assert t["deck"]["sheet.response_rates"] == "Svarsfrekvens"


def test_demo_headcount_changes_only_the_employees_sampling_error():
    """The demo's headcount (data/demo/headcount.csv) changes gaps.csv only through the finite-population
    correction: every n, mean and gap stays; the employees' half-widths shrink by √(1 − n/N) and the
    gap's interval and p follow Welch's test with the corrected employee variance and the raked customers'
    weighted variance on their n_eff (checked with scipy and statsmodels)."""
    from mirrorgap.analyse.gaps import gaps_csv_frame
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR

    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    c, e = load_side(eng, "customer"), load_side(eng, "employee")
    with_hc, without = analyse(eng, c, e), analyse(eng.model_copy(update={"headcount": None}), c, e)
    new, old = gaps_csv_frame(with_hc.gaps), gaps_csv_frame(without.gaps)
    changed = [col for col in old.columns if not new[col].equals(old[col])]
    assert changed == ["employee_ci_low", "employee_ci_high", "gap_ci_low", "gap_ci_high", "p_value", "q_value"]
    population = with_hc.designs["employee"].population
    assert population == 151 and with_hc.wave == "2026"
    g = with_hc.gaps
    ratio = (g.employee_ci_high - g.employee_mean) / (without.gaps.employee_ci_high - g.employee_mean)
    assert ratio.to_numpy() == pytest.approx(np.sqrt(1 - g.employee_n / population).to_numpy(), rel=1e-9)
    ve = g.employee_sd ** 2 * (1 - g.employee_n / population) / g.employee_n
    # the customers are raked to `rake_to: Kundtyp` (params/demo.yaml): their variance and df are the
    # weighted ones on Kish's n_eff, computed here from our own raking with statsmodels' DescrStatsW
    c26 = dataclasses.replace(c, frame=c.frame[c.frame["wave"] == "2026"].reset_index(drop=True))
    raked = raked_weights(c26.frame, eng.customer.rake_to).to_numpy()
    vc, n_eff = [], []
    for item in g["item"]:
        x = pomp(c26, item)
        ok = ~np.isnan(x)
        n_eff.append(kish(raked[ok]))
        d = DescrStatsW(x[ok], weights=raked[ok] * n_eff[-1] / raked[ok].sum())
        assert g.set_index("item").loc[item, "customer_mean"] == pytest.approx(d.mean, rel=1e-12)
        vc.append(d.std_mean ** 2)
    vc, n_eff = np.array(vc), np.array(n_eff)
    df = (ve + vc) ** 2 / (ve ** 2 / (g.employee_n - 1) + vc ** 2 / (n_eff - 1))
    half = sps.t.ppf(0.975, df) * np.sqrt(ve + vc)
    assert g.gap_ci_high.to_numpy() == pytest.approx((g.gap + half).to_numpy(), rel=1e-9)
    assert g.p_value.to_numpy() == pytest.approx(2 * sps.t.sf(np.abs(g.gap) / np.sqrt(ve + vc), df), rel=1e-6)
    assert (new["classification"] == old["classification"]).all()
    rates = with_hc.tables["response_rates"]
    assert rates["response_rate"].iloc[0] == pytest.approx(100 * 125 / 151)


def test_response_rates_by_unit_and_department_follow_the_audited_cells():
    eng, c, e = synthetic(unit_sizes=(60, 45, 30, 9))
    counts = e.frame.groupby(["unit", "dept"]).size()
    frame = pd.DataFrame({"wave": None, "unit": [u for u, _ in counts.index], "group": [d for _, d in counts.index],
                          "invited": (counts.to_numpy() + 2), "row": range(2, 2 + len(counts))})
    frame.attrs["path"] = "headcount.csv"
    eng = with_headcount(eng, segment_column="avd", segment="dept")
    rates = analyse(eng, c, e, headcount=frame).tables["response_rates"]
    decision = side_decision(e, eng, pooled=False)
    crossed = rates[rates["by2"] == "dept"]
    assert len(crossed) == len(counts) and set(rates["by"]) == {"", "unit", "dept"}
    for r in rates.itertuples():
        key = (r.by or None, None if r.by == "" else r.group, r.by2 or None, r.group2 or None)
        assert r.suppressed == decision.cell_hidden("2026", RESPONDENTS, key)
        if not r.suppressed:
            assert r.response_rate == pytest.approx(100 * r.responded / r.invited)
    departments = rates[rates["by"] == "dept"].set_index("group")
    assert departments["invited"].to_dict() == frame.groupby("group")["invited"].sum().to_dict()
    assert crossed["suppressed"].any() and not crossed["suppressed"].all()


def test_report_rows_of_response_rates():
    from mirrorgap.config.texts import tree
    from mirrorgap.deliver.report import _response_rates

    eng, c, e = synthetic()
    eng = with_headcount(eng.model_copy(update={"language": "sv"}))
    r = analyse(eng, c, e, headcount=headcount_frame({"U0": 20, "U1": 9, "U2": 3, "U3": 30, "U4": 8, "U5": 12}))
    rows = _response_rates(r, tree("sv"))
    assert rows[0] == {"wave": "2026", "by": "", "group": "Alla medarbetare", "invited": "82", "responded": "46",
                       "rate": "56 %"}
    assert {row["by"] for row in rows[1:]} == {"Enhet"}
    by_group = {row["group"]: row for row in rows}
    assert by_group["U2"]["responded"] == by_group["U2"]["rate"] == "för få svar" and by_group["U2"]["invited"] == "3"
    assert by_group["U0"]["rate"] == "70 %"


def test_demo_end_to_end_with_a_weight_column_raking_and_a_headcount(tmp_path):
    """Real files through `load_side`: the demo's employee workbook with a weight column added, the
    customers raked to a 50/50 customer type, the demo headcount; then a headcount that is too small."""
    from openpyxl import load_workbook

    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR, PROJ_ROOT
    from mirrorgap.errors import InputFileError
    from mirrorgap.render.findings import method_text

    wb = load_workbook(PROJ_ROOT / "data/demo/employees.xlsx")
    ws = wb["Svar"]
    column = ws.max_column + 1
    ws.cell(3, column, "vikt")
    for row in range(4, ws.max_row + 1):
        ws.cell(row, column, [0.5, 1.0, 2.5][row % 3])
    wb.save(tmp_path / "employees.xlsx")
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    employee_spec = eng.employee.model_copy(update={"weight_column": "vikt", "input": eng.employee.input.model_copy(
        update={"path": str(tmp_path / "employees.xlsx"), "outside_project": True})})
    customer_spec = eng.customer.model_copy(update={"rake_to": {"Kundtyp": {"Privatkund": 1, "Företagskund": 1}}})
    eng = eng.model_copy(update={"employee": employee_spec, "customer": customer_spec})
    c, e = load_side(eng, "customer"), load_side(eng, "employee")
    assert (e.frame[WEIGHT] == [[0.5, 1.0, 2.5][row % 3] for row in e.frame["source_row"]]).all()
    r = analyse(eng, c, e)
    e26 = e.frame[e.frame["wave"] == "2026"]
    x, w = pomp(dataclasses.replace(e, frame=e26), "extra_mile"), e26[WEIGHT].to_numpy()
    ok = ~np.isnan(x)
    n_eff, population = kish_n_eff(w[ok]), 151
    d = DescrStatsW(x[ok], weights=w[ok] * n_eff / w[ok].sum())
    row = r.gaps.set_index("item").loc["extra_mile"]
    assert row.employee_mean == pytest.approx(d.mean)
    low, high = d.tconfint_mean(0.05)
    assert (row.employee_ci_high - row.employee_mean) == pytest.approx((high - d.mean) * np.sqrt(1 - ok.sum() / population))
    raked = r.designs["customer"].weights
    kind = c.frame.loc[c.frame["wave"] == "2026", "Kundtyp"].to_numpy()
    assert raked[kind == "Privatkund"].sum() == pytest.approx(raked.sum() / 2)
    text = method_text(eng, r)
    assert "vikt" in text and "Kundtyp" in text and "151" in text
    (tmp_path / "headcount.csv").write_text("Våg;Anläggning;Inbjudna\n2026;Göteborg Hisingen;27\n2026;Malmö Bulltofta;25\n"
                                            "2026;Stockholm Kungens Kurva;31\n2026;Uppsala Boländerna;24\n"
                                            "2026;Västerås Erikslund;16\n2026;Örebro Marieberg;21\n", encoding="utf-8")
    small = eng.headcount.model_copy(update={"input": eng.headcount.input.model_copy(
        update={"path": str(tmp_path / "headcount.csv"), "outside_project": True})})
    with pytest.raises(InputFileError, match="fewer invited \\(16\\) than answered \\(17\\) in unit 'Västerås Erikslund'") as exc:
        analyse(eng.model_copy(update={"headcount": small}), c, e)
    assert exc.value.row == 6 and exc.value.column == "Inbjudna"


def test_an_item_whose_answerers_all_weigh_zero_is_an_error_naming_it():
    eng, c, e = synthetic()
    w = np.where(c.frame["extra"].isna(), 1.0, 0.0)  # only those who did not answer `extra` carry weight
    with pytest.raises(ParamsError, match="every customer who answered 'extra' has weight 0"):
        analyse(eng, weighted(c, w), e)
    e = dataclasses.replace(e, frame=e.frame.assign(nps=np.where(np.arange(len(e.frame)) < 5, np.nan, e.frame["nps"])))
    w = np.where(e.frame["nps"].isna(), 1.0, 0.0)  # only those without an eNPS answer weigh
    with pytest.raises(ParamsError, match="every employee who answered the eNPS question has weight 0"):
        analyse(eng, c, weighted(e, w))
    from mirrorgap.stats.estimators import wilson_ci
    from mirrorgap.stats.survey import Design
    assert np.isnan(wilson_ci(0.0, 5, design=Design(n_eff=0.0)).ci_low)  # no effective sample: no interval
