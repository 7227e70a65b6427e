"""The dashboard's HTML charts (mirrorgap.render.html_charts): what they draw is the panel's data,
read back from the markup (dot and interval positions, bar lengths, printed numbers and labels);
hidden sides say "too few answers" and draw nothing; every text is escaped; numbers are written the
language's way; every row says its numbers in words. How they look in a browser at 390 px and at
desktop width: tests/test_scope_browser.py and tests/test_dashboard_browser.py."""
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from helpers import demo_aggregates
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.config.numbers import fmt_number
from mirrorgap.dashboard.panels.item import ItemPanel
from mirrorgap.dashboard.panels.mirror import MirrorPanel
from mirrorgap.render.charts.answers import share_axis_max
from mirrorgap.render.charts.rows import ordered
from mirrorgap.render.html_charts.answers import answer_chart_html
from mirrorgap.render.html_charts.mirror import mirror_chart_html
from mirrorgap.render.html_charts.parts import CHART_CSS
from mirrorgap.render.words import chart_texts

NBSP = "\u00a0"
EVIL = '<script>alert("x")</script> Ek & Co'


@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


def parse(chart: str) -> ET.Element:
    """The chart as an element tree (it is well-formed: every text escaped, every element closed)."""
    return ET.fromstring(f"<root>{chart}</root>")


def text(el: ET.Element) -> str:
    return "".join(el.itertext())


def by_class(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if css in (e.get("class") or "").split()]


def percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def sv_texts(gaps_title="Spegeln"):
    return {**chart_texts("sv"), "title": gaps_title, "too_few": "för få svar", "table_ci": "95 % KI",
            "ci_range": "{low} till {high}"}


# ---------------------------------------------------------------------------------------------------
# the mirror chart

def test_mirror_chart_draws_the_panels_gap_table(demo):
    panel = MirrorPanel(demo.views, shown=True)
    panel.filters = Filters(wave="2026", unit="Malmö Bulltofta")
    gaps = ordered(panel.gaps, "gap")
    root = parse(panel.chart.value)
    rows = by_class(root, "mg-mc-row")
    assert [r.get("data-item") for r in rows] == gaps["item"].tolist()  # largest blind spot first
    for row, want in zip(rows, gaps.to_dict("records")):
        label = by_class(row, "mg-chart-label")[0]
        assert label.text == want["label"]
        assert row.get("data-class") == want["classification"]
        for side in ("customer", "employee"):
            dot = [c for c in row.iter("circle") if c.get("data-side") == side]
            assert len(dot) == 1 and percent(dot[0].get("cx")) == pytest.approx(want[f"{side}_mean"], abs=0.006)
            ci = [e for e in by_class(row, "mg-mc-ci") if e.get("data-side") == side][0]
            assert percent(ci.get("x1")) == pytest.approx(want[f"{side}_ci_low"], abs=0.006)
            assert percent(ci.get("x2")) == pytest.approx(want[f"{side}_ci_high"], abs=0.006)
        value = by_class(row, "mg-mc-value")[0]
        assert value.text == fmt_number(want["gap"], "sv", signed=True)
        assert float(value.get("data-gap")) == pytest.approx(want["gap"], abs=1e-4)
        connector = by_class(row, "mg-mc-gap")[0]
        assert sorted(percent(connector.get(k)) for k in ("x1", "x2")) == pytest.approx(
            sorted([want["customer_mean"], want["employee_mean"]]), abs=0.006)
        # the classification in words, not by colour alone
        loud = want["classification"] in ("blind_spot", "hidden_strength")
        names = {"blind_spot": "Blind fläck", "hidden_strength": "Dold styrka"}
        assert (names.get(want["classification"]) in text(label)) if loud else ("Blind" not in text(label))
    assert {r.get("data-class") for r in rows} >= {"blind_spot", "aligned"}


def test_mirror_chart_rows_say_their_numbers_in_words_with_decimal_commas(demo):
    gaps = demo.views.gap_table(Filters(wave="2026"))
    extra = gaps.set_index("item").loc["extra_mile"]
    for language, mark in (("sv", ","), ("da", ","), ("nb", ","), ("en", ".")):
        views = AggregateViews(demo.counts, {**demo.meta, "language": language})
        panel = MirrorPanel(views, shown=True)
        panel.filters = Filters(wave="2026")
        root = parse(panel.chart.value)
        assert root.find("figure").get("aria-label") == chart_texts(language)["mirror_title"]
        row = next(r for r in by_class(root, "mg-mc-row") if r.get("data-item") == "extra_mile")
        sentence = row.get("aria-label")
        assert row.get("role") == "img" and row.find(".//title").text == sentence
        for number in (extra.customer_mean, extra.employee_mean, extra.customer_ci_low, extra.gap):
            assert fmt_number(number, language, decimals=1, signed=number == extra.gap) in sentence
        assert f"{round(extra.customer_mean, 1):.1f}".replace(".", mark) in sentence
        assert chart_texts(language)["blind_spot"] in sentence
        ticks = [t.text for t in by_class(root, "mg-chart-tick")]
        assert ticks == ["0", "20", "40", "60", "80", "100"]


def test_mirror_chart_hides_a_small_groups_side_in_words(demo):
    panel = MirrorPanel(demo.views, shown=True)
    panel.filters = Filters(wave="2026", employee_segment=("avdelning", "Ledning"))
    assert panel.gaps["employee_mean"].isna().all()
    root = parse(panel.chart.value)
    rows = by_class(root, "mg-mc-row")
    assert len(rows) == len(demo.views.items)
    assert not [e for e in root.iter() if e.get("data-side") == "employee"]  # no dot, no interval
    assert not by_class(root, "mg-mc-gap") and not [e for e in root.iter() if e.get("data-gap")]
    for row in rows:
        assert text(by_class(row, "mg-mc-few")[0]) == "Medarbetare: för få svar"
        assert "Medarbetare: för få svar" in row.get("aria-label")
        assert by_class(row, "mg-mc-value")[0].text == "–"
        assert len([c for c in row.iter("circle") if c.get("data-side") == "customer"]) == 1


def test_mirror_chart_escapes_labels_from_the_clients_files(demo):
    gaps = demo.views.gap_table(Filters(wave="2026")).assign(label=EVIL)
    chart = mirror_chart_html(gaps, language="sv", texts=sv_texts(gaps_title=EVIL), threshold=5)
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "Ek &amp; Co" in chart
    root = parse(chart)
    assert root.find("figure/figcaption").text == EVIL and root.find("figure").get("aria-label") == EVIL
    assert {by_class(r, "mg-chart-label")[0].text for r in by_class(root, "mg-mc-row")} == {EVIL}
    assert all(r.get("aria-label").startswith(EVIL) for r in by_class(root, "mg-mc-row"))
    assert not root.findall(".//script")


def test_mirror_chart_notes_the_threshold_and_lists_only_classes_present(demo):
    gaps = demo.views.gap_table(Filters(wave="2026"))
    aligned = gaps.assign(classification="aligned")
    root = parse(mirror_chart_html(aligned, language="sv", texts=sv_texts(), threshold=5))
    legend = [text(k) for k in by_class(root, "mg-chart-key")]
    assert legend == ["Kunder", "Medarbetare", "Samstämmigt"]
    assert text(by_class(root, "mg-chart-note")[0]) == "Blind fläck / dold styrka: ett signifikant gap på minst 5 poäng."
    assert not by_class(parse(mirror_chart_html(aligned, language="sv", texts=sv_texts())), "mg-chart-note")


# ---------------------------------------------------------------------------------------------------
# the answer distribution chart (item by item)

def test_item_chart_draws_the_panels_distributions(demo):
    panel = ItemPanel(demo.views, shown=True)
    panel.filters = Filters(wave="2026")
    panel.item = "staff_stressed"
    dist = panel.dist
    top = share_axis_max(dist)
    root = parse(panel.chart.value)
    rows = by_class(root, "mg-ad-row")
    labels = [by_class(r, "mg-chart-label")[0].text for r in rows]
    assert labels == ["Instämmer inte alls", "Instämmer inte", "Varken eller", "Instämmer", "Instämmer helt"]
    values = [5.0, 4.0, 3.0, 2.0, 1.0]  # turned item: the best score (5) is the answer "Instämmer inte alls"
    for side in ("customer", "employee"):
        want = dist[dist["side"] == side].set_index("value")["share"].reindex(values).fillna(0.0)
        bars = [[b for b in r.iter("rect") if b.get("data-side") == side][0] for r in rows]
        assert [percent(b.get("width")) * top / 100 for b in bars] == pytest.approx(want.tolist(), abs=0.01)
        assert [float(b.get("data-value")) for b in bars] == pytest.approx(want.tolist(), abs=1e-4)
    shares = [s.text for s in by_class(rows[1], "mg-ad-share")]
    want = dist.set_index(["side", "value"])["share"]
    assert shares == [f"{fmt_number(want[(s, 4.0)], 'sv')}{NBSP}%" for s in ("customer", "employee")]
    assert [t.text for t in by_class(root, "mg-chart-tick")][-1] == fmt_number(top, "sv")
    assert rows[0].get("role") == "img" and rows[0].get("aria-label").startswith("Instämmer inte alls: Kunder ")


def test_item_chart_with_a_hidden_side_draws_only_the_other(demo):
    panel = ItemPanel(demo.views, shown=True)
    panel.filters = Filters(wave="2026", employee_segment=("avdelning", "Ledning"))
    root = parse(panel.chart.value)
    assert not [e for e in root.iter() if e.get("data-side") == "employee"]
    assert len([e for e in root.iter("rect") if e.get("data-side") == "customer"]) == 5
    assert "Medarbetare: för få svar" in [text(k) for k in by_class(root, "mg-chart-key")]


def test_item_chart_escapes_labels_and_writes_numbers_the_languages_way():
    dist = pd.DataFrame({"side": ["customer", "customer", "employee"], "value": [1.0, 2.0, 2.0],
                         "share": [37.5, 62.5, 100.0]})
    chart = answer_chart_html(dist, language="da", labels={1.0: EVIL, 2.0: "Ja & nej"},
                              texts={"title": EVIL, "customer": "Kunder", "employee": "Medarbejdere"})
    assert "<script>" not in chart and "Ja &amp; nej" in chart
    root = parse(chart)
    assert [by_class(r, "mg-chart-label")[0].text for r in by_class(root, "mg-ad-row")] == ["Ja & nej", EVIL]
    assert root.find("figure/figcaption").text == EVIL
    shares = [s.text for s in by_class(root, "mg-ad-share")]
    assert shares == [f"{fmt_number(62.5, 'da')}{NBSP}%", f"100{NBSP}%", f"{fmt_number(37.5, 'da')}{NBSP}%", f"0{NBSP}%"]
    assert [t.text for t in by_class(root, "mg-chart-tick")] == ["0", "20", "40", "60", "80", "100"]  # axis to 110
    whole = [b for b in root.iter("rect") if b.get("data-side") == "employee"][0]
    assert percent(whole.get("width")) == pytest.approx(100 * 100 / 110, abs=0.006)


def test_chart_text_is_never_under_12_css_px():
    """The phone's smallest text on the dashboard is 12 px (tests/test_scope_browser.py checks it in a
    browser); the charts' sheet sets no size under it, at any width."""
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", CHART_CSS)]
    assert sizes and min(sizes) >= 12
