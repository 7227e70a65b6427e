"""The finite-population correction, checked against exact enumeration of every possible sample and
scipy's hypergeometric distribution — not against its own formula."""
import itertools
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from mirrorgap.stats.estimators import mean_ci_from_summary, welch_from_summary, wilson_ci
from mirrorgap.stats.nps import nps, nps_from_counts
from mirrorgap.stats.survey import SIMPLE, Design, fpc_mean, fpc_share

POPULATION = np.array([1, 2, 2, 3, 4, 4, 5, 5], dtype=float)  # one unit's 8 employees on a 1–5 item


def test_fpc_mean_gives_the_exact_variance_of_the_mean_over_every_sample():
    """Var(ȳ) over all C(8, 4) samples without replacement equals E[s²]/n · fpc_mean² exactly."""
    n, N = 4, POPULATION.size
    samples = [POPULATION[list(c)] for c in itertools.combinations(range(N), n)]
    means = np.array([s.mean() for s in samples])
    exact_var = means.var()  # the samples are equally likely: the population variance of the means
    expected_s2 = np.mean([s.var(ddof=1) for s in samples])
    assert exact_var == pytest.approx(expected_s2 / n * fpc_mean(n, N) ** 2, rel=1e-12)
    assert exact_var != pytest.approx(expected_s2 / n, rel=1e-3)  # without it the variance is too large


def test_fpc_share_is_the_hypergeometric_correction():
    N, K, n = 40, 14, 25  # 40 employees, 14 in the top box, 25 answered
    exact = stats.hypergeom(N, K, n).var() / n ** 2
    p = K / N
    assert exact == pytest.approx(p * (1 - p) / n * fpc_share(n, N) ** 2, rel=1e-12)


def test_without_a_headcount_nothing_changes():
    assert fpc_mean(30, None) == fpc_share(30, None) == 1.0
    assert mean_ci_from_summary(30, 60.0, 20.0, design=Design(fpc=fpc_mean(30, None))) == \
        mean_ci_from_summary(30, 60.0, 20.0)
    assert wilson_ci(12, 30, design=SIMPLE) == wilson_ci(12, 30)
    assert nps_from_counts(10, 5, 3, fpc=fpc_share(18, None)) == nps_from_counts(10, 5, 3)


def test_mean_ci_narrows_by_the_factor_and_a_census_has_no_sampling_error():
    plain = mean_ci_from_summary(30, 60.0, 20.0)
    f = fpc_mean(30, 40)
    corrected = mean_ci_from_summary(30, 60.0, 20.0, design=Design(fpc=f))
    t = stats.t.ppf(0.975, 29)
    assert corrected.ci_high - corrected.mean == pytest.approx(t * 20 / math.sqrt(30) * math.sqrt(10 / 40))
    assert (corrected.ci_high - corrected.ci_low) == pytest.approx((plain.ci_high - plain.ci_low) * f)
    census = mean_ci_from_summary(40, 60.0, 20.0, design=Design(fpc=fpc_mean(40, 40)))
    assert census.ci_low == census.ci_high == 60.0


def test_wilson_with_fpc_uses_the_inflated_n():
    f = fpc_share(25, 40)
    got = wilson_ci(14, 25, design=Design(fpc=f))
    m = 25 / f ** 2  # Wilson's formula with n replaced by n/fpc²
    lo, hi = (float(b) for b in proportion_confint(14 / 25 * m, m, method="wilson"))
    assert (got.ci_low, got.ci_high) == pytest.approx((lo, hi), rel=1e-9)
    assert got.share == 14 / 25
    assert wilson_ci(14, 25, design=Design(fpc=0.0)).ci_low == 14 / 25


def test_welch_with_fpc_on_one_side():
    f = fpc_mean(20, 24)
    got = welch_from_summary(20, 70.0, 15.0, 200, 60.0, 20.0, design1=Design(fpc=f))
    v1, v2 = (15 * f) ** 2 / 20, 20 ** 2 / 200
    df = (v1 + v2) ** 2 / (v1 ** 2 / 19 + v2 ** 2 / 199)
    half = stats.t.ppf(0.975, df) * math.sqrt(v1 + v2)
    assert (got.ci_low, got.ci_high) == pytest.approx((10 - half, 10 + half), rel=1e-9)
    assert got.p_value == pytest.approx(2 * stats.t.sf(10 / math.sqrt(v1 + v2), df), rel=1e-9)


def test_nps_fpc_shrinks_the_adjusted_wald_half_width():
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5]
    plain, corrected = nps(scores), nps(scores, fpc=fpc_share(10, 12))
    centre_plain = (plain.ci_low + plain.ci_high) / 2
    assert (corrected.ci_low + corrected.ci_high) / 2 == pytest.approx(centre_plain)
    assert corrected.ci_high - corrected.ci_low == pytest.approx(
        (plain.ci_high - plain.ci_low) * math.sqrt(2 / 11))


def test_more_answers_than_headcount_is_refused():
    with pytest.raises(ValueError, match="more answers"):
        fpc_mean(41, 40)
