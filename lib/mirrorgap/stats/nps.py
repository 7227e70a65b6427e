"""Net Promoter Score with the adjusted-Wald interval (Rocks, The American Statistician 2016).

Answers 0–10: promoters 9–10, passives 7–8, detractors 0–6. NPS = 100·(P − D)/n on −100..100.

The interval (what exactly is done)
-----------------------------------
With P promoters, D detractors of n answers and z = Φ⁻¹((1 + conf)/2):

    n* = n + 3,   p* = (P + 3/4)/n*,   d* = (D + 3/4)/n*        (the 3/2 left over are passives)
    NPS* = p* − d*
    Var* = (p* + d* − (p* − d*)²)/n*                              (per respondent, NPS on −1..1)
    CI   = 100·(NPS* ± z·√Var*), each bound clipped to [−100, 100]

The reported point estimate `nps` is the plain 100·(P − D)/n; the interval is centred on the
adjusted NPS*, as in Rocks (2016) and MeasuringU's description of it (Sauro & Lewis), so the plain
estimate is not necessarily the midpoint. For two independent samples (`nps_difference`):
diff = NPS_a − NPS_b (plain), CI = 100·((NPS*_a − NPS*_b) ± z·√(Var*_a + Var*_b)), clipped to
[−200, 200]. Because the adjustment shrinks towards 0, at tiny n and extreme splits the plain
difference can fall outside its interval (5 all-promoters vs 5 all-detractors: diff 200,
CI ≈ 61..189).

n == 0 gives NaN shares, NPS and CI (no exception).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from mirrorgap.stats.survey import check_weights, kish_n_eff

__all__ = ["NPS_COLUMNS", "NPSResult", "nps_groups", "nps_from_counts", "nps", "nps_weighted", "nps_from_weight_sums",
           "nps_difference"]

# The NPS/eNPS table (nps.csv, the dashboard), one row per side, in this order.
NPS_COLUMNS = ["side", "label", "n", "promoters", "passives", "detractors", "promoter_share",
               "passive_share", "detractor_share", "nps", "ci_low", "ci_high"]

_NAN = float("nan")
_ADD_N = 3.0          # added to n
_ADD_PD = 0.75        # added to each of P and D


@dataclass(frozen=True)
class NPSResult:
    """NPS on −100..100 with category counts, shares (0..1) and the adjusted-Wald CI."""

    n: int
    promoters: int
    passives: int
    detractors: int
    promoter_share: float
    passive_share: float
    detractor_share: float
    nps: float
    ci_low: float
    ci_high: float


def _check_conf(conf) -> float:
    conf = float(conf)
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must lie strictly between 0 and 1, got {conf!r}")
    return conf


def _z(conf: float) -> float:
    return float(ndtri((1.0 + conf) / 2.0))


def _as_count(x, name: str) -> int:
    """A non-negative whole number (int, numpy int, or integral float) as int; shared with stats."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative whole number, got {x!r}") from None
    if not math.isfinite(f) or f < 0 or f != int(f):
        raise ValueError(f"{name} must be a non-negative whole number, got {x!r}")
    return int(f)


def _adjusted(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """Adjusted-Wald (NPS*, Var*) on the −1..1 scale."""
    n_adj = n + _ADD_N
    p = (promoters + _ADD_PD) / n_adj
    d = (detractors + _ADD_PD) / n_adj
    return p - d, (p + d - (p - d) ** 2) / n_adj


def nps_from_counts(promoters, passives, detractors, *, conf: float = 0.95, fpc: float = 1.0) -> NPSResult:
    """NPS and its adjusted-Wald CI from category counts.

    Parameters
    ----------
    promoters : number answering 9–10 (non-negative whole number).
    passives : number answering 7–8.
    detractors : number answering 0–6.
    conf : confidence level in (0, 1), default 0.95 (z from the normal quantile).

    The point estimate is the plain NPS; the CI is the adjusted-Wald interval described in the
    module docstring (n+3, P+3/4, D+3/4, centred on the adjusted NPS, clipped to [−100, 100]).
    n == 0 -> shares, NPS and CI are NaN.
    fpc : the finite-population factor on the standard error (`stats.survey.fpc_share`), 1 without
        a headcount; 0 (everyone answered) gives the exact NPS as both bounds (the adjusted estimate
        would put a zero-width interval beside it).
    """
    conf = _check_conf(conf)
    P = _as_count(promoters, "promoters")
    A = _as_count(passives, "passives")
    D = _as_count(detractors, "detractors")
    n = P + A + D
    if n == 0:
        return NPSResult(0, 0, 0, 0, _NAN, _NAN, _NAN, _NAN, _NAN, _NAN)
    est, var = _adjusted(P, D, n)
    value = 100.0 * (P - D) / n
    low, high = (value, value) if fpc == 0 else _bounds(est, var * fpc * fpc, conf)  # a census: exact
    return NPSResult(n, P, A, D, P / n, A / n, D / n, value, low, high)


def _bounds(est: float, var: float, conf: float) -> tuple[float, float]:
    half = _z(conf) * math.sqrt(var)
    return max(-100.0, 100.0 * (est - half)), min(100.0, 100.0 * (est + half))


def nps_weighted(scores, weights, *, conf: float = 0.95, fpc: float = 1.0) -> NPSResult:
    """Weighted NPS: shares are weighted, and the adjusted-Wald interval takes Kish's effective n in
    place of n (n* = n_eff + 3, P* = p_w·n_eff + 3/4, D* = d_w·n_eff + 3/4). The counts and n stay
    the plain numbers of answers. Answers without a score are dropped with their weights."""
    conf = _check_conf(conf)
    arr = np.asarray(scores, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(arr)
    arr, w = arr[keep], check_weights(w[keep])
    plain = nps(arr, conf=conf)
    if plain.n == 0 or w.sum() == 0:
        return plain
    sums = [float(w[g].sum()) for g in nps_groups(arr)]
    return nps_from_weight_sums(plain, *sums, n_eff=kish_n_eff(w), conf=conf, fpc=fpc)


def nps_from_weight_sums(plain: NPSResult, promoters: float, passives: float, detractors: float, *, n_eff: float,
                         conf: float = 0.95, fpc: float = 1.0) -> NPSResult:
    """The weighted NPS from the plain result (its counts and n are kept) and the summed weights of
    the promoters, passives and detractors: weighted shares, and the adjusted-Wald interval on Kish's
    n_eff (rows or anonymised aggregates alike)."""
    total = promoters + passives + detractors
    if plain.n == 0 or total <= 0:
        return plain
    p, a, d = promoters / total, passives / total, detractors / total
    est, var = _adjusted(p * n_eff, d * n_eff, n_eff)
    value = 100.0 * (p - d)
    low, high = (value, value) if fpc == 0 else _bounds(est, var * fpc * fpc, conf)  # a census: exact
    return NPSResult(plain.n, plain.promoters, plain.passives, plain.detractors, p, a, d, value, low, high)


def nps(scores, *, conf: float = 0.95, fpc: float = 1.0) -> NPSResult:
    """NPS and its adjusted-Wald CI from raw 0–10 answers.

    Parameters
    ----------
    scores : array-like of likelihood-to-recommend answers, whole numbers 0..10; NaN (no answer)
        is ignored. A value outside 0..10 or not a whole number raises ValueError naming it.
    conf : confidence level in (0, 1), default 0.95.

    See `nps_from_counts`.
    """
    try:
        arr = np.asarray(scores, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"NPS scores must be numbers 0..10: {exc}") from None
    arr = arr[~np.isnan(arr)]
    bad = (arr < 0) | (arr > 10) | (arr != np.round(arr))
    if bad.any():
        value = arr[bad][0]
        shown = int(value) if math.isfinite(value) and value == int(value) else value
        raise ValueError(f"NPS scores must be whole numbers 0..10, got {shown!r} "
                         f"({int(bad.sum())} such value(s))")
    promoters, _, detractors = nps_groups(arr)
    P, D = int(promoters.sum()), int(detractors.sum())
    return nps_from_counts(P, arr.size - P - D, D, conf=conf, fpc=fpc)


def nps_groups(scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Promoter (9–10), passive (7–8) and detractor (0–6) masks of 0–10 scores, elementwise."""
    arr = np.asarray(scores, dtype=float)
    return arr >= 9, (arr >= 7) & (arr < 9), arr <= 6


def nps_difference(a: NPSResult, b: NPSResult, *, conf: float = 0.95) -> tuple[float, float, float]:
    """Difference a.nps − b.nps of two independent samples with its adjusted-Wald CI.

    Parameters
    ----------
    a, b : NPSResult of the two independent samples (e.g. this wave and the baseline).
    conf : confidence level in (0, 1), default 0.95.

    Returns ``(diff, low, high)`` on −200..200: diff is the plain difference; the CI is
    (NPS*_a − NPS*_b) ± z·√(Var*_a + Var*_b) with the adjusted estimates and variances of each
    sample, scaled by 100 and clipped to [−200, 200]. Either n == 0 -> all NaN. At tiny n with
    extreme splits the plain diff can lie outside the interval (see the module docstring).
    """
    conf = _check_conf(conf)
    if a.n == 0 or b.n == 0:
        return _NAN, _NAN, _NAN
    est_a, var_a = _adjusted(a.promoters, a.detractors, a.n)
    est_b, var_b = _adjusted(b.promoters, b.detractors, b.n)
    centre = est_a - est_b
    half = _z(conf) * math.sqrt(var_a + var_b)
    return (a.nps - b.nps,
            max(-200.0, 100.0 * (centre - half)),
            min(200.0, 100.0 * (centre + half)))
