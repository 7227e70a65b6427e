"""mirrorgap.stats.intervals against the tests the intervals stand for (scipy) and hand-made cases."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from mirrorgap.stats.intervals import excludes_zero, intervals_overlap


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("conf", [0.95, 0.90])
def test_a_welch_interval_excludes_zero_exactly_when_welchs_test_rejects(seed, conf):
    rng = np.random.default_rng(seed)
    a = rng.normal(60 + seed % 4 * 2.5, 15, size=rng.integers(8, 80))
    b = rng.normal(60, 20, size=rng.integers(8, 80))
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(conf)
    assert excludes_zero(ci.low, ci.high) is bool(ref.pvalue < 1 - conf)


@pytest.mark.parametrize("seed", range(8))
def test_a_fisher_z_interval_of_r_excludes_zero_exactly_when_the_z_test_rejects(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(6, 40))
    x = rng.normal(size=n)
    y = 0.15 * seed * x + rng.normal(size=n)
    res = sps.pearsonr(x, y)
    ci = res.confidence_interval(0.95)  # Fisher z, se 1/sqrt(n - 3)
    z = math.atanh(res.statistic) * math.sqrt(n - 3)
    p = 2 * sps.norm.sf(abs(z))
    assert excludes_zero(ci.low, ci.high) is bool(p < 0.05)


def test_excludes_zero_by_hand_and_elementwise():
    assert excludes_zero(0.1, 3.0) is True and excludes_zero(-3.0, -0.1) is True
    assert excludes_zero(-0.1, 3.0) is False and excludes_zero(0.0, 3.0) is False  # 0 inside or on the edge
    assert excludes_zero(float("nan"), 3.0) is False and excludes_zero(1.0, float("nan")) is True
    got = excludes_zero([1.0, -2.0, -1.0, np.nan], [2.0, -1.0, 1.0, np.nan])
    assert got.tolist() == [True, True, False, False]


def test_overlap_agrees_with_the_intersection_of_integer_intervals():
    bounds = [(lo, hi) for lo, hi in itertools.product(range(-3, 4), repeat=2) if lo <= hi]
    for (la, ha), (lb, hb) in itertools.product(bounds, repeat=2):
        shared = set(range(la, ha + 1)) & set(range(lb, hb + 1))
        assert intervals_overlap(la, ha, lb, hb) is bool(shared), (la, ha, lb, hb)


def test_overlap_is_false_at_a_nan_bound_and_works_elementwise():
    assert intervals_overlap(25.0, 35.0, 10.0, 20.0) is False  # the second lies wholly below the first
    assert intervals_overlap(25.0, 35.0, 10.0, 26.0) is True
    assert intervals_overlap(np.nan, 35.0, 10.0, 26.0) is False
    got = intervals_overlap([0.0, 0.0], [1.0, 1.0], [0.5, 2.0], [3.0, 3.0])
    assert got.tolist() == [True, False]
