"""The client dashboard's widgets, without a browser: set a trait, the figures and tables change; small
groups read "too few answers" and their figures appear nowhere, not even by subtraction."""
import html
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from traitlets import dlink

from helpers import demo_aggregates, raked_weights
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.config.numbers import fmt_count, fmt_number
from mirrorgap.dashboard.board import Dashboard
from mirrorgap.dashboard.filters import ALL, FilterBar
from mirrorgap.dashboard.html import gap_table_html
from mirrorgap.dashboard.panels.item import ItemPanel
from mirrorgap.dashboard.panels.mirror import MirrorPanel
from mirrorgap.dashboard.panels.overview import OverviewPanel
from mirrorgap.dashboard.panels.survey import SurveyPanel
from mirrorgap.dashboard.panels.table import GapTablePanel
from mirrorgap.dashboard.panels.units import UnitPanel, unit_gap_table
from mirrorgap.dashboard.words import value_labels
from mirrorgap.render.charts.answers import answer_distribution_chart
from mirrorgap.render.charts.heatmap import cell_colours, colour_limit
from mirrorgap.render.heatmap_html import heatmap_html
from mirrorgap.render.words import unit_chart_texts

NBSP = "\u00a0"



@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


def views_in(demo, language: str) -> AggregateViews:
    return AggregateViews(demo.counts, {**demo.meta, "language": language})


def raw_pomp(clean, wave: str, rake_to: dict | None = None) -> pd.DataFrame:
    """Item scores on 0–100 of one wave, straight from the clean rows (the independent check), with
    each row's weight: raked to `rake_to` over the wave by our own raking (the demo's customers:
    `rake_to: Kundtyp`), else 1."""
    frame = clean.frame[clean.frame["wave"] == wave]
    out = frame[["unit", *[c for c in clean.segments if c in frame]]].copy()
    for item in clean.items:
        s = clean.scales[item.id]
        out[item.id] = (frame[item.id] - s.min) / (s.max - s.min) * 100
    out["nps"] = frame["nps"]
    out["weight"] = raked_weights(frame, rake_to) if rake_to else 1.0
    return out


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    return float(np.average(values[ok], weights=weights[ok]))


def wired(views, *panels_cls, **picks):
    """A filter bar linked to panels, the picks made before the panels are shown (drawn once)."""
    bar = FilterBar(views)
    panels = [cls(views) for cls in panels_cls]
    for panel in panels:
        dlink((bar, "filters"), (panel, "filters"))
    for name, value in picks.items():
        setattr(bar, name, value)
    for panel in panels:
        panel.shown = True
    return bar, panels


# ---------------------------------------------------------------------------------------------------
# the filter bar

def test_filter_bar_starts_on_the_latest_wave_with_everything_selected(demo):
    bar = FilterBar(demo.views)
    assert bar.wave == "2026" and bar.filters == Filters(wave="2026")
    assert [v for _, v in bar.controls["employee_segment"].options][:1] == [ALL]
    assert ("Avdelning: Ledning", ("avdelning", "Ledning")) in bar.controls["employee_segment"].options
    units = [v for _, v in bar.controls["unit"].options][1:]
    assert units == sorted(demo.customer.frame["unit"].unique())
    tenure = [g for (_, v) in bar.controls["employee_segment"].options if v and v[0] == "anstallningstid" for g in [v[1]]]
    assert tenure == demo.engagement.employee.tenure_order  # bands in the params' order, not alphabetical
    assert [lab for lab, _ in bar.controls["touchpoint"].options][:3] == ["Alla kontaktpunkter", "Bokning",
                                                                          "Reception / kundmottagning"]


def test_filter_traits_and_dropdowns_move_together(demo):
    bar = FilterBar(demo.views)
    bar.controls["unit"].value = "Malmö Bulltofta"
    assert bar.unit == "Malmö Bulltofta" and bar.filters.unit == "Malmö Bulltofta"
    bar.employee_segment = ("avdelning", "Verkstad")
    assert bar.controls["employee_segment"].value == ("avdelning", "Verkstad")
    assert bar.filters.cell("employee") == ("unit", "Malmö Bulltofta", "avdelning", "Verkstad")
    bar.controls["unit"].value = ALL  # "all" in the dropdown is None in the filters
    assert bar.unit is None and bar.filters.unit is None
    assert "Avdelning: Verkstad" in bar.summary.value and "Alla enheter" in bar.summary.value


# ---------------------------------------------------------------------------------------------------
# panels redraw when their trait changes, and only while shown

def test_a_hidden_panel_waits_until_it_is_shown(demo):
    bar = FilterBar(demo.views)
    panel = MirrorPanel(demo.views)
    dlink((bar, "filters"), (panel, "filters"))
    bar.wave = "2025"
    assert panel.renders == 0 and panel.chart.value == ""
    panel.shown = True
    assert panel.renders == 1 and '<figure class="mg-chart mg-chart-mirror"' in panel.chart.value
    panel.shown = False
    bar.wave = "2026"
    assert panel.renders == 1  # stale, not redrawn
    panel.shown = True
    assert panel.renders == 2


def test_changing_a_filter_changes_the_charts_and_the_numbers(demo):
    bar, (overview, mirror, table) = wired(demo.views, OverviewPanel, MirrorPanel, GapTablePanel)
    before = overview.cards.value, mirror.chart.value, table.table.value
    bar.unit = "Örebro Marieberg"
    after = overview.cards.value, mirror.chart.value, table.table.value
    assert all(a != b for a, b in zip(before, after))
    # the numbers are the views' numbers for that filter
    gaps = demo.views.gap_table(Filters(wave="2026", unit="Örebro Marieberg"))
    row = gaps.set_index("item").loc["extra_mile"]
    assert f">{fmt_number(row.gap, 'sv', signed=True)}<" in table.table.value
    nps = demo.views.nps_table(Filters(wave="2026", unit="Örebro Marieberg")).set_index("side")
    assert f">{fmt_number(nps.loc['customer', 'nps'], 'sv', signed=True)}<" in overview.cards.value


def test_touchpoint_filter_keeps_only_its_items(demo):
    bar, (table,) = wired(demo.views, GapTablePanel)
    bar.touchpoint = "workshop"
    rows = re.findall(r'<td class="mg-item">(.*?)</td>', table.table.value)
    assert rows == ["Kunnig personal", "Gör det lilla extra", "Rätt åtgärdat första gången"]


def test_overview_counts_respondents_and_loyalty_like_the_raw_rows(demo):
    bar, (overview,) = wired(demo.views, OverviewPanel)
    raw = raw_pomp(demo.customer, "2026", demo.engagement.customer.rake_to)
    expected = len(raw)  # every customer of the wave, as the report counts them
    assert demo.views.respondents("customer", Filters(wave="2026")) == expected
    assert f">{fmt_count(expected, 'sv')}<" in overview.cards.value
    employees = demo.employee.frame
    for dept in ("Försäljning", "Ledning"):
        n = ((employees["wave"] == "2026") & (employees["avdelning"] == dept)).sum()
        got = demo.views.respondents("employee", Filters(wave="2026", employee_segment=("avdelning", dept)))
        assert got == n if n >= 5 else np.isnan(got)  # Ledning (3–4 people): not even its headcount
    # NPS by hand: promoters 9–10, detractors 0–6, weighted (the customers are raked to Kundtyp)
    scores, w = raw["nps"].dropna(), raw.loc[raw["nps"].notna(), "weight"]
    nps = 100 * (w[scores >= 9].sum() - w[scores <= 6].sum()) / w.sum()
    assert f">{fmt_number(nps, 'sv', signed=True)}<" in overview.cards.value
    assert "Blinda fläckar" in overview.findings.value and "”Gör det lilla extra”" in overview.findings.value
    assert bytes(overview.image.value).startswith(b"\x89PNG")


# ---------------------------------------------------------------------------------------------------
# anonymity: Ledning (3–4 employees per wave, min_n 5)

def ledning_truth(demo, wave="2026") -> dict:
    raw = raw_pomp(demo.employee, wave)
    small = raw[raw["avdelning"] == "Ledning"]
    assert 0 < len(small) < demo.engagement.analysis.min_n
    items = [i.id for i in demo.employee.items]
    nps = small["nps"].dropna()
    return {"n": len(small), "means": small[items].mean(), "enps": 100 * ((nps >= 9).mean() - (nps <= 6).mean())}


def employee_cells(table_html: str) -> list[str]:
    return [re.sub("<[^>]+>", "|", c) for c in re.findall(r"<tr class=[^>]*>(?:<td.*?</td>){3}(<td.*?</td>)", table_html)]


def test_the_small_department_reads_too_few_answers_everywhere(demo):
    bar, (overview, table, item) = wired(demo.views, OverviewPanel, GapTablePanel, ItemPanel,
                                         employee_segment=("avdelning", "Ledning"))
    cells = employee_cells(table.table.value)
    assert len(cells) == 11 and all("för få svar" in c for c in cells)
    assert "Medarbetarnas eNPS</div><div class=\"mg-kpi-value mg-too-few\">för få svar" in overview.cards.value
    assert "Medarbetarnas resultat visas inte för det här urvalet" in overview.cards.value
    assert (item.dist["side"] == "employee").sum() == 0
    assert "<b>Medarbetare</b>: <span class=\"mg-too-few\">för få svar</span>" in item.stats.value


def test_the_small_departments_true_figures_appear_nowhere(demo):
    truth = ledning_truth(demo)
    bar, panels = wired(demo.views, OverviewPanel, MirrorPanel, GapTablePanel, UnitPanel, ItemPanel,
                        employee_segment=("avdelning", "Ledning"))
    overview, _, table, units, item = panels
    shown = " ".join([overview.cards.value, overview.findings.value, table.table.value, units.note.value,
                      units.heatmap.value, item.stats.value, panels[1].chart.value, item.chart.value])
    assert f"n{NBSP}={NBSP}{truth['n']}<" not in shown and f"n = {truth['n']}" not in shown
    assert fmt_number(truth["enps"], "sv", signed=True) not in overview.cards.value
    for cell, mean in zip(employee_cells(table.table.value), truth["means"]):
        assert fmt_number(mean, "sv") not in cell
    assert units.table[units.table["group"].notna()]["suppressed"].all()  # every unit × Ledning cell hidden
    assert "mg-hm-cell" not in units.heatmap.value  # no gap in the heatmap either, not even the overall one
    assert units.heatmap.value.count("för få svar") == len(units.table) + len(demo.views.items) + 1  # + legend
    assert overview.gaps["employee_mean"].isna().all() and np.isnan(overview.nps.set_index("side").loc["employee", "nps"])


def test_ledning_cannot_be_worked_out_from_the_other_departments(demo):
    """An attacker sees the total and every department the dashboard shows; with one department
    hidden, total − shown would give it away. Per item and for eNPS, none or at least two are hidden."""
    views = demo.views
    departments = views.meta["groups"]["employee"]["avdelning"]
    for wave in views.waves():
        tables = {d: views.gap_table(Filters(wave=wave, employee_segment=("avdelning", d))) for d in departments}
        for k in range(len(views.items)):
            hidden = [d for d in departments if np.isnan(tables[d]["employee_mean"].iloc[k])]
            assert len(hidden) != 1, (wave, k, hidden)
        enps_hidden = [d for d in departments
                       if np.isnan(views.nps_table(Filters(wave=wave, employee_segment=("avdelning", d)))
                                   .set_index("side").loc["employee", "nps"])]
        assert "Ledning" in enps_hidden and len(enps_hidden) >= 2


# ---------------------------------------------------------------------------------------------------
# units and items, checked against the raw rows

def test_unit_heatmap_gaps_equal_the_raw_rows(demo):
    table = unit_gap_table(demo.views, Filters(wave="2026"))
    units = sorted(demo.employee.frame["unit"].unique())
    assert list(dict.fromkeys(table["group"])) == units and len(table) == len(units) * 11
    c, e = raw_pomp(demo.customer, "2026", demo.engagement.customer.rake_to), raw_pomp(demo.employee, "2026")
    for unit in ("Malmö Bulltofta", "Uppsala Boländerna"):  # extra_mile is hidden in three other units (2026)
        for item in ("extra_mile", "competence"):
            here = c[c["unit"] == unit]  # the customers' mean weighted by the wave's raked weights
            expected = e.loc[e["unit"] == unit, item].mean() - weighted_mean(here[item], here["weight"])
            got = table[(table["group"] == unit) & (table["item"] == item)]["gap"].item()
            assert got == pytest.approx(expected, abs=1e-9)


def test_unit_panel_ignores_the_unit_filter_and_says_so(demo):
    bar, (units,) = wired(demo.views, UnitPanel)
    assert units.note.value == "" and units.heatmap.value.count("<tr>") == 1 + len(demo.views.items)
    before = units.heatmap.value
    bar.unit = "Malmö Bulltofta"
    assert "Här visas alla enheter" in units.note.value and units.heatmap.value == before


def test_unit_heatmap_html_shows_every_gap_as_the_table_has_it(demo):
    table = unit_gap_table(demo.views, Filters(wave="2026"))
    overall = demo.views.gap_table(Filters(wave="2026"))
    texts = {**unit_chart_texts("sv"), "too_few": "för få svar"}
    out = heatmap_html(table.assign(label=table["label"].where(table["item"] != "competence", "<b>x</b>")),
                       overall, texts, language="sv")
    body = out[out.index("<tbody>"):]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    assert len(rows) == len(demo.views.items) and "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    limit = colour_limit(pd.concat([table.loc[~table["suppressed"], "gap"], overall["gap"]]))
    units = list(dict.fromkeys(table["group"]))
    for row, item in zip(rows, [i.id for i in demo.views.items]):
        cells = re.findall(r"<td class=\"([^\"]*)\"(?: style=\"([^\"]*)\")?>(.*?)</td>", row)
        cells = [c for c in cells if "mg-hm-gutter" not in c[0]]
        assert len(cells) == 1 + len(units)
        expected = [overall.set_index("item").loc[item]] + [
            table[(table["group"] == u) & (table["item"] == item)].iloc[0] for u in units]
        for (css, style, text), want in zip(cells, expected):
            if bool(want.get("suppressed", False)):  # hidden by the anonymity audit
                assert css == "mg-hm-hidden" and text == "för få svar"
                continue
            assert text == fmt_number(want["gap"], "sv", signed=True)
            fill, ink = cell_colours([want["gap"]], limit)
            assert f"background:{to_hex(fill[0])};color:{ink[0]}" in style
            bold = want["gap_ci_low"] > 0 or want["gap_ci_high"] < 0
            assert ("font-weight:700" in style) == bool(bold)


def test_unit_heatmap_html_hides_suppressed_cells(demo):
    table = unit_gap_table(demo.views, Filters(wave="2026"))
    hidden = table.index[:3]
    table.loc[hidden, "suppressed"] = True
    out = heatmap_html(table, demo.views.gap_table(Filters(wave="2026")),
                       {**unit_chart_texts("sv"), "too_few": "för få svar"}, language="sv")
    assert out.count('<td class="mg-hm-hidden">för få svar</td>') == table["suppressed"].sum() >= 3
    assert "mg-hm-hatch" in out  # the legend explains the hatching


def test_item_panel_shows_both_distributions_with_agree_labels(demo):
    bar, (item,) = wired(demo.views, ItemPanel)
    first = item.chart.value
    item.picker.value = "staff_stressed"
    assert item.item == "staff_stressed" and item.chart.value != first
    # the demo's customers are raked to Kundtyp per wave: each answer's share is its Σw over Σw
    rows = demo.customer.frame[demo.customer.frame["wave"] == "2026"]
    w = raked_weights(rows, demo.engagement.customer.rake_to)
    answered = rows["staff_stressed"].notna()
    sums = w[answered].groupby(rows.loc[answered, "staff_stressed"]).sum().sort_index()
    got = item.dist[item.dist["side"] == "customer"].set_index("value")["share"]
    pd.testing.assert_series_equal(got, sums / sums.sum() * 100, check_names=False, check_index_type=False)
    assert "Negativt formulerad" in item.stats.value
    labels = value_labels(next(i for i in demo.views.items if i.id == "staff_stressed"), "customer", "sv")
    assert labels[5.0] == "Instämmer inte alls" and labels[1.0] == "Instämmer helt"  # turned item: answer given
    assert value_labels(demo.views.items[0], "customer", "sv")[5.0] == "Instämmer helt"


def test_distribution_chart_draws_one_bar_per_answer_and_notes_a_hidden_side():
    dist = pd.DataFrame({"side": ["customer"] * 3, "value": [3.0, 4.0, 5.0], "share": [20.0, 50.0, 30.0]})
    ax = answer_distribution_chart(dist, labels={float(v): f"v{v}" for v in range(1, 6)},
                                   texts={"employee": "Medarbetare", "too_few": "för få svar"})
    assert len(ax.patches) == 5  # every scale value has a row, unanswered ones a zero bar
    assert [t.get_text() for t in ax.get_yticklabels()] == ["v5", "v4", "v3", "v2", "v1"]
    assert "Medarbetare: för få svar" in [t.get_text() for t in ax.get_legend().get_texts()]


# ---------------------------------------------------------------------------------------------------
# languages, safety of the HTML, the assembled dashboard

@pytest.mark.parametrize("lang, tab, too_few, gap", [("en", "Overview", "too few answers", "Gap"),
                                                     ("da", "Oversigt", "for få svar", "Gab"),
                                                     ("nb", "Oversikt", "for få svar", "Gap")])
def test_every_text_is_in_the_engagement_language(demo, lang, tab, too_few, gap):
    views = views_in(demo, lang)
    bar, panels = wired(views, OverviewPanel, GapTablePanel, employee_segment=("avdelning", "Ledning"))
    dashboard = Dashboard(bar, panels)
    assert dashboard.tabs.titles[0] == tab
    assert too_few in panels[1].table.value and f"<th class=\"mg-num\">{gap}</th>" in panels[1].table.value
    assert "för få svar" not in panels[1].table.value or lang == "sv"


def test_gap_table_html_escapes_labels(demo):
    gaps = demo.views.gap_table(Filters(wave="2026")).head(1).assign(label="<script>alert(1)</script>")
    out = gap_table_html(gaps, "sv")
    assert "<script>" not in out and html.escape("<script>") in out


def test_dashboard_draws_only_the_open_tab(demo):
    bar = FilterBar(demo.views)
    panels = [cls(demo.views) for cls in (OverviewPanel, MirrorPanel, GapTablePanel, UnitPanel, ItemPanel)]
    for panel in panels:
        dlink((bar, "filters"), (panel, "filters"))
    assert [p.renders for p in panels] == [0, 0, 0, 0, 0]  # nothing drawn before the dashboard shows a tab
    dashboard = Dashboard(bar, panels)
    assert [p.shown for p in panels] == [True, False, False, False, False]
    assert [p.renders for p in panels] == [1, 0, 0, 0, 0]
    bar.wave = "2025"
    assert [p.renders for p in panels] == [2, 0, 0, 0, 0]
    dashboard.tabs.selected_index = 3
    assert panels[3].shown and panels[3].renders == 1 and not panels[0].shown
    assert replace(bar.filters, wave="2026") != bar.filters


def test_for_views_builds_the_five_panels_linked_to_the_bar_and_hands_them_new_views(demo):
    from traitlets import Any, HasTraits

    class Source(HasTraits):  # what the explorer is to the dashboard: a `views` trait that changes
        views = Any()

    dashboard = Dashboard.for_views(demo.views)
    panels = dashboard.panels
    assert [type(p) for p in panels] == [OverviewPanel, MirrorPanel, GapTablePanel, UnitPanel, ItemPanel, SurveyPanel]
    assert all(p.filters == dashboard.bar.filters for p in panels) and [p.renders for p in panels] == [1, 0, 0, 0, 0, 0]
    dashboard.bar.unit = "Malmö Bulltofta"
    assert all(p.filters.unit == "Malmö Bulltofta" for p in panels) and panels[0].renders == 2
    source = Source(views=demo.views)
    dlink((source, "views"), (dashboard, "views"))
    assert panels[0].renders == 2  # the same views: nothing redrawn
    english = views_in(demo, "en")
    source.views = english
    assert all(p.views is english for p in panels)
    assert [p.renders for p in panels] == [3, 0, 0, 0, 0, 0]  # only the open tab redraws
    assert "Customers answered" in panels[0].cards.value


def test_a_suppressed_selection_shows_too_few_answers_not_zero_blind_spots(demo):
    bar, (overview,) = wired(demo.views, OverviewPanel, employee_segment=("avdelning", "Ledning"))
    assert overview.gaps["classification"].eq("suppressed").all()
    cards = re.findall(r'<div class="mg-kpi mg-kpi-(blind_spot|hidden_strength)">(.*?)</div></div>',
                       overview.cards.value)
    assert len(cards) == 2
    for _, card in cards:
        assert "för få svar" in card.lower() and 'class="mg-kpi-value">0<' not in card
