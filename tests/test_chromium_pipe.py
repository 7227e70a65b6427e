"""Chromium over its DevTools pipe (deliver/chromium, deliver/pdf.Printer): what a run sees when the
browser stops, hangs or refuses, and that a printer leaves no browser process and no folder behind."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mirrorgap.deliver.chromium import Chromium
from mirrorgap.deliver.pdf import Printer
from mirrorgap.errors import PdfError

PAGE = ("<html><head><title>Rapport</title></head><body><h1>Kundernas bild</h1>"
        "<p>Personalen går den extra milen.</p></body></html>")


def _fake_chromium(tmp_path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def _page(tmp_path):
    html = tmp_path / "report.html"
    html.write_text(PAGE, encoding="utf-8")
    return html


def _group_alive(pgid: int) -> list[int]:
    """The processes of group `pgid` still running (zombies, dead but not yet reaped, do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # after "pid (name) ": state, ppid, pgrp, …
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def _gone(pid: int) -> bool:
    """Whether no process of the browser's group is left running (killed helpers take a moment to die)."""
    deadline = time.monotonic() + 5
    while _group_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_browser_that_stops_is_an_error_with_its_exit_code_and_its_last_words(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", _fake_chromium(tmp_path, 'echo "Missing X server or $DISPLAY" >&2\nexit 3'))
    with Printer() as printer, pytest.raises(PdfError) as stopped:
        printer.print(_page(tmp_path), tmp_path / "report.pdf")
    message = str(stopped.value)
    assert "Chromium did not print report.html" in message and "exit code 3" in message
    assert "Missing X server" in message
    assert not (tmp_path / "report.pdf").exists()


def test_a_browser_that_never_answers_is_given_up_on_and_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", _fake_chromium(tmp_path, "exec sleep 60"))
    printer = Printer()
    browser, folder = printer._browser, printer._folder
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"did not print report.html within 1 s"):
        printer.print(_page(tmp_path), tmp_path / "report.pdf", timeout=1)
    assert time.monotonic() - started < 10
    printer.close()
    assert browser.returncode is not None and _gone(browser.pid)  # killed and reaped, its group with it
    assert not folder.exists() and not (tmp_path / "report.pdf").exists()


@pytest.mark.browser
def test_a_refused_command_names_the_command_and_chromiums_reason(tmp_path):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make system-deps`")
    browser = Chromium(executable, tmp_path)
    try:
        with pytest.raises(PdfError, match=r"Chromium refused Nothing\.here: .+"):
            browser.call("Nothing.here", deadline=time.monotonic() + 60)
        # the browser goes on answering after a refusal
        assert browser.call("Browser.getVersion", deadline=time.monotonic() + 60)["product"].startswith(
            ("Chrome/", "HeadlessChrome/"))
    finally:
        browser.close()
    assert _gone(browser.pid)


@pytest.mark.browser
def test_a_printer_prints_a4_and_leaves_no_browser_and_no_folder_behind(tmp_path):
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run `make system-deps`")
    printer = Printer()
    browser, folder = printer._browser, printer._folder
    with printer:
        pdf = printer.print(_page(tmp_path), tmp_path / "out" / "report.pdf")
        again = printer.print(_page(tmp_path), tmp_path / "again.pdf")  # one browser, several prints
    assert pdf.read_bytes()[:5] == b"%PDF-" and again.read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "out" / "report.pdf.part").exists()
    assert _gone(browser.pid) and not folder.exists()
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info and re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Kundernas bild" in text and "extra milen" in text


LOW_DESCRIPTORS = """
import os, sys
from pathlib import Path
for fd in range(3, 64):  # the pipes' ends then take the lowest numbers, 3 and 4, themselves
    try:
        os.close(fd)
    except OSError:
        pass
from mirrorgap.deliver.pdf import Printer
from mirrorgap.errors import PdfError
with Printer() as printer:
    try:
        printer.print(Path(sys.argv[1]), Path(sys.argv[2]), timeout=1)
    except PdfError as exc:
        print(exc)
"""


def test_the_browser_gets_its_pipe_on_3_and_4_whatever_descriptors_are_free(tmp_path):
    # the fake browser says whether fd 3 reads and fd 4 writes, then waits like a browser that never answers
    fake = _fake_chromium(tmp_path, '[ -r /proc/$$/fd/3 ] && [ -w /proc/$$/fd/4 ] || '
                                    '{ echo "no DevTools pipe on 3 and 4" >&2; exit 5; }\nexec sleep 60')
    done = subprocess.run([sys.executable, "-c", LOW_DESCRIPTORS, str(_page(tmp_path)), str(tmp_path / "r.pdf")],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "MIRRORGAP_CHROMIUM": fake})
    assert done.returncode == 0, done.stderr
    assert "within 1 s" in done.stdout, done.stdout  # it got its pipe and was waited for, not "exit code 5"
