"""mirrorgap.stats.nps: hand-worked adjusted-Wald examples, a coverage simulation, and edge cases."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from mirrorgap.stats.nps import NPSResult, nps, nps_difference, nps_from_counts

Z95 = 1.959963984540054  # Φ⁻¹(0.975), written out so the test does not share the implementation's z


def test_worked_example_p50_pa30_d20():
    r = nps_from_counts(50, 30, 20)
    assert (r.n, r.promoters, r.passives, r.detractors) == (100, 50, 30, 20)
    assert (r.promoter_share, r.passive_share, r.detractor_share) == (0.5, 0.3, 0.2)
    assert r.nps == 30.0  # 100 * (50 - 20) / 100
    # adjusted Wald, by hand: n* = 100 + 3 = 103, P* = 50.75, D* = 20.75
    p_adj, d_adj = 50.75 / 103, 20.75 / 103           # 0.492718..., 0.201456...
    nps_adj = p_adj - d_adj                           # 30/103 = 0.291262...
    var_adj = (p_adj + d_adj - nps_adj ** 2) / 103    # (0.694175 - 0.084834)/103 = 0.0059159...
    half = Z95 * math.sqrt(var_adj)                   # 1.96 * 0.076915 = 0.150751
    assert r.ci_low == pytest.approx(100 * (nps_adj - half), abs=1e-9)
    assert r.ci_high == pytest.approx(100 * (nps_adj + half), abs=1e-9)
    # and the rounded hand result
    assert (round(r.ci_low, 2), round(r.ci_high, 2)) == (14.05, 44.20)
    # the interval is centred on the adjusted NPS (29.13), not on the plain 30
    assert (r.ci_low + r.ci_high) / 2 == pytest.approx(100 * 30 / 103)


def test_other_conf_levels_use_the_right_z():
    r90 = nps_from_counts(50, 30, 20, conf=0.90)
    z90 = 1.6448536269514722
    p_adj, d_adj = 50.75 / 103, 20.75 / 103
    half = z90 * math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / 103)
    assert r90.ci_high == pytest.approx(100 * (p_adj - d_adj + half), abs=1e-9)
    r95 = nps_from_counts(50, 30, 20)
    assert r95.ci_low < r90.ci_low < r90.ci_high < r95.ci_high


def test_scores_are_classified_at_the_right_boundaries():
    scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan, 10, 9]
    r = nps(scores)
    assert (r.detractors, r.passives, r.promoters, r.n) == (7, 2, 4, 13)
    assert r.nps == pytest.approx(100 * (4 - 7) / 13)
    assert r == nps_from_counts(4, 2, 7)
    assert nps(np.array([[9, 9], [7, 3]])) == nps_from_counts(2, 1, 1)


def test_all_promoters_clips_at_100():
    r = nps([10] * 20)
    assert r.nps == 100.0 and r.promoter_share == 1.0 and r.detractor_share == 0.0
    # adjusted: p* = 20.75/23, d* = 0.75/23 -> upper bound 104.0 before clipping
    p_adj, d_adj = 20.75 / 23, 0.75 / 23
    low = 100 * (p_adj - d_adj - Z95 * math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / 23))
    assert r.ci_high == 100.0
    assert r.ci_low == pytest.approx(low)
    assert nps([0] * 20).ci_low == -100.0


def test_empty_gives_nan_without_exception():
    for r in (nps([]), nps([np.nan, np.nan]), nps_from_counts(0, 0, 0)):
        assert r.n == 0 and (r.promoters, r.passives, r.detractors) == (0, 0, 0)
        assert all(math.isnan(v) for v in (r.nps, r.ci_low, r.ci_high, r.promoter_share,
                                           r.passive_share, r.detractor_share))
    assert all(math.isnan(v) for v in nps_difference(nps([]), nps([9, 9])))


@pytest.mark.parametrize("bad", [11, -1, 8.5, 100, np.inf])
def test_values_outside_0_10_raise_naming_the_value(bad):
    with pytest.raises(ValueError) as exc:
        nps([9, 7, bad, 3])
    shown = str(int(bad)) if float(bad).is_integer() else str(bad)
    assert shown in str(exc.value)


def test_bad_counts_and_conf_raise():
    with pytest.raises(ValueError, match="promoters"):
        nps_from_counts(-1, 2, 3)
    with pytest.raises(ValueError, match="detractors"):
        nps_from_counts(1, 2, 2.5)
    with pytest.raises(ValueError, match="conf"):
        nps_from_counts(1, 2, 3, conf=1.0)
    with pytest.raises(ValueError, match="0..10"):
        nps(["nine", "ten"])


def test_difference_worked_example():
    a = nps_from_counts(50, 30, 20)   # NPS 30
    b = nps_from_counts(30, 40, 30)   # NPS 0
    diff, low, high = nps_difference(a, b)
    assert diff == 30.0
    pa, da = 50.75 / 103, 20.75 / 103
    pb, db = 30.75 / 103, 30.75 / 103
    var_a = (pa + da - (pa - da) ** 2) / 103
    var_b = (pb + db - (pb - db) ** 2) / 103
    centre = (pa - da) - (pb - db)
    half = Z95 * math.sqrt(var_a + var_b)
    assert low == pytest.approx(100 * (centre - half), abs=1e-9)
    assert high == pytest.approx(100 * (centre + half), abs=1e-9)
    # antisymmetric
    d2, l2, h2 = nps_difference(b, a)
    assert (d2, l2, h2) == pytest.approx((-diff, -high, -low))


def test_difference_clips_at_200():
    # at 95% the adjusted upper bound approaches but never passes 200 (≈ 200 − 12/n); at 99% it does
    diff, low, high = nps_difference(nps([10] * 50), nps([0] * 50), conf=0.99)
    assert diff == 200.0 and high == 200.0 and low < 200.0


def test_difference_shrinkage_can_exclude_the_plain_estimate_at_tiny_n():
    # documented behaviour of the adjusted Wald: 5 all-promoters vs 5 all-detractors
    # centre = 100 * (5/8 - (-5/8)) = 125, half = 100 * Z95 * sqrt(2 * (0.8125 - 0.625**2) / 8)
    diff, low, high = nps_difference(nps([10] * 5), nps([0] * 5))
    half = 100 * Z95 * math.sqrt(2 * (0.8125 - 0.625 ** 2) / 8)
    assert diff == 200.0
    assert (low, high) == pytest.approx((125 - half, 125 + half))
    assert high < diff


def test_properties_over_random_counts():
    rng = np.random.default_rng(7)
    for _ in range(300):
        P, A, D = (int(v) for v in rng.integers(0, 60, size=3))
        if P + A + D == 0:
            continue
        r = nps_from_counts(P, A, D)
        assert r.promoter_share + r.passive_share + r.detractor_share == pytest.approx(1.0)
        assert r.nps == pytest.approx(100 * (r.promoter_share - r.detractor_share))
        assert -100.0 <= r.ci_low < r.ci_high <= 100.0
        mirrored = nps_from_counts(D, A, P)
        assert mirrored.nps == pytest.approx(-r.nps)
        assert (mirrored.ci_low, mirrored.ci_high) == pytest.approx((-r.ci_high, -r.ci_low))


@pytest.mark.parametrize("n, probs, seed", [
    (50, (0.50, 0.30, 0.20), 11),
    (30, (0.70, 0.20, 0.10), 12),
])
def test_adjusted_wald_coverage_simulation(n, probs, seed):
    rng = np.random.default_rng(seed)
    true_nps = 100 * (probs[0] - probs[2])
    draws = rng.multinomial(n, probs, size=4000)
    covered = 0
    for P, A, D in draws:
        r = nps_from_counts(P, A, D)
        covered += r.ci_low <= true_nps <= r.ci_high
    assert 0.93 <= covered / len(draws) <= 0.97


def test_result_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        nps_from_counts(1, 1, 1).nps = 0.0  # type: ignore[misc]
    assert isinstance(nps([9]), NPSResult)
