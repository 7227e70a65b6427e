"""report.pdf: report.html printed by headless Chromium (Debian's `chromium`), A4, backgrounds kept.

The report's own print CSS decides the page breaks (`section.page` starts a page, sections are not
split). This module only adds the paper: A4 with margins, and colours printed as on screen — on a
copy of the HTML, so report.html itself is untouched. Chromium runs with a fresh profile in a
temporary folder and no network services, and the PDF is written atomically.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mirrorgap.errors import PdfError

__all__ = ["PRINT_CSS", "chromium_executable", "write_pdf"]

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                  "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                  "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000"]
PRINT_CSS = """
<style media="print">
  @page { size: A4; margin: 14mm 13mm 16mm 13mm; }
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0 .2rem; }
  figure, table, tr, .kpis { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  td:first-child { min-width: 10em; }  /* item labels: two lines at most on A4, not one word per line */
</style>
"""



def chromium_executable() -> str | None:
    """The Chromium to print with: $MIRRORGAP_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    explicit = os.environ.get("MIRRORGAP_CHROMIUM")
    if explicit:
        return explicit
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _with_print_css(html: str) -> str:
    marker = "</head>"
    return html.replace(marker, PRINT_CSS + marker, 1) if marker in html else PRINT_CSS + html


def write_pdf(report_html: Path, pdf: Path, *, timeout: float = 120) -> Path:
    """Print `report_html` to `pdf` with headless Chromium; returns the PDF's path.

    report_html: the run's report.html (self-contained: images are inlined).
    pdf: where to write (…/report.pdf). timeout: seconds before Chromium is given up on.
    Raises PdfError when no Chromium is installed or it does not produce a PDF.
    """
    report_html, pdf = Path(report_html), Path(pdf)
    executable = chromium_executable()
    if executable is None:
        raise PdfError("cannot print report.pdf: Chromium is not installed "
                       "(run `make system-deps`, or `apt-get install -y chromium` as root)")
    with tempfile.TemporaryDirectory(prefix="mirrorgap-pdf-") as tmp:
        tmp = Path(tmp)
        page = tmp / "report.html"
        page.write_text(_with_print_css(report_html.read_text(encoding="utf-8")), encoding="utf-8")
        out = tmp / "report.pdf"
        command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "HOME": str(tmp)})
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not print {report_html.name} within {timeout:g} s") from None
        except OSError as exc:
            raise PdfError(f"cannot run Chromium ({executable}): {exc.strerror or exc}; "
                           "install it with `make system-deps`") from None
        if not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
            tail = " ".join((done.stderr or "").strip().splitlines()[-3:])
            raise PdfError(f"Chromium did not print {report_html.name} (exit code {done.returncode}): {tail}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        part = pdf.with_name(pdf.name + ".part")
        shutil.copyfile(out, part)
        part.replace(pdf)
    return pdf
