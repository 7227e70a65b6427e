"""Work in a forked child (`mirrorgap.config.cores`): its value comes back, its errors are raised here as
themselves with the child's traceback as their cause, a child that dies is reported with its exit code;
and the charts drawn on two processes are the charts drawn in one."""
from __future__ import annotations

import os
import threading
import time

import pytest

from mirrorgap.config import cores as forked
from mirrorgap.config.cores import Forked, WorkerTraceback
from mirrorgap.deliver import figures
from mirrorgap.errors import PdfError

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="forks only on Linux with two cores")


def _pid_and(value):
    return os.getpid(), value


def _raise_pdf_error():
    raise PdfError("Chromium did not print report.html (exit code 1): no display")


class _Unpicklable(Exception):
    def __init__(self, message, lock):
        super().__init__(message)
        self.lock = lock  # a lock does not pickle


def _raise_unpicklable():
    raise _Unpicklable("the deck's layout has no slide 7", threading.Lock())


def _die():
    os._exit(3)


@needs_fork
def test_the_value_comes_back_from_another_process():
    pid, value = Forked(_pid_and, {"a": [1, 2]}).result()
    assert pid != os.getpid()
    assert value == {"a": [1, 2]}


@needs_fork
def test_an_error_in_the_child_is_raised_here_as_itself_with_its_traceback():
    with pytest.raises(PdfError, match="no display") as caught:
        Forked(_raise_pdf_error).result()
    cause = caught.value.__cause__
    assert isinstance(cause, WorkerTraceback)
    assert "_raise_pdf_error" in str(cause) and "PdfError" in str(cause)


@needs_fork
def test_an_error_that_does_not_pickle_comes_back_with_its_type_and_message():
    with pytest.raises(RuntimeError, match="_Unpicklable: the deck's layout has no slide 7"):
        Forked(_raise_unpicklable).result()


@needs_fork
def test_a_child_that_dies_is_an_error_naming_its_exit_code():
    with pytest.raises(RuntimeError, match="exit code 3"):
        Forked(_die).result()


def test_without_fork_the_work_runs_here(monkeypatch):
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    assert Forked(_pid_and, 5).result() == (os.getpid(), 5)
    with pytest.raises(PdfError, match="no display"):
        Forked(_raise_pdf_error).result()


@needs_fork
def test_charts_drawn_on_two_processes_are_those_drawn_in_one(tmp_path, monkeypatch):
    results = _thin_results(tmp_path)
    monkeypatch.setattr(figures, "second_core", lambda: True)  # whatever the machine's load
    two = figures.chart_pngs(results)
    monkeypatch.setattr(figures, "second_core", lambda: False)
    one = figures.chart_pngs(results)
    assert len(one) >= 4
    assert list(two) == list(one)
    assert two == one


def _thin_results(tmp_path):
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import analyse, load_side
    from test_thin_data import thin_engagement

    eng = thin_engagement(tmp_path, customers=40, employees=30)
    return add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))


@needs_fork
def test_a_deck_that_fails_in_the_child_fails_the_deliverables_with_its_message(tmp_path, monkeypatch):
    from mirrorgap.deliver import outputs

    def broken_deck(results, path, *, run_id):
        raise ValueError("the deck master has no layout named 'Title Only'")

    monkeypatch.setattr(outputs, "write_deck", broken_deck)  # the fork inherits it
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", str(tmp_path / "no-such-chromium"))  # no PDF: the child writes the deck
    monkeypatch.setattr(outputs, "second_core", lambda: True)
    with pytest.raises(ValueError, match="no layout named 'Title Only'") as caught:
        outputs.write_outputs(_thin_results(tmp_path), tmp_path / "out", run_id="r1", charts={})
    assert "broken_deck" in str(caught.value.__cause__) and "in the worker process" in str(caught.value.__cause__)
    assert (tmp_path / "out" / "gaps.csv").exists()  # this process's deliverables were written meanwhile


def _reading(wall, busy, all_ticks, ours):
    return forked.CpuReading(wall=wall, machine_busy=busy, machine_all=all_ticks, ours=ours)


def test_the_cores_others_use_are_the_machines_busy_share_less_ours(monkeypatch):
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 2)
    # over 1 s the machine's 2 cores were busy 150 of 200 ticks; this process used 0.9 s of CPU
    assert forked.busy_cores_of_others(_reading(10.0, 1000, 5000, 3.0), _reading(11.0, 1150, 5200, 3.9)) \
        == pytest.approx(0.6)
    # all of the machine's work was ours: nobody else is busy (never below zero)
    assert forked.busy_cores_of_others(_reading(0.0, 0, 0, 0.0), _reading(2.0, 190, 400, 2.0)) == 0.0
    assert forked.busy_cores_of_others(_reading(5.0, 7, 9, 1.0), _reading(5.0, 7, 9, 1.0)) == 0.0  # no time passed


def test_a_busy_machine_draws_and_writes_in_this_process(monkeypatch):
    monkeypatch.setattr(forked, "others_busy_cores", lambda: 1.2)  # another process keeps a core busy
    assert not forked.second_core()
    monkeypatch.setattr(forked, "others_busy_cores", lambda: 0.1)
    assert forked.second_core() == forked.can_fork()
    monkeypatch.setattr(forked, "others_busy_cores", lambda: None)  # the CPU cannot be read: no guess
    assert not forked.second_core()


@pytest.mark.skipif(forked.read_cpu() is None, reason="reads /proc/stat")
def test_a_process_spinning_beside_this_one_is_seen_as_a_busy_core():
    """A real look at /proc/stat: another process burning a core is counted, over a recent look and a fresh one, whatever
    else the machine does (a child counts as ours only once reaped); this process sleeping is not."""
    import subprocess
    import sys
    import time

    spinner = subprocess.Popen([sys.executable, "-c", "import time\nt = time.monotonic()\n"
                                "while time.monotonic() - t < 3: pass"])
    try:
        time.sleep(0.3)  # the spinner's interpreter has started and spins
        forked.others_busy_cores()
        time.sleep(0.3)
        recent = forked.others_busy_cores()  # over the 0.3 s since the last look
        time.sleep(0.6)
        fresh = forked.others_busy_cores()  # the last look is old: a new one of LOOK_S
    finally:
        spinner.kill()  # not yet reaped while it spun, so not "ours"
        spinner.wait()
    assert recent >= 0.5 and fresh >= 0.5


def test_one_process_when_the_environment_says_so_even_on_an_idle_machine(monkeypatch):
    monkeypatch.setattr(forked, "others_busy_cores", lambda: 0.0)
    monkeypatch.setenv(forked.ONE_PROCESS, "1")
    assert not forked.second_core()
    monkeypatch.delenv(forked.ONE_PROCESS)
    assert forked.second_core() == forked.can_fork()


def _take_all(turns, pause_s):
    taken = []
    while (index := turns.take()) is not None:
        taken.append(index)
        time.sleep(pause_s)
    return taken


@needs_fork
def test_turns_hand_every_index_out_once_and_the_faster_process_takes_more():
    turns = forked.Turns(40, start=2)
    slow_child = Forked(_take_all, turns, 0.02)
    here = _take_all(turns, 0.002)
    there = slow_child.result()
    assert sorted(here + there) == list(range(2, 40))  # each index once, none before `start`
    assert there and len(here) > 2 * len(there)
    assert turns.take() is None


def test_turns_in_one_process_count_up_and_stop():
    turns = forked.Turns(3)
    assert [turns.take() for _ in range(5)] == [0, 1, 2, None, None]


def test_while_chromium_prints_the_documents_are_written_here_not_in_a_child(tmp_path, monkeypatch):
    from mirrorgap.deliver import outputs

    fake = tmp_path / "fake-chromium"  # starts (so the run counts on its print), then fails at once
    fake.write_text("#!/bin/sh\necho 'no display' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", str(fake))
    monkeypatch.setattr(outputs, "second_core", lambda: True)
    monkeypatch.setattr(outputs, "Forked", lambda *a, **k: pytest.fail("the documents were forked beside Chromium"))
    written = outputs.write_outputs(_thin_results(tmp_path), tmp_path / "out", run_id="r1", charts={})
    assert written["deck.pptx"].exists() and written["gaps.xlsx"].exists()
    assert "no display" in written["report.pdf.missing.txt"].read_text(encoding="utf-8")
