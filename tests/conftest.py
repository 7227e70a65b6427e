"""Shared fixtures: a headless Debian Chromium driven by Playwright, and figure clean-up."""
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium (installed by .ci/system-deps); `playwright install` cannot work here."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make system-deps` (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def artifacts() -> Path:
    """Where browser tests save screenshots for people to look at (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test leaves no matplotlib figure open (charts are drawn in many modules)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
