"""Statistics for the gap analysis: means with t intervals, Wilson shares, Welch's test, Hedges' g,
Benjamini–Hochberg q-values and POMP scores.

Every estimator is built on **sufficient statistics** (n, mean, sd or successes, n), so the same code
serves raw answer rows and anonymised answer counts; the array helpers (`mean_ci`, `welch_test`,
`hedges_g`) only reduce their input to those statistics and call the `*_from_summary` core.

Conventions:
- NaN in an input array means "no answer" and is dropped; ±inf is an error.
- Too little data never raises: the affected fields come back as NaN (e.g. n < 2 gives no CI).
- Bad arguments (negative n, successes > n, conf outside (0, 1), p-values outside [0, 1]) raise
  ValueError naming the argument and the value.
- Run-time dependencies are numpy and the t and normal functions of `scipy.special` (`stdtrit`,
  `stdtr`, `ndtri`: what `scipy.stats.t` and `norm` call underneath, without loading `scipy.stats`,
  which costs a dashboard kernel ~50 MB and each call ~50 µs); no pandas, no statsmodels.

NPS lives in `mirrorgap.stats.nps` and is re-exported here (`NPSResult`, `nps`, `nps_from_counts`,
`nps_difference`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri, stdtr, stdtrit

from mirrorgap.stats.nps import NPSResult, _as_count, nps, nps_difference, nps_from_counts
from mirrorgap.stats.survey import SIMPLE, Design

__all__ = [
    "MeanCI", "Proportion", "WelchResult", "NPSResult",
    "mean_ci_from_summary", "mean_ci", "summary_from_counts",
    "wilson_ci",
    "welch_from_summary", "welch_test", "welch_ci_arrays",
    "hedges_g_from_summary", "hedges_g", "hedges_correction",
    "benjamini_hochberg", "pomp", "from_pomp", "top_box",
    "nps_from_counts", "nps", "nps_difference",
]

_NAN = float("nan")


# ----------------------------------------------------------------------------------------------
# argument checking
# ----------------------------------------------------------------------------------------------
def _check_conf(conf) -> float:
    conf = float(conf)
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must lie strictly between 0 and 1, got {conf!r}")
    return conf




def _clean(values, name: str) -> np.ndarray:
    """Flatten to float, drop NaN, refuse ±inf."""
    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if np.isinf(arr).any():
        bad = arr[np.isinf(arr)][0]
        raise ValueError(f"{name} contains a non-finite value {bad!r}")
    return arr


def _summary(arr: np.ndarray) -> tuple[int, float, float]:
    n = int(arr.size)
    if n == 0:
        return 0, _NAN, _NAN
    mean = float(arr.mean())
    sd = float(arr.std(ddof=1)) if n >= 2 else _NAN
    return n, mean, sd


# ----------------------------------------------------------------------------------------------
# means
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeanCI:
    """A mean with its t-based confidence interval (sd with ddof=1)."""

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float


def mean_ci_from_summary(n, mean, sd, *, conf: float = 0.95, design: Design = SIMPLE) -> MeanCI:
    """t-based confidence interval for a mean from its sufficient statistics.

    Parameters
    ----------
    n : number of answers (non-negative whole number).
    mean : sample mean.
    sd : sample standard deviation with ddof=1 (non-negative or NaN).
    conf : confidence level in (0, 1), default 0.95.
    design : weights and headcount (`stats.survey.Design`): n_eff replaces n in se and df, and the
        finite-population factor multiplies se; the default is a simple random sample.

    Returns MeanCI with ``mean ± t_{(1+conf)/2, n-1} · sd/√n`` (n: the design's n_eff, se × fpc).
    n == 0 -> mean, sd and CI are NaN; n == 1 -> CI is NaN (mean kept). No exception either way.
    """
    conf = _check_conf(conf)
    n = _as_count(n, "n")
    if n == 0:
        return MeanCI(0, _NAN, _NAN, _NAN, _NAN)
    mean, sd = float(mean), float(sd)
    if sd < 0:
        raise ValueError(f"sd must be non-negative, got {sd!r}")
    n_var = design.n_var(n)
    if n < 2 or math.isnan(sd) or n_var <= 1:
        return MeanCI(n, mean, sd, _NAN, _NAN)
    half = float(stdtrit(n_var - 1, (1.0 + conf) / 2.0)) * sd / math.sqrt(n_var) * design.fpc
    return MeanCI(n, mean, sd, mean - half, mean + half)


def mean_ci(values, *, conf: float = 0.95) -> MeanCI:
    """t-based confidence interval for the mean of raw answers.

    Parameters
    ----------
    values : array-like of numbers; NaN (no answer) is ignored, ±inf raises ValueError.
    conf : confidence level in (0, 1), default 0.95.

    See `mean_ci_from_summary` for the small-n behaviour.
    """
    n, mean, sd = _summary(_clean(values, "values"))
    return mean_ci_from_summary(n, mean, sd, conf=conf)


def summary_from_counts(values, counts) -> tuple[int, float, float]:
    """Sufficient statistics (n, mean, sd with ddof=1) from (value, count) pairs.

    Parameters
    ----------
    values : 1-D array-like of answer values (e.g. the scale steps 1..5). A NaN value is "no answer"
        and its count is ignored.
    counts : array-like of the same length; non-negative whole numbers (how many gave that value).

    Returns ``(n, mean, sd)``; exactly what expanding the counts into rows and taking
    ``mean`` / ``std(ddof=1)`` would give. n == 0 -> (0, nan, nan); n == 1 -> sd is nan.
    """
    v = np.asarray(values, dtype=float).ravel()
    c = np.asarray(counts, dtype=float).ravel()
    if v.shape != c.shape:
        raise ValueError(f"values and counts must have the same length, got {v.size} and {c.size}")
    bad = ~np.isfinite(c) | (c < 0) | (c != np.round(c))
    if bad.any():
        raise ValueError(f"counts must be non-negative whole numbers, got {c[bad][0]!r}")
    keep = ~np.isnan(v) & (c > 0)
    v, c = v[keep], c[keep]
    if np.isinf(v).any():
        raise ValueError(f"values contains a non-finite value {v[np.isinf(v)][0]!r}")
    n = int(c.sum())
    if n == 0:
        return 0, _NAN, _NAN
    mean = float((v * c).sum() / n)
    if n < 2:
        return n, mean, _NAN
    ss = float((c * (v - mean) ** 2).sum())
    return n, mean, math.sqrt(ss / (n - 1))


# ----------------------------------------------------------------------------------------------
# proportions
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proportion:
    """A share (0..1) with its Wilson score interval."""

    n: int
    successes: int
    share: float
    ci_low: float
    ci_high: float


def wilson_ci(successes, n, *, conf: float = 0.95, design: Design = SIMPLE) -> Proportion:
    """Wilson score interval for a share (e.g. the top-box share).

    Parameters
    ----------
    successes : number of "yes" answers (whole number, 0 <= successes <= n).
    n : number of answers (whole number >= 0).
    conf : confidence level in (0, 1), default 0.95; z from the normal quantile.

    With p = successes/n: centre = (p + z²/2n)/(1 + z²/n),
    half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²). The bounds are exactly 0 at successes == 0 and
    exactly 1 at successes == n. n == 0 -> share and CI are NaN (no exception).
    design: with weights, successes is the weighted count (share · n, need not be whole) and the
    formula's n is n_eff/fpc² (the Kish-adjusted Wilson interval; fpc 0, a census, gives the point).
    """
    conf = _check_conf(conf)
    n = _as_count(n, "n")
    successes = _as_count(successes, "successes") if design.n_eff is None else float(successes)
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    if n == 0:
        return Proportion(0, 0, _NAN, _NAN, _NAN)
    z = float(ndtri((1.0 + conf) / 2.0))
    p = successes / n
    if design.fpc == 0:
        return Proportion(n, successes, p, p, p)
    m = design.n_var(n) / design.fpc ** 2  # the n of a simple sample as precise as this design
    if m <= 0:  # weights all zero: no effective sample
        return Proportion(n, successes, p, _NAN, _NAN)
    denom = 1.0 + z * z / m
    centre = (p + z * z / (2 * m)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Proportion(n, successes, p, low, high)


# ----------------------------------------------------------------------------------------------
# Welch's t-test
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WelchResult:
    """Welch's unequal-variance t-test of mean1 − mean2, two-sided."""

    diff: float
    ci_low: float
    ci_high: float
    t: float
    df: float
    p_value: float


def welch_from_summary(n1, mean1, sd1, n2, mean2, sd2, *, conf: float = 0.95, design1: Design = SIMPLE,
                       design2: Design = SIMPLE) -> WelchResult:
    """Welch's t-test and CI for ``diff = mean1 − mean2`` from sufficient statistics.

    Parameters
    ----------
    n1, mean1, sd1 : size, mean, sd (ddof=1) of group 1 (e.g. employees).
    n2, mean2, sd2 : the same for group 2 (e.g. customers).
    conf : confidence level of the CI in (0, 1), default 0.95.

    se = √(sd1²/n1 + sd2²/n2); t = diff/se; Welch–Satterthwaite
    df = se⁴ / ((sd1²/n1)²/(n1−1) + (sd2²/n2)²/(n2−1)); two-sided p from t(df);
    CI = diff ± t_{(1+conf)/2, df} · se.
    Either n < 2, a NaN sd, or se == 0 (both groups constant) -> t, df, p and CI are NaN; diff is
    kept whenever both means exist. No exception.
    design1, design2: each group's weights and headcount: its n_eff replaces n (in se and df), its
    fpc multiplies sd/√n.
    """
    conf = _check_conf(conf)
    n1, n2 = _as_count(n1, "n1"), _as_count(n2, "n2")
    m1 = float(mean1) if n1 > 0 else _NAN
    m2 = float(mean2) if n2 > 0 else _NAN
    diff = m1 - m2
    nan_result = WelchResult(diff, _NAN, _NAN, _NAN, _NAN, _NAN)
    if n1 < 2 or n2 < 2:
        return nan_result
    s1, s2 = float(sd1), float(sd2)
    for name, s in (("sd1", s1), ("sd2", s2)):
        if s < 0:
            raise ValueError(f"{name} must be non-negative, got {s!r}")
    if math.isnan(s1) or math.isnan(s2):
        return nan_result
    n1, n2 = design1.n_var(n1), design2.n_var(n2)
    if n1 <= 1 or n2 <= 1:
        return nan_result
    v1, v2 = (s1 * design1.fpc) ** 2 / n1, (s2 * design2.fpc) ** 2 / n2
    se2 = v1 + v2
    if se2 == 0:
        return nan_result
    se = math.sqrt(se2)
    t = diff / se
    df = se2 * se2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    p = float(min(1.0, 2.0 * stdtr(df, -abs(t))))
    half = float(stdtrit(df, (1.0 + conf) / 2.0)) * se
    return WelchResult(diff, diff - half, diff + half, t, df, p)


def welch_ci_arrays(n1, mean1, sd1, n2, mean2, sd2, *, conf: float = 0.95):
    """`welch_from_summary`'s difference and CI elementwise over arrays (e.g. every unit × item of a
    heatmap at once): returns (diff, ci_low, ci_high); the CI is NaN where a group has n < 2 or se = 0."""
    conf = _check_conf(conf)
    n1, n2 = np.asarray(n1, dtype=float), np.asarray(n2, dtype=float)
    diff = np.asarray(mean1, dtype=float) - np.asarray(mean2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        v1, v2 = np.asarray(sd1, dtype=float) ** 2 / n1, np.asarray(sd2, dtype=float) ** 2 / n2
        se2 = v1 + v2
        df = se2 ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
        half = stdtrit(df, (1.0 + conf) / 2.0) * np.sqrt(se2)
    ok = (n1 >= 2) & (n2 >= 2) & (se2 > 0)
    return diff, np.where(ok, diff - half, np.nan), np.where(ok, diff + half, np.nan)


def welch_test(a, b, *, conf: float = 0.95) -> WelchResult:
    """Welch's t-test of mean(a) − mean(b) on raw answers.

    Parameters
    ----------
    a, b : array-likes of numbers; NaN ignored, ±inf raises ValueError.
    conf : confidence level of the CI, default 0.95.

    See `welch_from_summary`.
    """
    n1, m1, s1 = _summary(_clean(a, "a"))
    n2, m2, s2 = _summary(_clean(b, "b"))
    return welch_from_summary(n1, m1, s1, n2, m2, s2, conf=conf)


# ----------------------------------------------------------------------------------------------
# Hedges' g
# ----------------------------------------------------------------------------------------------
def hedges_correction(n1, n2) -> float:
    """Small-sample correction factor J used by `hedges_g`.

    Parameters
    ----------
    n1, n2 : group sizes.

    The Hedges & Olkin (1985) approximation J = 1 − 3/(4(n1+n2) − 9) = 1 − 3/(4·df − 1) with
    df = n1 + n2 − 2 (the form in Lakens 2013, eq. 4). It differs from the exact
    Γ(df/2)/(√(df/2)·Γ((df−1)/2)) by < 0.001 once n1 + n2 >= 8 (about 2e-5 at n1 + n2 = 40); the
    approximation is always slightly larger. NaN when n1 + n2 < 4 (at df = 1 both forms give J = 0,
    which would report g = 0 whatever the data).
    """
    total = _as_count(n1, "n1") + _as_count(n2, "n2")
    if total < 4:
        return _NAN
    return 1.0 - 3.0 / (4.0 * total - 9.0)


def hedges_g_from_summary(n1, mean1, sd1, n2, mean2, sd2) -> float:
    """Hedges' g (bias-corrected standardised mean difference) of mean1 − mean2.

    Parameters
    ----------
    n1, mean1, sd1 : size, mean, sd (ddof=1) of group 1.
    n2, mean2, sd2 : the same for group 2.

    g = J · (mean1 − mean2)/s_pooled, s_pooled = √(((n1−1)sd1² + (n2−1)sd2²)/(n1+n2−2)),
    J = 1 − 3/(4(n1+n2) − 9) (the Hedges & Olkin approximation, see `hedges_correction`).
    A group of one contributes nothing to s_pooled (its sd may be NaN). NaN when a group is empty,
    n1 + n2 < 4, an sd needed is NaN, or s_pooled == 0. No exception.
    """
    n1, n2 = _as_count(n1, "n1"), _as_count(n2, "n2")
    if n1 < 1 or n2 < 1 or n1 + n2 < 4:
        return _NAN
    ss = 0.0
    for name, n, sd in (("sd1", n1, sd1), ("sd2", n2, sd2)):
        if n >= 2:
            s = float(sd)
            if s < 0:
                raise ValueError(f"{name} must be non-negative, got {s!r}")
            ss += (n - 1) * s * s
    sp = math.sqrt(ss / (n1 + n2 - 2))
    if math.isnan(sp) or sp == 0:
        return _NAN
    return hedges_correction(n1, n2) * (float(mean1) - float(mean2)) / sp


def hedges_g(a, b) -> float:
    """Hedges' g of mean(a) − mean(b) on raw answers.

    Parameters
    ----------
    a, b : array-likes of numbers; NaN ignored, ±inf raises ValueError.

    See `hedges_g_from_summary`.
    """
    n1, m1, s1 = _summary(_clean(a, "a"))
    n2, m2, s2 = _summary(_clean(b, "b"))
    return hedges_g_from_summary(n1, m1, s1, n2, m2, s2)


# ----------------------------------------------------------------------------------------------
# multiple testing, rescaling
# ----------------------------------------------------------------------------------------------
def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini–Hochberg (1995) q-values (FDR-adjusted p-values).

    Parameters
    ----------
    p_values : array-like of p-values in [0, 1], any shape; NaN allowed.

    Returns a float array of the same shape. NaN in -> NaN out; the others are adjusted among the
    m non-NaN values only: q_(i) = min_{j >= i} min(1, m·p_(j)/j) over the ascending order.
    A p-value outside [0, 1] raises ValueError.
    """
    p = np.array(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = ~np.isnan(flat)
    vals = flat[ok]
    if ((vals < 0) | (vals > 1)).any():
        bad = vals[(vals < 0) | (vals > 1)][0]
        raise ValueError(f"p-values must lie in [0, 1], got {bad!r}")
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(vals, kind="stable")
    ranked = vals[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    out_flat = out.ravel()
    out_flat[ok] = q
    return out_flat.reshape(p.shape)


def pomp(x, scale_min, scale_max):
    """Percent of maximum possible: (x − scale_min)/(scale_max − scale_min) · 100.

    Parameters
    ----------
    x : a scalar, list/tuple, numpy array or pandas object (index kept) of scale values; NaN
        propagates; values are not clipped.
    scale_min, scale_max : the scale's end points (e.g. 1 and 5), or arrays of them (one per element
        of x); scale_max must exceed scale_min.

    Returns a float for scalar input, otherwise an object of the input's kind (list/tuple -> ndarray).
    """
    if np.ndim(scale_min) or np.ndim(scale_max):  # one scale per element (e.g. per measure of a count table)
        lo, hi = np.asarray(scale_min, dtype=float), np.asarray(scale_max, dtype=float)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all() and (hi > lo).all()):
            raise ValueError("scale_max must exceed scale_min for every element")
        return (np.asarray(x, dtype=float) - lo) / (hi - lo) * 100.0
    lo, hi = float(scale_min), float(scale_max)
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise ValueError(f"scale_max must exceed scale_min, got scale_min={scale_min!r}, "
                         f"scale_max={scale_max!r}")
    if isinstance(x, (list, tuple)):
        x = np.asarray(x, dtype=float)
    if np.ndim(x) == 0:
        return (float(x) - lo) / (hi - lo) * 100.0
    return (x - lo) / (hi - lo) * 100.0


def from_pomp(score, scale_min, scale_max):
    """A POMP score back on the native scale: scale_min + score · (scale_max − scale_min) / 100."""
    return scale_min + score * (scale_max - scale_min) / 100


def top_box(pomp_scores, at: float):
    """True where a POMP score is in the top box (at or above `at`; float noise of the rescaling
    forgiven, so 4 on a 1–5 scale is 75 exactly)."""
    return np.asarray(pomp_scores) >= at - 1e-9
