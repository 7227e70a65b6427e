"""The whole survey on the dashboard: the steps' scores (stages, 5 I's, touchpoints, indices) computed
from the anonymised aggregates equal the report's tables and the raw rows, follow the filters, and a
small group reads "too few answers" with its figures nowhere; the panel without a browser."""
import html

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.weightstats import DescrStatsW
from traitlets import dlink

from helpers import demo_aggregates, kish, raked_weights
from mirrorgap.aggregate.survey import step_table
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.analyse.questions import five_i_table, index_table, journey_measured_table
from mirrorgap.config.numbers import fmt_number
from mirrorgap.dashboard.board import Dashboard
from mirrorgap.dashboard.filters import FilterBar
from mirrorgap.dashboard.panels.survey import SurveyPanel
from mirrorgap.stats.estimators import mean_ci


@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


def invited(demo, side: str, wave: str, cell: dict) -> int | None:
    """The demo headcount's invited count for an employee cell it counts (the wave, or a unit of it);
    None where the report's breakdowns apply no finite-population correction."""
    from mirrorgap.analyse.pipeline import load_headcount

    if side != "employee" or set(cell) - {"unit"}:
        return None
    hc = load_headcount(demo.engagement)
    rows = hc[hc["wave"] == wave]
    return int((rows if not cell else rows[rows["unit"] == cell["unit"]])["invited"].sum())


def raw_steps(demo, side: str, wave: str, cell: dict) -> dict[str, tuple[int, float, float, float]]:
    """measure -> (n, mean, CI) straight from the clean rows: each respondent's mean POMP over the
    step's questions answered (an index: at least its `min_answered`), in the rows of `cell`; on the
    10-point grid (ties to the even ten) where the meta gives the step one; an employee cell the
    headcount counts has its half-width × √(1 − n/N), the finite-population correction. The customers
    are raked to `rake_to: Kundtyp` over the wave (params/demo.yaml; our own raking here): their mean is
    weighted and its t-interval on Kish's n_eff (statsmodels' DescrStatsW)."""
    population = invited(demo, side, wave, cell)
    clean = demo.customer if side == "customer" else demo.employee
    frame = clean.frame[clean.frame["wave"] == wave]
    weights = (raked_weights(frame, demo.engagement.customer.rake_to) if side == "customer"
               else pd.Series(1.0, index=frame.index))
    for column, group in cell.items():
        frame = frame[frame[column] == group]
    weights = weights[frame.index].to_numpy()
    scales = {q.id: (q.scale.min, q.scale.max) for q in clean.questions}
    scales |= {i.id: (clean.scales[i.id].min, clean.scales[i.id].max) for i in clean.items}
    out = {}
    for spec in demo.meta["scores"][side]:
        cols = np.column_stack([(frame[q].to_numpy(float) - scales[q][0]) / (scales[q][1] - scales[q][0]) * 100
                                for q in spec["questions"]])
        answered = np.isfinite(cols).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.nansum(cols, axis=1) / answered
        score = np.where(answered >= max(1, spec["min_answered"]), means, np.nan)
        if spec["grid"] is not None:
            score = np.array([round(round(x, 6) / spec["grid"]) * spec["grid"] if np.isfinite(x) else x
                              for x in score])  # Python's round: ties to the even ten
        ok = np.isfinite(score)
        if side == "customer":
            w = weights[ok]
            d = DescrStatsW(score[ok], weights=w * kish(w) / w.sum())
            low, high = d.tconfint_mean(0.05)
            out[spec["measure"]] = (int(ok.sum()), d.mean, low, high)
            continue
        m = mean_ci(score[ok])
        factor = np.sqrt(1 - m.n / population) if population else 1.0
        half = (m.ci_high - m.ci_low) / 2 * factor
        out[spec["measure"]] = (m.n, m.mean, m.mean - half, m.mean + half)
    return out


def check(table: pd.DataFrame, truth: dict) -> None:
    for r in table.itertuples():
        if r.suppressed:
            continue
        n, mean, low, high = truth[r.measure]
        assert r.n == n and r.mean == pytest.approx(mean, abs=1e-6)
        assert r.ci_low == pytest.approx(low, abs=1e-6) and r.ci_high == pytest.approx(high, abs=1e-6)


@pytest.mark.parametrize("kind", ["stage", "five_i", "touchpoint", "index"])
def test_steps_of_the_whole_company_equal_the_raw_rows(demo, kind):
    table = step_table(demo.views, Filters(wave="2026"), kind)
    assert len(table) and not table["suppressed"].any()
    for side in set(table["side"]):
        check(table[table["side"] == side], raw_steps(demo, side, "2026", {}))


@pytest.mark.parametrize("filters, cell", [
    (Filters(wave="2025", unit="Malmö Bulltofta"), {"unit": "Malmö Bulltofta"}),
    (Filters(wave="2026", employee_segment=("anstallningstid", "1–3 år")), {"anstallningstid": "1–3 år"}),
    (Filters(wave="2026", unit="Göteborg Hisingen", employee_segment=("kundkontakt", "Ja")),
     {"unit": "Göteborg Hisingen", "kundkontakt": "Ja"}),
])
def test_steps_follow_the_filters_and_equal_the_raw_rows(demo, filters, cell):
    for kind in ("stage", "five_i"):
        table = step_table(demo.views, filters, kind)
        check(table, raw_steps(demo, "employee", filters.wave, cell))
        assert (~table["suppressed"]).any()
    whole = step_table(demo.views, Filters(wave=filters.wave), "stage")
    assert not np.allclose(whole["mean"].to_numpy(float), step_table(demo.views, filters, "stage")["mean"].to_numpy(float))


def test_the_dashboard_steps_are_the_reports(demo):
    """Same definition as the report (`analyse.questions`, with the run's headcount): same n, mean and
    CI for the whole wave — the engagement index (41 possible scores) on the 10-point grid in both, a
    two-question stage exact."""
    from mirrorgap.analyse.pipeline import load_headcount

    grids = {s["measure"]: s["grid"] for s in demo.meta["scores"]["employee"]}
    assert grids["index:engagement"] == 10 and grids["stage:feedback"] is None
    eng, c, e = demo.engagement, demo.customer, demo.employee
    hc = load_headcount(eng)
    report = journey_measured_table(c, e, eng, wave="2026", headcount=hc)
    for kind, side in (("stage", "employee"), ("touchpoint", "customer")):
        ours = step_table(demo.views, Filters(wave="2026"), kind)
        theirs = report[report["side"] == side]
        assert ours["key"].tolist() == theirs["step"].tolist()
        assert ours["n"].astype(int).tolist() == theirs["n"].astype(int).tolist()
        np.testing.assert_allclose(ours[["mean", "ci_low", "ci_high"]].to_numpy(float),
                                   theirs[["mean", "ci_low", "ci_high"]].to_numpy(float), atol=1e-6)
    card = five_i_table(e, eng, wave="2026", headcount=hc)
    ours = step_table(demo.views, Filters(wave="2026"), "five_i")
    assert ours["key"].tolist() == card["i"].tolist()
    np.testing.assert_allclose(ours[["mean", "ci_low", "ci_high"]].to_numpy(float),
                               card[["mean", "ci_low", "ci_high"]].to_numpy(float), atol=1e-6)
    indices = index_table(c, e, eng, wave="2026", headcount=hc)
    totals = indices[indices["by"] == ""]
    ours = step_table(demo.views, Filters(wave="2026"), "index")
    np.testing.assert_allclose(ours[["mean", "ci_low", "ci_high"]].to_numpy(float),
                               totals[["mean", "ci_low", "ci_high"]].to_numpy(float), atol=1e-6)
    assert ours["n"].astype(int).tolist() == totals["n"].astype(int).tolist()


def test_the_report_index_groups_are_hidden_as_the_aggregates_hide_them(demo):
    """Point 3: the report's index per unit and segment shows a group exactly when the audited
    aggregates show the index measure for it (so differencing across the report's tables is what the
    attacker's audit of the aggregates covers)."""
    eng, c, e = demo.engagement, demo.customer, demo.employee
    indices = index_table(c, e, eng, wave="2026")
    groups = indices[(indices["side"] == "employee") & (indices["by"] != "")]
    assert groups["suppressed"].any() and (~groups["suppressed"]).any()
    for r in groups.itertuples():
        got = demo.views.measure_summary("employee", Filters(
            wave="2026", unit=r.group if r.by == "unit" else None,
            employee_segment=None if r.by == "unit" else (r.by, r.group)), f"index:{r.index}")
        assert (got is None) == bool(r.suppressed), (r.by, r.group)
        if got is not None:
            assert got[0] == r.n and got[1] == pytest.approx(r.mean, abs=1e-6)


def ledning(demo, wave="2026") -> pd.DataFrame:
    e = demo.employee.frame
    return e[(e["wave"] == wave) & (e["avdelning"] == "Ledning")]


def test_a_small_group_reads_too_few_answers_and_its_figures_appear_nowhere(demo):
    small = Filters(wave="2026", employee_segment=("avdelning", "Ledning"))
    assert 0 < len(ledning(demo)) < demo.engagement.analysis.min_n
    for kind in ("stage", "five_i"):
        table = step_table(demo.views, small, kind)
        assert table["suppressed"].all() and table["n"].isna().all() and table["mean"].isna().all()
    bar = FilterBar(demo.views)
    panel = SurveyPanel(demo.views)
    dlink((bar, "filters"), (panel, "filters"))
    bar.employee_segment = ("avdelning", "Ledning")
    panel.shown = True
    out = panel.body.value.split("Kundresan")[0]  # the employee sections (the customers' are not filtered)
    assert out.count("för få svar") >= 10  # 5 stages and 5 I's
    truth = raw_steps(demo, "employee", "2026", {"avdelning": "Ledning"})
    for measure, (n, mean, low, high) in truth.items():
        if n:
            assert f">{fmt_number(mean, 'sv')}<" not in out


def test_the_panel_draws_every_section_and_redraws_on_a_filter_change(demo):
    bar = FilterBar(demo.views)
    panel = SurveyPanel(demo.views)
    dlink((bar, "filters"), (panel, "filters"))
    panel.shown = True
    first = panel.body.value
    for heading in ("Medarbetarresan, steg för steg", "De 5 I:na", "Kundresan, kontaktpunkt för kontaktpunkt", "Index"):
        assert f">{html.escape(heading)}</h3>" in first
    for label in ("Introduktion", "Inspirera", "Telefon", "Engagemangsindex", "Lojalitetsindex"):
        assert f">{label}</td>" in first
    stage = panel.tables["stage"].iloc[0]
    assert f">{fmt_number(stage['mean'], 'sv')}</td>" in first
    renders = panel.renders
    bar.unit = "Malmö Bulltofta"
    assert panel.renders == renders + 1 and panel.body.value != first
    assert panel.title == "Hela enkäten"


@pytest.mark.parametrize("lang, title, heading", [("en", "Whole survey", "The 5 I&#x27;s scorecard"),
                                                  ("da", "Hele undersøgelsen", "De 5 I&#x27;er"),
                                                  ("nb", "Hele undersøkelsen", "De 5 I-ene")])
def test_the_panel_speaks_the_engagement_language(demo, lang, title, heading):
    views = AggregateViews(demo.counts, {**demo.meta, "language": lang})
    panel = SurveyPanel(views)
    panel.filters = Filters(wave="2026")
    panel.shown = True
    assert panel.title == title and heading in panel.body.value


def test_the_dashboard_has_the_whole_survey_tab(demo):
    dashboard = Dashboard.for_views(demo.views)
    assert isinstance(dashboard.panels[-1], SurveyPanel) and dashboard.tabs.titles[-1] == "Hela enkäten"
    assert dashboard.panels[-1].renders == 0  # drawn when its tab is opened
    dashboard.tabs.selected_index = len(dashboard.panels) - 1
    assert dashboard.panels[-1].renders == 1
