"""report.html as a client sees it: opened in headless Chromium, charts drawn, no code anywhere."""
import re

import pytest

from mirrorgap.analyse.insights import add_insights
from mirrorgap.analyse.pipeline import run_analysis
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.deliver.outputs import write_outputs

pytestmark = pytest.mark.browser

CODE_MARKERS = ("import ", "def ", "mirrorgap.", "load_engagement", "In [", "Traceback", "display(",
                "jp-InputArea", "highlight-ipynb", "<pre", "<code")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    results = add_insights(run_analysis(load_engagement(PARAMS_DIR / "demo.yaml")))
    return write_outputs(results, out, run_id="browser-test")["report.html"]


def test_report_shows_its_charts_and_no_code(browser, report, artifacts):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all(
        "figure img", "els => els.map(e => ({alt: e.alt, w: e.naturalWidth, h: e.naturalHeight, complete: e.complete}))")
    assert len(images) == 15  # NPS, mirror, gap, priority, drivers, units, 3 segments, linkage, touchpoints, journeys, trends, pulse, themes
    for img in images:
        assert img["complete"] and img["w"] > 600 and img["h"] > 200, img
    html = page.content()
    for marker in CODE_MARKERS:
        assert marker not in html, marker
    text = page.inner_text("body")
    assert "Blinda fläckar" in text and "Dolda styrkor" in text
    assert "”Gör det lilla extra”" in text and "”Kunnig personal”" in text
    assert "Personalen verkar stressad (omvänd)" in text
    for heading in ("Det som betyder mest", "Var —", "Över tid", "Med egna ord", "Handlingsplan"):
        assert heading in text, heading
    assert "anna.svensson" not in html and "19850412" not in html  # comments scrubbed before the report
    assert page.locator("table tbody tr").count() >= 11
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    page.close()


def test_report_prints_with_sections_on_their_own_pages(browser, report, artifacts):
    page = browser.new_page()
    page.goto(report.as_uri())
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    (artifacts / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 4  # mirror, gaps and table each start a page
