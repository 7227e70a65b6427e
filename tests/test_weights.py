"""Weights and Kish's effective n, checked against statsmodels' DescrStatsW and hand-worked examples."""
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from mirrorgap.stats.estimators import mean_ci, mean_ci_from_summary, welch_from_summary, wilson_ci
from mirrorgap.stats.nps import nps, nps_weighted
from mirrorgap.stats.survey import Design, check_weights, kish_n_eff, weighted_share, weighted_summary

RNG = np.random.default_rng(13)
X = RNG.integers(0, 101, 60).astype(float)
W = RNG.uniform(0.3, 3.0, 60)


def test_kish_by_hand():
    # (1 + 1 + 2 + 2)² / (1 + 1 + 4 + 4) = 36 / 10
    assert kish_n_eff([1, 1, 2, 2]) == pytest.approx(3.6)
    # by hand: with a share of k of the sample weighted w and the rest 1, n_eff/n =
    # (k·w + 1 − k)² / (k·w² + 1 − k); a quarter weighted 3: (1.5)² / 3 = 0.75
    assert kish_n_eff([3] * 25 + [1] * 75) == pytest.approx(75.0)
    assert kish_n_eff(np.full(17, 2.5)) == pytest.approx(17.0)


def test_weighted_mean_and_variance_match_descrstatsw():
    n, mean, sd, n_eff = weighted_summary(X, W)
    d = DescrStatsW(X, weights=W)
    assert n == 60 and n_eff == pytest.approx(W.sum() ** 2 / (W ** 2).sum())
    assert mean == pytest.approx(d.mean, rel=1e-12)
    assert sd ** 2 * (n_eff - 1) / n_eff == pytest.approx(d.var, rel=1e-12)  # DescrStatsW.var is ddof 0


def test_weighted_mean_ci_is_descrstatsw_on_weights_scaled_to_n_eff():
    """DescrStatsW treats weights as frequencies; scaled to sum to n_eff, its t interval is Kish's."""
    n, mean, sd, n_eff = weighted_summary(X, W)
    got = mean_ci_from_summary(n, mean, sd, design=Design(n_eff=n_eff))
    ref = DescrStatsW(X, weights=W * n_eff / W.sum()).tconfint_mean(alpha=0.05)
    assert (got.ci_low, got.ci_high) == pytest.approx(ref, rel=1e-10)


def test_equal_weights_change_nothing():
    n, mean, sd, n_eff = weighted_summary(X, np.full(60, 0.7))
    plain = mean_ci(X)
    assert (mean, sd, n_eff) == pytest.approx((plain.mean, plain.sd, 60))
    got = mean_ci_from_summary(n, mean, sd, design=Design(n_eff=n_eff))
    assert (got.ci_low, got.ci_high) == pytest.approx((plain.ci_low, plain.ci_high))
    assert nps_weighted([10, 9, 3, 7, 8, 0], np.ones(6)) == pytest.approx(nps([10, 9, 3, 7, 8, 0]))


def test_weighted_gap_uses_each_sides_n_eff():
    n, mean, sd, n_eff = weighted_summary(X, W)
    got = welch_from_summary(30, 70.0, 18.0, n, mean, sd, design2=Design(n_eff=n_eff))
    v1, v2 = 18 ** 2 / 30, sd ** 2 / n_eff
    df = (v1 + v2) ** 2 / (v1 ** 2 / 29 + v2 ** 2 / (n_eff - 1))
    assert got.df == pytest.approx(df) and got.p_value == pytest.approx(2 * stats.t.sf(abs(got.t), df))
    assert got.diff == pytest.approx(70 - DescrStatsW(X, weights=W).mean)


def test_weighted_top_box_and_nps():
    top = X >= 75
    share = weighted_share(top, W)
    assert share == pytest.approx(np.average(top, weights=W))
    n_eff = kish_n_eff(W)
    got = wilson_ci(share * 60, 60, design=Design(n_eff=n_eff))
    assert (got.ci_low, got.ci_high) == pytest.approx(proportion_confint(share * n_eff, n_eff, method="wilson"))
    scores = RNG.integers(0, 11, 60).astype(float)
    r = nps_weighted(scores, W)
    p, d = np.average(scores >= 9, weights=W), np.average(scores <= 6, weights=W)
    assert r.nps == pytest.approx(100 * (p - d)) and r.n == 60
    n_adj = n_eff + 3
    pa, da = (p * n_eff + 0.75) / n_adj, (d * n_eff + 0.75) / n_adj
    half = 1.959963984540054 * math.sqrt((pa + da - (pa - da) ** 2) / n_adj)
    assert (r.ci_low, r.ci_high) == pytest.approx((100 * (pa - da - half), 100 * (pa - da + half)))


@pytest.mark.parametrize("bad, message", [([1, -1], "non-negative"), ([0, 0], "sum to zero"),
                                          ([1, float("nan")], "finite"), ([1, float("inf")], "finite")])
def test_bad_weights_are_refused_by_name(bad, message):
    with pytest.raises(ValueError, match=message):
        check_weights(bad)
