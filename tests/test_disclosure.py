"""The suppression decision's reuse of a wave's audit (`disclosure._decide_rows`): a wave whose counts
were audited before — the analysed wave, decided with all waves for the aggregates and alone for the
report — is taken from the cache; the masks must be those of a decision made afresh, and different
data must never be served from the cache."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mirrorgap.analyse import disclosure
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from test_attacker import random_engagement


@pytest.fixture
def audits(monkeypatch):
    """Counts the audits made (`protect_linked` calls), from an empty cache, all in this process (a
    forked child's would not be counted: `test_disclosure_cores.py` tests the decisions on two)."""
    made = []
    real = disclosure.protect_linked
    monkeypatch.setattr(disclosure, "second_core", lambda: False)

    def counted(*args, **kwargs):
        made.append(kwargs.get("frozen") is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(disclosure, "protect_linked", counted)
    disclosure._CACHE.clear()
    yield made
    disclosure._CACHE.clear()


def afresh(monkeypatch, clean, engagement, *, pooled: bool) -> dict:
    """The decision's masks with nothing cached and nothing kept."""
    disclosure._CACHE.clear()
    with monkeypatch.context() as m:
        m.setattr(disclosure._Held, "WAVES", 0)
        decision = disclosure.side_decision(clean, engagement, pooled=pooled)
        assert not disclosure._CACHE.waves
    disclosure._CACHE.clear()
    return decision.hidden


def assert_same_masks(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key in expected:
        assert np.array_equal(got[key], expected[key]), key


def test_the_demos_analysed_wave_is_audited_once_with_the_masks_of_a_fresh_decision(audits, monkeypatch):
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    employee = load_side(eng, "employee")
    both = disclosure.side_decision(employee, eng, pooled=False)
    n_audits = len(audits)
    wave = max(employee.frame["wave"].unique())
    alone = disclosure.side_decision(in_wave(employee, wave), eng, pooled=False)
    assert n_audits > 0 and len(audits) == n_audits  # the wave's audits were not made again
    assert_same_masks(both.hidden, afresh(monkeypatch, employee, eng, pooled=False))
    assert_same_masks(alone.hidden, afresh(monkeypatch, in_wave(employee, wave), eng, pooled=False))
    assert all(np.array_equal(alone.hidden[(wave, m)], both.hidden[(wave, m)]) for (w, m) in both.hidden if w == wave)


@pytest.mark.parametrize("seed", range(4))
def test_random_engagements_decide_alike_with_and_without_the_cache(seed, audits, monkeypatch):
    """All waves, each wave alone, the pool (its waves from the cache), the rows in another order."""
    eng, _, employee = random_engagement(200 + seed, pooled=True)
    waves = sorted(employee.frame["wave"].unique())
    got = {"all": disclosure.side_decision(employee, eng, pooled=False).hidden}
    n_audits = len(audits)
    for wave in waves:
        got[wave] = disclosure.side_decision(in_wave(employee, wave), eng, pooled=False).hidden
    got["pool"] = disclosure.side_decision(employee, eng, pooled=True).hidden
    assert len(audits) > n_audits and all(audits[n_audits:])  # only the pool's joint audits were made
    shuffled = replace(employee, frame=employee.frame.sample(frac=1, random_state=seed).reset_index(drop=True))
    n_audits = len(audits)
    got["shuffled"] = disclosure.side_decision(shuffled, eng, pooled=False).hidden
    assert len(audits) == n_audits  # the same counts: taken from the cache
    assert_same_masks(got["all"], afresh(monkeypatch, employee, eng, pooled=False))
    assert_same_masks(got["shuffled"], got["all"])
    for wave in waves:
        assert_same_masks(got[wave], afresh(monkeypatch, in_wave(employee, wave), eng, pooled=False))
    assert_same_masks(got["pool"], afresh(monkeypatch, employee, eng, pooled=True))


def test_a_changed_answer_is_never_served_from_the_cache(audits, monkeypatch):
    """One employee's answer changed in one wave: that wave is audited anew, the other taken as before."""
    eng, _, employee = random_engagement(300)
    disclosure.side_decision(employee, eng, pooled=False)
    per_wave = len(audits) // 2
    frame = employee.frame.copy()
    row = frame.index[(frame["wave"] == "2026") & frame["extra"].notna()][0]
    frame.loc[row, "extra"] = 1.0 if frame.loc[row, "extra"] != 1.0 else 5.0
    changed = replace(employee, frame=frame)
    n_audits = len(audits)
    decision = disclosure.side_decision(changed, eng, pooled=False)
    assert len(audits) - n_audits == per_wave  # 2026's measures, each audited again; 2025 from the cache
    assert_same_masks(decision.hidden, afresh(monkeypatch, changed, eng, pooled=False))
