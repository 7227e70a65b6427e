"""mirrorgap.stats.estimators against independent implementations (scipy, statsmodels) and published examples."""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special as sps_special
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from mirrorgap.stats import estimators as S

# Lakens (2013), "Calculating and reporting effect sizes...", Frontiers in Psychology 4:863, Table 1:
# ratings of two movies by two independent groups of 10. Reported: M 8.7 (SD 0.82) vs 7.7 (SD 0.95),
# t(18) = 2.52, p = 0.022, Cohen's d_s = 1.13, Hedges' g_s = 1.08.
LAKENS_MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
LAKENS_MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 7, 8]


def _samples(seed: int):
    """Pairs of samples of unequal sizes and spreads, Likert-ish and continuous."""
    rng = np.random.default_rng(seed)
    n1, n2 = rng.integers(3, 60, size=2)
    if seed % 2:
        a = rng.integers(1, 6, size=n1).astype(float)
        b = rng.integers(1, 6, size=n2).astype(float)
    else:
        a = rng.normal(3.8, rng.uniform(0.3, 2.0), size=n1)
        b = rng.normal(3.2, rng.uniform(0.3, 2.0), size=n2)
    return a, b


# ---------------------------------------------------------------------------------------------- means
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("conf", [0.90, 0.95, 0.99])
def test_mean_ci_matches_scipy_and_statsmodels(seed, conf):
    x, _ = _samples(seed)
    r = S.mean_ci(x, conf=conf)
    lo, hi = sps.t.interval(conf, len(x) - 1, loc=np.mean(x), scale=sps.sem(x))
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-12)
    lo2, hi2 = DescrStatsW(x).tconfint_mean(alpha=1 - conf)
    assert (r.ci_low, r.ci_high) == pytest.approx((lo2, hi2), rel=1e-12)
    assert r.n == len(x)
    assert r.mean == pytest.approx(np.mean(x))
    assert r.sd == pytest.approx(np.std(x, ddof=1))


def test_mean_ci_from_summary_hand_value():
    # t_{0.975, 9} = 2.262157 (printed t tables); half width = 2.262157 * 2 / sqrt(10) = 1.430714
    r = S.mean_ci_from_summary(10, 5.0, 2.0)
    assert r.ci_low == pytest.approx(5 - 1.430714, abs=1e-5)
    assert r.ci_high == pytest.approx(5 + 1.430714, abs=1e-5)


def test_mean_ci_ignores_nan():
    x = np.array([1.0, np.nan, 4.0, 5.0, np.nan, 2.0])
    clean = x[~np.isnan(x)]
    r = S.mean_ci(x)
    assert r.n == 4
    lo, hi = sps.t.interval(0.95, 3, loc=clean.mean(), scale=sps.sem(clean))
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi))
    assert S.mean_ci(pd.Series(x)) == r


def test_mean_ci_small_n_gives_nan_not_exception():
    r0 = S.mean_ci([])
    assert r0.n == 0 and all(math.isnan(v) for v in (r0.mean, r0.sd, r0.ci_low, r0.ci_high))
    assert S.mean_ci([np.nan, np.nan]).n == 0
    r1 = S.mean_ci([3.0, np.nan])
    assert r1.n == 1 and r1.mean == 3.0 and math.isnan(r1.ci_low) and math.isnan(r1.ci_high)
    r2 = S.mean_ci_from_summary(0, 99.0, 1.0)
    assert math.isnan(r2.mean)
    r3 = S.mean_ci([2.0, 2.0, 2.0])  # zero spread: a degenerate but valid CI
    assert (r3.ci_low, r3.ci_high) == (2.0, 2.0)


def test_mean_ci_bad_input():
    with pytest.raises(ValueError, match="inf"):
        S.mean_ci([1.0, np.inf])
    with pytest.raises(ValueError, match="conf"):
        S.mean_ci([1.0, 2.0], conf=95)
    with pytest.raises(ValueError, match="n must"):
        S.mean_ci_from_summary(-1, 0.0, 1.0)
    with pytest.raises(ValueError, match="n must"):
        S.mean_ci_from_summary(2.5, 0.0, 1.0)
    with pytest.raises(ValueError, match="sd"):
        S.mean_ci_from_summary(5, 0.0, -1.0)


@pytest.mark.parametrize("seed", range(10))
def test_summary_from_counts_matches_expanded_rows(seed):
    rng = np.random.default_rng(100 + seed)
    values = np.arange(1, 8, dtype=float)
    counts = rng.integers(0, 30, size=values.size)
    counts[rng.integers(0, values.size)] = 0
    n, mean, sd = S.summary_from_counts(values, counts)
    rows = np.repeat(values, counts)
    assert n == rows.size
    assert mean == pytest.approx(rows.mean(), rel=1e-12)
    assert sd == pytest.approx(rows.std(ddof=1), rel=1e-12)
    # the counts path into the CI equals statsmodels' frequency-weighted CI and the raw-rows CI
    r = S.mean_ci_from_summary(n, mean, sd)
    lo, hi = DescrStatsW(values, weights=counts).tconfint_mean()
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-12)
    raw = S.mean_ci(rows)
    assert (r.ci_low, r.ci_high) == pytest.approx((raw.ci_low, raw.ci_high), rel=1e-12)


def test_summary_from_counts_edges():
    assert S.summary_from_counts([1, 2, 3], [0, 0, 0])[0] == 0
    assert all(math.isnan(v) for v in S.summary_from_counts([1, 2, 3], [0, 0, 0])[1:])
    n, mean, sd = S.summary_from_counts([1, 2, 3], [0, 1, 0])
    assert (n, mean) == (1, 2.0) and math.isnan(sd)
    # a NaN value ("no answer" bucket) is ignored together with its count
    assert S.summary_from_counts([1, 2, np.nan], [3, 1, 50]) == pytest.approx(
        S.summary_from_counts([1, 2], [3, 1]))
    with pytest.raises(ValueError, match="same length"):
        S.summary_from_counts([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="whole numbers"):
        S.summary_from_counts([1, 2], [1, -1])
    with pytest.raises(ValueError, match="whole numbers"):
        S.summary_from_counts([1, 2], [1, 0.5])


# ---------------------------------------------------------------------------------------------- Wilson
@pytest.mark.parametrize("n", [1, 2, 5, 13, 40, 250])
@pytest.mark.parametrize("conf", [0.90, 0.95, 0.99])
def test_wilson_matches_statsmodels_for_every_count(n, conf):
    for k in range(n + 1):
        r = S.wilson_ci(k, n, conf=conf)
        lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
        assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), abs=1e-12)
        assert r.share == k / n and r.n == n and r.successes == k
        assert 0.0 <= r.ci_low <= r.share <= r.ci_high <= 1.0
    assert S.wilson_ci(0, n, conf=conf).ci_low == 0.0
    assert S.wilson_ci(n, n, conf=conf).ci_high == 1.0


def test_wilson_edges():
    r = S.wilson_ci(0, 0)
    assert r.n == 0 and math.isnan(r.share) and math.isnan(r.ci_low) and math.isnan(r.ci_high)
    with pytest.raises(ValueError, match="exceed"):
        S.wilson_ci(6, 5)
    with pytest.raises(ValueError, match="successes"):
        S.wilson_ci(-1, 5)
    assert S.wilson_ci(np.int64(3), np.float64(10.0)) == S.wilson_ci(3, 10)


# ---------------------------------------------------------------------------------------------- Welch
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("conf", [0.90, 0.95])
def test_welch_matches_scipy_and_statsmodels(seed, conf):
    a, b = _samples(seed)
    r = S.welch_test(a, b, conf=conf)
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert r.t == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert r.df == pytest.approx(ref.df, rel=1e-10)
    lo, hi = CompareMeans.from_data(a, b).tconfint_diff(alpha=1 - conf, usevar="unequal")
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-10)
    assert r.diff == pytest.approx(np.mean(a) - np.mean(b))
    ci = ref.confidence_interval(confidence_level=conf)
    assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)


@pytest.mark.parametrize("seed", range(6))
def test_welch_from_summary_matches_scipy_from_stats(seed):
    a, b = _samples(seed)
    args = (len(a), a.mean(), a.std(ddof=1), len(b), b.mean(), b.std(ddof=1))
    r = S.welch_from_summary(*args)
    n1, m1, s1, n2, m2, s2 = args
    ref = sps.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
    assert (r.t, r.p_value) == pytest.approx((ref.statistic, ref.pvalue), rel=1e-10)


def test_welch_lakens_example_and_nan_handling():
    r = S.welch_test(LAKENS_MOVIE_1, LAKENS_MOVIE_2)
    assert round(r.t, 2) == 2.52 and round(r.p_value, 3) == 0.022  # equal n: Welch t == Student t
    with_nan = S.welch_test(LAKENS_MOVIE_1 + [np.nan], [np.nan] + LAKENS_MOVIE_2)
    assert with_nan == r


def test_welch_degenerate_cases_give_nan():
    r = S.welch_test([1.0], [1.0, 2.0, 3.0])
    assert r.diff == -1.0 and all(math.isnan(v) for v in (r.t, r.df, r.p_value, r.ci_low, r.ci_high))
    r = S.welch_test([2.0, 2.0], [3.0, 3.0, 3.0])  # both constant: se == 0
    assert r.diff == -1.0 and math.isnan(r.t) and math.isnan(r.p_value)
    r = S.welch_test([], [1.0, 2.0])
    assert math.isnan(r.diff)
    # one constant group is fine: all the variance comes from the other
    r = S.welch_test([2.0, 2.0, 2.0], [1.0, 2.0, 4.0, 5.0])
    with warnings.catch_warnings():  # scipy warns about the constant group's moments
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = sps.ttest_ind([2.0, 2.0, 2.0], [1.0, 2.0, 4.0, 5.0], equal_var=False)
    assert (r.t, r.p_value) == pytest.approx((ref.statistic, ref.pvalue))


def test_welch_property_antisymmetric_and_shift_invariant():
    for seed in range(20):
        a, b = _samples(200 + seed)
        ab, ba = S.welch_test(a, b), S.welch_test(b, a)
        assert ab.t == pytest.approx(-ba.t) and ab.p_value == pytest.approx(ba.p_value)
        assert (ab.ci_low, ab.ci_high) == pytest.approx((-ba.ci_high, -ba.ci_low))
        shifted = S.welch_test(a + 7.0, b + 7.0)
        assert shifted.t == pytest.approx(ab.t, rel=1e-9, abs=1e-12)
        assert ab.ci_low <= ab.diff <= ab.ci_high


# ---------------------------------------------------------------------------------------------- Hedges
def test_hedges_g_lakens_2013_published_example():
    # Lakens 2013 reports d_s = 1.13 and g_s = 1.08 (g with J = 1 - 3/(4(n1+n2) - 9)).
    g = S.hedges_g(LAKENS_MOVIE_1, LAKENS_MOVIE_2)
    assert round(g, 2) == 1.08
    # the same from the published summary (means 8.7 / 7.7, SDs rounded to 0.82 / 0.95)
    assert round(S.hedges_g_from_summary(10, 8.7, 0.82, 10, 7.7, 0.95), 2) == 1.08
    # hand arithmetic: J = 1 - 3/71, d_s = 1 / sqrt((9*0.8233^2 + 9*0.9487^2)/18)
    d_s = 1.0 / math.sqrt((9 * np.var(LAKENS_MOVIE_1, ddof=1) + 9 * np.var(LAKENS_MOVIE_2, ddof=1)) / 18)
    assert round(d_s, 2) == 1.13
    assert g == pytest.approx(d_s * (1 - 3 / 71), rel=1e-12)


def _exact_j(df: float) -> float:
    return math.exp(sps_special.gammaln(df / 2) - 0.5 * math.log(df / 2) - sps_special.gammaln((df - 1) / 2))


@pytest.mark.parametrize("seed", range(10))
def test_hedges_g_vs_scipy_pieces(seed):
    a, b = _samples(seed)
    n1, n2 = len(a), len(b)
    sd_pooled = math.sqrt(((n1 - 1) * sps.tvar(a) + (n2 - 1) * sps.tvar(b)) / (n1 + n2 - 2))
    d = (sps.tmean(a) - sps.tmean(b)) / sd_pooled
    # cross-check d through Student's t: d = t * sqrt(1/n1 + 1/n2)
    t_student = sps.ttest_ind(a, b, equal_var=True).statistic
    assert d == pytest.approx(t_student * math.sqrt(1 / n1 + 1 / n2), rel=1e-10)
    g = S.hedges_g(a, b)
    assert g == pytest.approx(d * (1 - 3 / (4 * (n1 + n2) - 9)), rel=1e-12)
    # the approximation vs the exact gamma form of J
    assert g == pytest.approx(d * _exact_j(n1 + n2 - 2), rel=2e-3)


def test_hedges_correction_is_the_approximation_close_to_exact_j():
    for total in range(4, 400):
        j = S.hedges_correction(total // 2, total - total // 2)
        assert j == pytest.approx(1 - 3 / (4 * total - 9))
        exact = _exact_j(total - 2)
        assert j >= exact
        if total >= 8:
            assert j - exact < 1e-3
    assert math.isnan(S.hedges_correction(1, 2))


def test_hedges_g_edges_and_properties():
    assert math.isnan(S.hedges_g([1.0, 1.0], [1.0, 1.0, 1.0]))  # zero pooled SD
    assert math.isnan(S.hedges_g([], [1.0, 2.0, 3.0]))
    assert math.isnan(S.hedges_g([1.0], [1.0, 2.0]))  # n1 + n2 < 4
    # a group of one adds nothing to the pooled SD
    g = S.hedges_g([5.0], [1.0, 2.0, 3.0])
    assert g == pytest.approx((5 - 2) / 1.0 * (1 - 3 / (4 * 4 - 9)))
    for seed in range(20):
        a, b = _samples(300 + seed)
        g = S.hedges_g(a, b)
        assert S.hedges_g(b, a) == pytest.approx(-g)
        assert S.hedges_g(3 * a + 1, 3 * b + 1) == pytest.approx(g)  # scale-free
        assert np.sign(g) == np.sign(a.mean() - b.mean())


# ---------------------------------------------------------------------------------------------- BH
@pytest.mark.parametrize("seed", range(15))
def test_bh_matches_statsmodels_and_scipy_with_nans(seed):
    rng = np.random.default_rng(400 + seed)
    m = int(rng.integers(1, 40))
    p = np.concatenate([rng.uniform(0, 1, m), rng.uniform(0, 0.01, int(rng.integers(0, 5)))])
    p[rng.random(p.size) < 0.2] = np.nan
    p[rng.random(p.size) < 0.1] = 0.03  # ties
    rng.shuffle(p)
    q = S.benjamini_hochberg(p)
    ok = ~np.isnan(p)
    assert np.array_equal(np.isnan(q), ~ok)
    if ok.any():
        ref_sm = multipletests(p[ok], method="fdr_bh")[1]
        ref_sp = sps.false_discovery_control(p[ok], method="bh")
        np.testing.assert_allclose(q[ok], ref_sm, rtol=1e-12)
        np.testing.assert_allclose(q[ok], ref_sp, rtol=1e-12)
        assert (q[ok] >= p[ok]).all() and (q[ok] <= 1).all()


def test_bh_shapes_and_edges():
    p = np.array([[0.01, np.nan], [0.04, 0.03]])
    q = S.benjamini_hochberg(p)
    assert q.shape == (2, 2) and math.isnan(q[0, 1])
    np.testing.assert_allclose(q[~np.isnan(p)], multipletests([0.01, 0.04, 0.03], method="fdr_bh")[1])
    assert S.benjamini_hochberg([]).shape == (0,)
    assert np.isnan(S.benjamini_hochberg([np.nan, np.nan])).all()
    np.testing.assert_allclose(S.benjamini_hochberg([0.2]), [0.2])
    assert p[0, 1] != p[0, 1]  # input untouched (still NaN, not overwritten)
    with pytest.raises(ValueError, match="1.5"):
        S.benjamini_hochberg([0.1, 1.5])


# ---------------------------------------------------------------------------------------------- POMP
def test_pomp_scalars_arrays_series():
    assert S.pomp(1, 1, 5) == 0.0 and S.pomp(5, 1, 5) == 100.0 and S.pomp(3.5, 1, 5) == 62.5
    assert isinstance(S.pomp(np.int64(3), 1, 5), float)
    np.testing.assert_allclose(S.pomp([0, 5, 10], 0, 10), [0, 50, 100])
    np.testing.assert_allclose(S.pomp(np.array([1.0, np.nan]), 1, 7), [0.0, np.nan])
    s = pd.Series([1, 4, 7], index=list("abc"))
    out = S.pomp(s, 1, 7)
    assert isinstance(out, pd.Series) and list(out.index) == list("abc")
    np.testing.assert_allclose(out.to_numpy(), [0, 50, 100])
    with pytest.raises(ValueError, match="scale_max"):
        S.pomp(3, 5, 1)
    with pytest.raises(ValueError, match="scale_max"):
        S.pomp(3, 5, 5)


# ---------------------------------------------------------------------------------------------- misc
def test_results_are_frozen():
    r = S.mean_ci([1.0, 2.0, 3.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.mean = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        S.wilson_ci(1, 2).share = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        S.welch_test([1.0, 2.0], [3.0, 5.0]).t = 0.0  # type: ignore[misc]


def test_nps_is_reexported():
    from mirrorgap.stats import nps as N
    assert S.nps is N.nps and S.nps_from_counts is N.nps_from_counts
    assert S.NPSResult is N.NPSResult and S.nps_difference is N.nps_difference


def test_pomp_takes_one_scale_per_element_and_from_pomp_turns_it_back():
    values = np.array([1.0, 5.0, 0.0, 10.0, 4.0])
    lo, hi = np.array([1, 1, 0, 0, 1]), np.array([5, 5, 10, 10, 7])
    assert np.allclose(S.pomp(values, lo, hi), [0, 100, 0, 100, 50])
    assert np.allclose(S.from_pomp(S.pomp(values, lo, hi), lo, hi), values)
    with pytest.raises(ValueError):
        S.pomp(values, lo, lo)


def test_top_box_counts_4_and_5_of_a_1_to_5_scale_at_75():
    scores = S.pomp(np.array([1, 2, 3, 4, 5]), 1, 5)
    assert S.top_box(scores, 75).tolist() == [False, False, False, True, True]
    assert S.top_box(S.pomp(np.array([4, 5, 6, 7]), 1, 7), 2 / 3 * 100).tolist() == [False, True, True, True]


def test_nps_groups_are_9_10_promoters_7_8_passives_0_6_detractors():
    from mirrorgap.stats.nps import nps_groups
    promoters, passives, detractors = nps_groups(np.arange(11))
    assert np.flatnonzero(promoters).tolist() == [9, 10]
    assert np.flatnonzero(passives).tolist() == [7, 8]
    assert np.flatnonzero(detractors).tolist() == list(range(7))


def test_welch_ci_arrays_equal_scipy_elementwise_and_blank_where_undefined():
    from scipy import stats as sps
    rng = np.random.default_rng(7)
    samples = [(rng.normal(60, 15, rng.integers(2, 40)), rng.normal(55, 20, rng.integers(2, 40))) for _ in range(25)]
    n1, m1, s1, n2, m2, s2 = (np.array(v, dtype=float) for v in zip(*[
        (len(a), a.mean(), a.std(ddof=1), len(b), b.mean(), b.std(ddof=1)) for a, b in samples]))
    diff, low, high = S.welch_ci_arrays(n1, m1, s1, n2, m2, s2, conf=0.9)
    for k, (a, b) in enumerate(samples):
        ci = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.9)
        assert diff[k] == pytest.approx(a.mean() - b.mean()) and (low[k], high[k]) == pytest.approx((ci.low, ci.high))
    _, low, high = S.welch_ci_arrays(np.array([1, 5]), np.array([50, 50]), np.array([0, 0]),
                                     np.array([9, 5]), np.array([40, 50]), np.array([10, 0]))
    assert np.isnan(low).all() and np.isnan(high).all()
