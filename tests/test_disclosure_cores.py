"""The waves of a suppression decision audited on two processes (`disclosure._audit_spread`): the masks
are those of the decision made in one process, on the demo and on random engagements (pooled too);
an error in the forked child is raised in the caller; and a run audits every wave once, up front
(`disclosure.audit_waves`), its later decisions taking them from the cache."""
from __future__ import annotations

import os

import numpy as np
import pytest

from mirrorgap.analyse import disclosure
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.config import cores
from mirrorgap.config.cores import WorkerTraceback
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from test_attacker import random_engagement
from test_disclosure import assert_same_masks

needs_fork = pytest.mark.skipif(not cores.can_fork(), reason="forks only on Linux with two cores")


@pytest.fixture
def in_this_process(monkeypatch):
    """The audits (`protect_linked` calls) made in this process, from an empty cache; the forked
    child's calls are not seen here."""
    made = []
    real = disclosure.protect_linked

    def counted(*args, **kwargs):
        made.append(os.getpid())
        return real(*args, **kwargs)

    monkeypatch.setattr(disclosure, "protect_linked", counted)
    disclosure._CACHE.clear()
    yield made
    disclosure._CACHE.clear()


def decided(monkeypatch, clean, engagement, *, pooled: bool, two: bool):
    """The side's decision from an empty cache, with or without the second process."""
    disclosure._CACHE.clear()
    with monkeypatch.context() as m:
        m.setattr(disclosure, "second_core", lambda: two)
        m.setattr(disclosure, "SPLIT_FROM", 0)  # however few small cells: the tests' engagements are small
        decision = disclosure.side_decision(clean, engagement, pooled=pooled)
    disclosure._CACHE.clear()
    return decision


def assert_same_decision(got, expected) -> None:
    assert_same_masks(got.hidden, expected.hidden)
    assert_same_masks(got.counts, expected.counts)
    assert_same_masks(got.values, expected.values)
    assert (got.audited, got.added, got.solves) == (expected.audited, expected.added, expected.solves)


@needs_fork
def test_the_demo_decided_on_two_processes_is_the_one_process_decision(in_this_process, monkeypatch):
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    employee = load_side(eng, "employee")
    one = decided(monkeypatch, employee, eng, pooled=False, two=False)
    n_one = len(in_this_process)
    two = decided(monkeypatch, employee, eng, pooled=False, two=True)
    assert 0 < len(in_this_process) - n_one < n_one  # a wave audited here, the other in the child
    assert_same_decision(two, one)
    assert any(two.hidden[k].any() for k in two.hidden)


@needs_fork
@pytest.mark.parametrize("seed", range(6))
def test_random_engagements_decide_alike_on_one_and_two_processes(seed, in_this_process, monkeypatch):
    """Two to four waves (the child takes about half of them), each wave and the pool."""
    waves = ("2024", "2025", "2026", "2027")[:2 + seed % 3]
    eng, _, employee = random_engagement(400 + seed, waves=waves, pooled=True)
    for pooled in (False, True):
        one = decided(monkeypatch, employee, eng, pooled=pooled, two=False)
        n_one = len(in_this_process)
        two = decided(monkeypatch, employee, eng, pooled=pooled, two=True)
        assert len(in_this_process) - n_one < n_one
        assert_same_decision(two, one)
        if pooled:
            assert any(w is None for w, _ in two.hidden)


def _fails_in_the_child(parent: int, real):
    def audit(*args, **kwargs):
        if os.getpid() != parent:
            raise ValueError("the solver stopped in the child")
        return real(*args, **kwargs)
    return audit


@needs_fork
def test_an_error_in_the_child_is_raised_in_the_caller(in_this_process, monkeypatch):
    eng, _, employee = random_engagement(500)
    monkeypatch.setattr(disclosure, "second_core", lambda: True)
    monkeypatch.setattr(disclosure, "SPLIT_FROM", 0)
    monkeypatch.setattr(disclosure, "_audit_rows", _fails_in_the_child(os.getpid(), disclosure._audit_rows))
    with pytest.raises(ValueError, match="the solver stopped in the child") as raised:
        disclosure.side_decision(employee, eng, pooled=False)
    assert isinstance(raised.value.__cause__, WorkerTraceback)
    assert not disclosure._CACHE.waves  # nothing half-decided is kept


@pytest.mark.parametrize("two", [False, True])
def test_a_run_audits_every_wave_once_up_front(two, in_this_process, monkeypatch):
    """`audit_waves`, then the decisions a run makes (the analysed wave alone, all waves): no audit
    more, and the masks of decisions made afresh."""
    monkeypatch.setattr(disclosure, "second_core", lambda: two)
    monkeypatch.setattr(disclosure, "SPLIT_FROM", 0)
    eng, _, employee = random_engagement(600)
    disclosure.audit_waves(employee, eng)
    n_audits = len(in_this_process)
    alone = disclosure.side_decision(in_wave(employee, "2026"), eng, pooled=False)
    every = disclosure.side_decision(employee, eng, pooled=False)
    assert len(in_this_process) == n_audits
    assert_same_decision(every, decided(monkeypatch, employee, eng, pooled=False, two=False))
    fresh = decided(monkeypatch, in_wave(employee, "2026"), eng, pooled=False, two=False)
    assert_same_masks(alone.hidden, fresh.hidden)
    assert all(np.array_equal(alone.hidden[k], every.hidden[k]) for k in alone.hidden)


# ------------------------------------------------------------------------------------------------
# one wave's measures over two processes (`disclosure._measure_chain`)

def _fake_audit(parent: int, hides: dict, *, fail_in_child: tuple = (), ran: list | None = None):
    """An audit whose result is what it was given (the measure, the sizes shown), hiding the sizes
    `hides` names for a measure; it notes where it ran (child or not), or fails in a child on the
    measures `fail_in_child`."""
    def audit(measure, shown):
        if os.getpid() != parent and measure in fail_in_child:
            raise ValueError(f"{measure}: the solver stopped in the child")
        if ran is not None:
            ran.append(os.getpid() != parent)
        return (measure, shown.copy()), list(hides.get(measure, []))
    return audit


def sequential(audit, measures, shown):
    return disclosure._measure_chain(audit, measures, shown, split=False)


def assert_same_chain(got, expected):
    assert len(got) == len(expected)
    for ((m1, s1), h1), ((m2, s2), h2) in zip(got, expected):
        assert m1 == m2 and np.array_equal(s1, s2) and list(h1) == list(h2)


@needs_fork
@pytest.mark.parametrize("hides", [{}, {"m1": [2]}, {"m4": [0, 3]}, {"m2": [1], "m5": [4]}, {"m0": [5]}])
def test_a_split_chain_gives_every_audit_the_sizes_of_the_sequential_one(hides):
    """Sizes hidden in neither half, in the second, in the first (the second then audited again), in both."""
    measures = [f"m{k}" for k in range(7)]
    shown = np.ones(6, dtype=bool)
    here = []
    audit = _fake_audit(os.getpid(), hides, ran=here)
    expected = sequential(_fake_audit(os.getpid(), hides), measures, shown)
    got = disclosure._measure_chain(audit, measures, shown, split=True)
    assert_same_chain(got, expected)
    assert shown.all()  # the caller's sizes untouched
    first_hides = any(m in hides for m in measures[:4])
    assert not any(here)  # the children's audits are not counted here
    assert 4 < len(here) <= 7 if first_hides else len(here) == 4  # the rerun split again: m4, m5 here


@needs_fork
def test_an_error_in_the_chains_child_is_raised_unless_its_speculation_is_discarded():
    measures = [f"m{k}" for k in range(6)]
    shown = np.ones(4, dtype=bool)
    with pytest.raises(ValueError, match="the solver stopped in the child") as raised:
        disclosure._measure_chain(_fake_audit(os.getpid(), {}, fail_in_child=("m3",)), measures, shown, split=True)
    assert isinstance(raised.value.__cause__, WorkerTraceback)
    hides = {"m1": [2]}  # the first half hides a size: the child's audits had the wrong input, error or not
    audit = _fake_audit(os.getpid(), hides, fail_in_child=("m3",))  # m3 is audited here the second time
    got = disclosure._measure_chain(audit, measures, shown, split=True)
    assert_same_chain(got, sequential(_fake_audit(os.getpid(), hides), measures, shown))


@needs_fork
def test_each_demo_wave_alone_decided_on_two_processes_is_the_one_process_decision(in_this_process, monkeypatch):
    """Its measures split: in one wave a measure of the first half hides a respondent count (the second
    half audited again here), in the other none does."""
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    employee = load_side(eng, "employee")
    reruns = 0
    for wave in ("2025", "2026"):
        start = len(in_this_process)
        one = decided(monkeypatch, in_wave(employee, wave), eng, pooled=False, two=False)
        n_one = len(in_this_process) - start
        two = decided(monkeypatch, in_wave(employee, wave), eng, pooled=False, two=True)
        assert_same_decision(two, one)
        here = len(in_this_process) - start - n_one
        assert here < n_one
        reruns += here > 1 + n_one // 2  # the respondents, the first half, and some of the second again
    assert reruns == 1


@needs_fork
@pytest.mark.parametrize("seed", range(4))
def test_random_one_wave_engagements_decide_alike_on_one_and_two_processes(seed, in_this_process, monkeypatch):
    eng, _, employee = random_engagement(700 + seed, waves=("2026",))
    one = decided(monkeypatch, employee, eng, pooled=False, two=False)
    n_one = len(in_this_process)
    two = decided(monkeypatch, employee, eng, pooled=False, two=True)
    assert len(in_this_process) - n_one <= n_one  # equal where the first half hid a size (seed 3)
    assert_same_decision(two, one)


def test_a_side_without_small_groups_is_decided_in_this_process(monkeypatch):
    """The demo's customers: no small cell to audit, no child to start (nor a look at the cores)."""
    def no_look():
        raise AssertionError("second_core() asked")
    monkeypatch.setattr(disclosure, "second_core", no_look)
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    disclosure._CACHE.clear()
    decision = disclosure.side_decision(load_side(eng, "customer"), eng, pooled=True)
    disclosure._CACHE.clear()
    assert decision.audited == 0 and decision.hidden
