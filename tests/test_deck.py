"""deck.pptx: native, editable charts whose figures equal the run's tables; Swedish for the demo;
suppressed employee figures nowhere in the file; branding through the theme; LibreOffice renders it."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE

from helpers import demo_results
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.deliver.deck.build import write_deck
from mirrorgap.deliver.deck.charts.labels import place_labels, wrap_label
from mirrorgap.render.findings import item_findings
from mirrorgap.render.style import HOUSE_COLORS


@pytest.fixture(scope="module")
def demo():
    return demo_results()


@pytest.fixture(scope="module")
def deck(demo, tmp_path_factory):
    path = write_deck(demo, tmp_path_factory.mktemp("deck") / "deck.pptx", run_id="20260101-120000")
    return Presentation(str(path)), path


@pytest.fixture(scope="module")
def hidden():
    """The demo with min_n 121: the employee figures of the items with 114–120 answers are suppressed."""
    return demo_results(min_n=121)


@pytest.fixture(scope="module")
def hidden_deck(hidden, tmp_path_factory):
    path = write_deck(hidden, tmp_path_factory.mktemp("deck") / "deck.pptx", run_id="x")
    return Presentation(str(path)), path


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _chart_on(prs, title: str):
    slides = [s for s in prs.slides if _title(s) == title]
    assert slides, f"no slide titled {title!r}: {[_title(s) for s in prs.slides]}"
    charts = [sh.chart for sh in slides[0].shapes if sh.has_chart]
    assert charts, f"the slide {title!r} has no native chart"
    return charts


def _all_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def test_titles_are_swedish_for_the_demo(deck):
    prs, _ = deck
    titles = [_title(s) for s in prs.slides]
    assert titles[0] == "Bilgruppen Norden AB (demo)"
    for expected in ("Sammanfattning", "Kundernas NPS och medarbetarnas eNPS",
                     "Hur kunder och medarbetare ser på samma saker", "Gap per fråga: medarbetare − kunder",
                     "Var vi bör agera: betydelse för lojaliteten mot kundernas betyg",
                     "Vad som har förändrats mellan vågorna", "Metod och dataunderlag"):
        assert expected in titles
    assert "Rapport om perceptionsgap" in _all_text(prs.slides[0])


def test_charts_are_native_never_pictures(deck):
    prs, _ = deck
    charts = [sh for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 9
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert pictures == []  # the demo has no logo, and no chart is an image
    for shape in charts:  # each chart carries its data in an embedded workbook (PowerPoint's "Edit data")
        assert shape.chart.part.chart_workbook.xlsx_part is not None


def test_mirror_chart_holds_the_gap_table(deck, demo):
    prs, _ = deck
    (chart,) = _chart_on(prs, "Hur kunder och medarbetare ser på samma saker")
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    expected = demo.gaps.sort_values("gap", ascending=False)
    assert list(chart.plots[0].categories) == expected["label"].tolist()
    customers, employees = chart.plots[0].series
    assert customers.name == "Kunder" and employees.name == "Medarbetare"
    np.testing.assert_allclose(customers.values, expected["customer_mean"], rtol=1e-12)
    np.testing.assert_allclose(employees.values, expected["employee_mean"], rtol=1e-12)


def test_gap_chart_values_and_classification_colours(deck, demo):
    prs, _ = deck
    (chart,) = _chart_on(prs, "Gap per fråga: medarbetare − kunder")
    expected = demo.gaps.sort_values("gap", ascending=False).reset_index(drop=True)
    assert list(chart.plots[0].categories) == expected["label"].tolist()
    series = chart.plots[0].series[0]
    np.testing.assert_allclose(series.values, expected["gap"], rtol=1e-12)
    colours = [str(series.points[i].format.fill.fore_color.rgb) for i in range(len(expected))]
    assert colours == [HOUSE_COLORS[c].lstrip("#").upper() for c in expected["classification"]]
    assert colours[0] == HOUSE_COLORS["blind_spot"].lstrip("#")  # extra_mile, the planted blind spot
    assert colours[-1] == HOUSE_COLORS["hidden_strength"].lstrip("#")  # competence, the hidden strength


def test_nps_chart_is_a_100_percent_stack_of_the_nps_table(deck, demo):
    prs, _ = deck
    (chart,) = _chart_on(prs, "Kundernas NPS och medarbetarnas eNPS")
    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED_100
    assert list(chart.plots[0].categories) == demo.nps["label"].tolist()
    names = [s.name for s in chart.plots[0].series]
    assert names == ["Kritiker", "Passiva", "Promotorer"]
    for series, column in zip(chart.plots[0].series, ("detractor_share", "passive_share", "promoter_share")):
        np.testing.assert_allclose(series.values, 100 * demo.nps[column], rtol=1e-12)


def test_priority_matrix_is_a_labelled_scatter(deck, demo):
    prs, _ = deck
    (chart,) = _chart_on(prs, "Var vi bör agera: betydelse för lojaliteten mot kundernas betyg")
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    priority = demo.tables["priority"]
    by_name = {s.name: s for s in chart.plots[0].series}
    for cls, name in (("blind_spot", "Blind fläck"), ("hidden_strength", "Dold styrka"), ("aligned", "Samstämmigt")):
        series = by_name[name]
        ys = series.values
        members = priority["classification"].eq(cls).to_numpy()
        np.testing.assert_allclose([y for y, m in zip(ys, members) if m], priority.loc[members, "importance"])
        assert all(y is None for y, m in zip(ys, members) if not m)
        xml = series._element.xml
        for label in priority.loc[members, "label"]:  # each point carries its item's label
            assert all(part in xml for part in label.split(" ")), label
    assert {"Genomsnitt", "Kvadranter"} <= set(by_name)


def test_trend_chart_shows_the_change_between_waves(deck, demo):
    prs, _ = deck
    (chart,) = _chart_on(prs, "Vad som har förändrats mellan vågorna")
    trends = demo.tables["trends"]
    change = trends[(trends["kind"] == "item_change")].pivot(index="label", columns="side", values="change")
    categories = list(chart.plots[0].categories)
    customers, employees = chart.plots[0].series
    np.testing.assert_allclose(customers.values, change.loc[categories, "customer"])
    np.testing.assert_allclose(employees.values, change.loc[categories, "employee"])
    assert categories[0] in ("Uppföljning efter besöket", "Lätt att boka tid")  # the planted improvements


def test_summary_and_method_in_words(deck, demo):
    prs, _ = deck
    summary = next(s for s in prs.slides if _title(s) == "Sammanfattning")
    text = _all_text(summary)
    found = item_findings(demo.gaps, "sv")
    for sentence in found["blind_spot"] + found["hidden_strength"]:
        assert sentence in text
    assert "Blinda fläckar" in text and "Dolda styrkor" in text
    method = _all_text(next(s for s in prs.slides if _title(s) == "Metod och dataunderlag"))
    assert "Welchs t-test" in method and "färre än 5" in method and "Datakvalitet" in method


def test_gap_slide_notes_carry_the_confidence_intervals(deck):
    prs, _ = deck
    slide = next(s for s in prs.slides if _title(s) == "Gap per fråga: medarbetare − kunder")
    notes = slide.notes_slide.notes_text_frame.text
    # customers raked to Kundtyp, employees with the demo headcount's FPC (+16 … +23 without it);
    # unweighted customers gave +20 (+18 … +22)
    assert "Gör det lilla extra: +19 (95 % KI +17 … +22)" in notes


def test_suppressed_employee_figures_never_reach_the_deck(hidden_deck, hidden):
    prs, path = hidden_deck
    gaps = hidden.gaps
    hidden_items = gaps[gaps["classification"] == "suppressed"]
    employees = in_wave(hidden.employee, hidden.wave).frame  # the hidden items' n is not published: count here
    assert set(hidden_items["item"]) == {i for i in gaps["item"] if employees[i].notna().sum() < 121}
    assert hidden_items["employee_n"].isna().all()
    assert 5 <= len(hidden_items) < len(gaps)
    (chart,) = _chart_on(prs, "Hur kunder och medarbetare ser på samma saker")
    categories = list(chart.plots[0].categories)
    employees = chart.plots[0].series[1].values
    for label in hidden_items["label"]:
        k = categories.index(f"{label} (medarbetare: för få svar)")
        assert employees[k] is None
    # the true employee means of the hidden items, computed from the raw answers, appear in no part of
    # the file: not in chart XML, not in the embedded workbooks
    eng = hidden.engagement
    e = in_wave(load_side(eng, "employee"), hidden.wave)
    truth = [e.pomp()[item].mean() for item in hidden_items["item"]]
    assert all(np.isfinite(truth)) and all(abs(v * 8 - round(v * 8)) > 1e-6 for v in truth)  # identify their cell
    blobs = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".xlsx"):
                wb = load_workbook(BytesIO(data), data_only=True)
                blobs += [float(c.value) for ws in wb for row in ws.iter_rows() for c in row
                          if isinstance(c.value, (int, float))]
            elif name.endswith(".xml"):
                blobs += [float(v) for v in re.findall(rb"<c:v>(-?[0-9.eE+-]+)</c:v>", data)]
    for value in truth:
        assert not any(abs(v - value) < 1e-6 for v in blobs), value


def test_unavailable_tables_leave_out_their_slides(tmp_path):
    bare = demo_results()
    bare.tables = {}
    prs = Presentation(str(write_deck(bare, tmp_path / "deck.pptx", run_id="r")))
    assert len(prs.slides) == 6  # title, summary, NPS, mirror, gaps, method


def test_branding_goes_into_the_theme_and_the_logo_onto_the_slides(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 80), (18, 52, 86)).save(logo)
    r = demo_results()
    r.tables = {}
    eng = r.engagement
    r.engagement = eng.model_copy(update={"branding": eng.branding.model_copy(update={
        "consultancy": "Fjord & Partners", "primary_color": "#123456", "accent_color": "#ABCDEF",
        "font": "Liberation Sans", "logo": str(logo)})})
    path = write_deck(r, tmp_path / "deck.pptx", run_id="r")
    with zipfile.ZipFile(path) as z:
        theme = z.read("ppt/theme/theme1.xml").decode()
    assert re.search(r'<a:accent1>\s*<a:srgbClr val="123456"/>', theme)
    assert re.search(r'<a:accent2>\s*<a:srgbClr val="ABCDEF"/>', theme)
    assert theme.count('typeface="Liberation Sans"') >= 2  # major and minor font
    prs = Presentation(str(path))
    logos = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(logos) == len(prs.slides) and all(sh.name == "Logo" for sh in logos)
    assert "Fjord & Partners" in _all_text(prs.slides[1])


def test_english_engagement_gets_english_slides(tmp_path):
    r = demo_results()
    r.tables = {}
    r.engagement = r.engagement.model_copy(update={"language": "en"})
    prs = Presentation(str(write_deck(r, tmp_path / "deck.pptx", run_id="r")))
    titles = [_title(s) for s in prs.slides]
    assert "How customers and employees see the same things" in titles and "Summary" in titles


def test_labels_are_placed_apart():
    xs, ys = [50.0, 50.5, 51.0, 88.0], [10.0, 10.2, 9.8, 18.0]
    where = place_labels(xs, ys, ["Gör det lilla extra", "Kunnig personal", "Snabbt svar", "Rätt åtgärdat"],
                            x_range=(40, 90), y_range=(0, 20), plot_size=(10, 4))
    assert len(set(where[:3])) == 3  # three crowded points, three different sides
    assert where[3] == "left"  # near the right edge: the label goes inward


def test_long_labels_wrap_once():
    assert wrap_label("Personalen verkar stressad (omvänd)") == "Personalen verkar\nstressad (omvänd)"
    assert wrap_label("Kunnig personal") == "Kunnig personal"


@pytest.fixture(scope="module")
def rendered(hidden_deck, tmp_path_factory):
    """The suppressed-demo deck through LibreOffice (PDF) and pdftoppm (one PNG per slide)."""
    soffice, pdftoppm = shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        pytest.skip("LibreOffice (soffice) or poppler (pdftoppm) is not installed: "
                    "apt-get install -y libreoffice-impress poppler-utils (see .ci/system-deps)")
    _, path = hidden_deck
    out = tmp_path_factory.mktemp("render")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out / 'profile'}", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pdf = out / "deck.pdf"
    subprocess.run([pdftoppm, "-png", "-r", "50", str(pdf), str(out / "slide")], check=True, timeout=120)
    return pdf, sorted(out.glob("slide-*.png"))


def test_libreoffice_renders_every_slide(rendered, hidden_deck, artifacts):
    prs, _ = hidden_deck
    pdf, pngs = rendered
    assert len(pngs) == len(prs.slides)
    pages = artifacts / "deck"  # the slides as PNGs, for people to look at
    if pages.exists():
        shutil.rmtree(pages)
    pages.mkdir()
    for png in pngs:
        shutil.copy(png, pages / png.name)
        with Image.open(png) as im:
            assert im.size[0] > im.size[1]  # 16:9
            low, high = im.convert("L").getextrema()
            assert high - low > 100  # drawn, not blank
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Hur kunder och medarbetare ser på samma saker" in text
        assert "för få svar" in text
        assert "Traceback" not in text and "{label}" not in text


def test_the_action_plan_slide_says_why(deck, demo):
    """The plan grounded in the 5 I's scorecard: a 'Varför' column with each initiative's reason."""
    prs, _ = deck
    slide = next(s for s in prs.slides if _title(s).startswith("Handlingsplan"))
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    assert [c.text for c in table.rows[0].cells][-1] == "Varför"
    actions = demo.tables["actions"]
    assert len(table.rows) == len(actions) + 1
    for row, why in zip(list(table.rows)[1:], actions["why"]):
        assert row.cells[3].text == why


def test_each_index_per_unit_has_a_slide_without_hidden_units(deck, demo):
    prs, _ = deck
    indices = demo.tables["indices"]
    for (index, side), part in indices[indices["by"] == "unit"].groupby(["index", "side"], sort=False):
        title = f"{part['label'].iloc[0]} per enhet"
        (chart,) = _chart_on(prs, title)
        shown = part[~part["suppressed"]]
        assert list(chart.plots[0].categories) == shown["group"].tolist()
        np.testing.assert_allclose(list(chart.plots[0].series[0].values), shown["mean"].to_numpy(float))


def _segment_slides(prs, label: str) -> list:
    return [s for s in prs.slides if _title(s) == f"{label} per grupp"]


def test_each_index_per_segment_shows_exactly_what_the_aggregates_show(deck, demo):
    """The index per segment group: a bar for a group exactly where the audited aggregates show the
    index measure for it (read from the aggregates, not from the deck's own table), its value the
    aggregates' mean; every hidden group named in the note, its figure nowhere on the slide."""
    from helpers import demo_aggregates
    from mirrorgap.aggregate.views import Filters

    prs, _ = deck
    views = demo_aggregates().views
    indices = demo.tables["indices"]
    segments = indices[~indices["by"].isin(["", "unit"])]
    assert segments["by"].nunique() >= 3
    for (index, side), part in segments.groupby(["index", "side"], sort=False):
        slides = _segment_slides(prs, part["label"].iloc[0])
        assert slides
        drawn, notes = {}, ""
        for slide in slides:
            (chart,) = [sh.chart for sh in slide.shapes if sh.has_chart]
            labels = chart.plots[0].categories.flattened_labels  # (segment, group): two levels
            assert all(len(pair) == 2 for pair in labels)
            for (segment, group), value in zip(labels, chart.plots[0].series[0].values):
                drawn.setdefault((segment.lower(), group), []).append(value)
            notes += _all_text(slide)
        for r in part.itertuples():
            if side == "employee":
                got = views.measure_summary("employee", Filters(wave=demo.wave, employee_segment=(r.by, r.group)),
                                            f"index:{index}")
            else:
                got = (r.n, r.mean)
            key = (r.by.lower(), r.group)
            if got is None:
                assert key not in drawn, key
                assert r.group in notes.split("För få svar:", 1)[1], key
            else:
                assert drawn[key] == [pytest.approx(got[1], abs=1e-9)], key
    employee = segments[segments["side"] == "employee"]
    assert employee["suppressed"].any() and (~employee["suppressed"]).any()  # the demo has both kinds


def test_response_rate_slide_shows_a_rate_only_where_the_audited_count_is_shown(tmp_path):
    """Units of 14, 9, 3, 7, 2, 11 employees (U2, U4 under min_n): a bar with 'n av N' for each unit
    whose respondent count the aggregates' audited decision shows, its rate n/N; the hidden units named
    in the note with no number; their counts and rates nowhere in the slide's text or chart data."""
    from tests.test_design import headcount_frame, with_headcount
    from tests.test_units import synthetic

    from mirrorgap.analyse.disclosure import RESPONDENTS, side_decision
    from mirrorgap.analyse.pipeline import analyse

    eng, c, e = synthetic()
    eng = with_headcount(eng.model_copy(update={"language": "sv"}))
    invited = {"U0": 20, "U1": 9, "U2": 3, "U3": 30, "U4": 8, "U5": 12}
    r = analyse(eng, c, e, headcount=headcount_frame(invited))
    path = write_deck(r, tmp_path / "deck.pptx", run_id="r")
    prs = Presentation(str(path))
    (chart,) = _chart_on(prs, "Svarsfrekvens: hur många av de inbjudna som svarade")
    slide = next(s for s in prs.slides if _title(s).startswith("Svarsfrekvens"))
    text = _all_text(slide)
    decision = side_decision(e, eng, pooled=False)
    answered = e.frame["unit"].value_counts()
    shown = [u for u in invited if not decision.cell_hidden("2026", RESPONDENTS, ("unit", u, None, None))]
    hidden = [u for u in invited if u not in shown]
    assert {"U2", "U4"} <= set(hidden) and len(shown) >= 3
    assert list(chart.plots[0].categories) == [f"{u} ({answered[u]} av {invited[u]})" for u in shown]
    np.testing.assert_allclose(chart.plots[0].series[0].values, [100 * answered[u] / invited[u] for u in shown])
    note = text.split("Visas inte", 1)[1].split("):", 1)[1]  # " Enhet: U2, U4"
    assert all(u in note for u in hidden)
    assert not re.search(r"\d", re.sub(r"U\d", "", note))  # named, without a number
    total = len(e.frame)
    assert f"{total} av {sum(invited.values())} inbjudna" in text
    xml = chart._chartSpace.xml
    assert not any(f"{u} (" in xml for u in hidden)
    values = sorted(float(v) for v in re.findall(r"<c:v>(-?[0-9.]+)</c:v>", xml))  # every number the chart holds
    assert values == pytest.approx(sorted(100 * answered[u] / invited[u] for u in shown))


def test_chart_labels_write_decimals_as_the_language_does(deck, demo):
    """The pulse's labels read 7,5 in Swedish, written into the chart XML (an Office number format
    would take its decimal mark from the viewer's computer); no chart label or axis of the deck uses a
    number format with decimals."""
    prs, path = deck
    (chart,) = _chart_on(prs, "Veckopuls")
    pulse = demo.tables["pulse"]
    means = pulse.loc[(pulse["group"] == "(all)") & ~pulse["suppressed"].astype(bool), "mean"].astype(float)
    xml = chart._chartSpace.xml
    labels = re.findall(r"<c:dLbl>.*?</c:dLbl>", xml, re.S)
    written = [re.search(r"<a:t>([^<]*)</a:t>", label).group(1) for label in labels]
    assert written == [f"{m:.1f}".replace(".", ",") for m in means]
    assert all("," in w for w in written)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("ppt/charts/chart") and name.endswith(".xml"):
                chart_xml = z.read(name).decode()
                for part in re.findall(r"<c:(?:dLbls|dLbl|valAx)>.*?</c:(?:dLbls|dLbl|valAx)>", chart_xml, re.S):
                    codes = re.findall(r'formatCode="([^"]*)"', part)
                    assert not any(re.search(r"0\.0", code) for code in codes), (name, codes)


def test_a_long_method_text_is_set_smaller_so_it_stays_in_its_box():
    """Weights on both sides and a headcount add four sentences: the text shrinks (area ∝ size²), never
    under 8 pt; the demo's method text (headcount only, ~1,600 characters) keeps 12 pt."""
    from mirrorgap.deliver.deck.slides.method import FITS_AT_12PT, text_size

    assert text_size(1616) == 12 and text_size(FITS_AT_12PT) == 12
    sizes = [text_size(n) for n in (1800, 2300, 2700, 4000, 10_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] < 12 and sizes[-1] == 8
    assert text_size(2593) * text_size(2593) * 2593 <= 12 * 12 * FITS_AT_12PT * 1.05
