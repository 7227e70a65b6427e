"""report.pdf: report.html printed by headless Chromium — A4, several pages, Swedish headings, no code."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from mirrorgap.analyse.insights import add_insights
from mirrorgap.analyse.pipeline import analyse, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.deliver.figures import chart_pngs
from mirrorgap.deliver.pdf import PRINT_CSS, write_pdf
from mirrorgap.deliver.report import write_report
from mirrorgap.errors import PdfError

pytestmark = pytest.mark.browser


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed: apt-get install -y poppler-utils (see .ci/system-deps)")
    return path


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run `make system-deps` (apt-get install chromium)")
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    results = add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))
    out = tmp_path_factory.mktemp("pdf")
    html = write_report(results, chart_pngs(results), out / "report.html", run_id="20260101-120000")
    before = html.read_bytes()
    pdf = write_pdf(html, out / "report.pdf")
    assert html.read_bytes() == before  # the print CSS goes into a copy, not into report.html
    return pdf


@pytest.fixture(scope="module")
def text(printed):
    return subprocess.run([_need("pdftotext"), "-layout", str(printed), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_has_several_a4_pages(printed, artifacts):
    assert printed.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run([_need("pdfinfo"), str(printed)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 5
    assert "(A4)" in info
    pngs = artifacts / "pdf"  # the pages as PNGs, for people to look at
    if pngs.exists():
        shutil.rmtree(pngs)
    pngs.mkdir(parents=True)
    subprocess.run([_need("pdftoppm"), "-png", "-r", "45", str(printed), str(pngs / "page")], check=True)
    assert len(list(pngs.glob("page-*.png"))) == pages


def test_pdf_speaks_swedish(text):
    for heading in ("Bilgruppen Norden AB (demo)", "Sammanfattning", "Lojalitet — NPS och eNPS", "Spegeln",
                    "Gaptabell", "Datakvalitet", "Metod"):
        assert heading in text, heading
    assert "Blind fläck" in text and "Dold styrka" in text


def test_pdf_shows_no_code(text):
    for leak in ("import ", "def ", "Traceback", "mirrorgap.", "{{", "{%", "}}", "print(", "<div", "DataFrame"):
        assert leak not in text, leak


def test_no_chromium_is_a_clear_error(tmp_path, monkeypatch):
    html = tmp_path / "report.html"
    html.write_text("<html><head></head><body><h1>Rapport</h1></body></html>", encoding="utf-8")
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", "/bin/false")
    with pytest.raises(PdfError, match="Chromium did not print report.html"):
        write_pdf(html, tmp_path / "report.pdf")
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(PdfError, match="cannot run Chromium"):
        write_pdf(html, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_print_css_sets_a4_and_keeps_colours():
    assert "size: A4" in PRINT_CSS and "print-color-adjust: exact" in PRINT_CSS
