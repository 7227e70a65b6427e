"""report.pdf: report.html printed by headless Chromium (Debian's `chromium`), A4, backgrounds kept.

The report's own print CSS decides the page breaks (`section.page` starts a page, sections are not
split). This module only adds the paper: A4 with margins, and colours printed as on screen — on a
copy of the HTML, so report.html itself is untouched. Chromium runs with a fresh profile in a
temporary folder and no network services, driven over its DevTools pipe (`deliver/chromium`) so that
it can start while the report is still being written; the PDF is written atomically.
"""
from __future__ import annotations

import base64
import os
import shutil
import tempfile
import time
from pathlib import Path

from mirrorgap.deliver.chromium import Chromium, remove_folder
from mirrorgap.errors import PdfError

__all__ = ["PRINT_CSS", "Printer", "chromium_executable", "write_pdf"]

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
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


class Printer:
    """Chromium started ahead of the report, to print it when it is written: `with Printer() as p: …
    p.print(html, pdf)`. The browser starts in the background (about 0.3 s) while the caller goes on.
    No Chromium, or one that cannot start, is a PdfError when printing, so that a run still writes every
    other deliverable first."""

    def __init__(self):
        self._folder = Path(tempfile.mkdtemp(prefix="mirrorgap-pdf-"))
        self._browser, self._error = None, None
        executable = chromium_executable()
        try:
            if executable is None:
                raise PdfError("cannot print report.pdf: Chromium is not installed "
                               "(run `make system-deps`, or `apt-get install -y chromium` as root)")
            self._browser = Chromium(executable, self._folder)
        except PdfError as exc:
            self._error = exc

    @property
    def has_browser(self) -> bool:
        """Whether a browser was started (it may still fail when asked to print)."""
        return self._browser is not None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        remove_folder(self._folder)

    def print(self, report_html: Path, pdf: Path, *, timeout: float = 120) -> Path:
        """Print `report_html` to `pdf` (A4, backgrounds kept, written atomically); returns `pdf`.
        Raises PdfError when Chromium is missing, stops, refuses, or takes over `timeout` seconds."""
        report_html, pdf = Path(report_html), Path(pdf)
        if self._error is not None:
            raise self._error
        page = self._folder / report_html.name
        page.write_text(_with_print_css(report_html.read_text(encoding="utf-8")), encoding="utf-8")
        try:
            data = _printed(self._browser, page, time.monotonic() + timeout)
        except TimeoutError:
            raise PdfError(f"Chromium did not print {report_html.name} within {timeout:g} s") from None
        except PdfError as exc:
            raise PdfError(f"Chromium did not print {report_html.name}: {exc}") from None
        if data[:5] != b"%PDF-":
            raise PdfError(f"Chromium did not print {report_html.name}: what it returned is not a PDF")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        part = pdf.with_name(pdf.name + ".part")
        part.write_bytes(data)
        part.replace(pdf)
        return pdf


def _printed(browser: Chromium, page: Path, deadline: float) -> bytes:
    """The PDF bytes of `page`, loaded in a new tab (its inlined images included) and printed with the
    page size and margins of its own print CSS."""
    target = browser.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                           deadline=deadline)["sessionId"]
    browser.call("Page.enable", session=session, deadline=deadline)
    browser.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session=session, deadline=deadline)
    navigated = browser.call("Page.navigate", {"url": page.as_uri()}, session=session, deadline=deadline)
    if navigated.get("errorText"):
        raise PdfError(f"cannot open {page.name}: {navigated['errorText']}")
    # this page's load (its images decoded), not a late one of the blank tab it replaced
    browser.wait_for("Page.lifecycleEvent", session=session, deadline=deadline,
                     where=lambda event: event.get("name") == "load" and event.get("loaderId") == navigated.get("loaderId"))
    printed = browser.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                               "displayHeaderFooter": False}, session=session, deadline=deadline)
    return base64.b64decode(printed["data"])


def write_pdf(report_html: Path, pdf: Path, *, timeout: float = 120) -> Path:
    """Print `report_html` to `pdf` with headless Chromium; returns the PDF's path.

    report_html: the run's report.html (self-contained: images are inlined).
    pdf: where to write (…/report.pdf). timeout: seconds before Chromium is given up on.
    Raises PdfError when no Chromium is installed or it does not produce a PDF.
    """
    with Printer() as printer:
        return printer.print(report_html, pdf, timeout=timeout)
