"""Survey design in the estimators: the finite-population correction and weights (Kish's effective n).

A design reaches the estimators as two numbers per group, so sufficient statistics still suffice:
- `n_eff`, the effective sample size that replaces n in a standard error and its degrees of freedom
  (Kish 1965: n_eff = (Σw)²/Σw²; equal weights give n_eff = n);
- `fpc`, the factor on a standard error for sampling without replacement from a known headcount N.

The correction comes in two forms, because the variance it multiplies comes in two forms:
- a mean's variance estimated with the sample s² (ddof 1, unbiased for the population S² with N − 1):
  Var(ȳ) = (1 − n/N)·S²/n (Cochran 1977, eq. 2.10), so `fpc_mean` = √(1 − n/N);
- a share's (or NPS's) variance p(1 − p)/n with the population share: the hypergeometric variance
  is p(1 − p)/n · (N − n)/(N − 1), so `fpc_share` = √((N − n)/(N − 1)).
Both are 1 without a headcount and 0 when everyone answered (a census has no sampling error).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Design", "SIMPLE", "fpc_mean", "fpc_share", "kish_n_eff", "check_weights", "weighted_summary",
           "weighted_share"]


@dataclass(frozen=True)
class Design:
    """How one group's answers were drawn: n_eff None means unweighted (n itself); fpc 1 means an
    infinite population (no headcount)."""

    n_eff: float | None = None
    fpc: float = 1.0

    def n_var(self, n: float) -> float:
        """The n a variance divides by."""
        return float(n) if self.n_eff is None else float(self.n_eff)


SIMPLE = Design()


def _headcount(n, population) -> tuple[float, float]:
    n, N = float(n), float(population)
    if not (math.isfinite(N) and N >= 1):
        raise ValueError(f"population (headcount) must be a number of at least 1, got {population!r}")
    if n > N:
        raise ValueError(f"more answers ({n:g}) than the population ({N:g}) they come from")
    return n, N


def fpc_mean(n, population) -> float:
    """√(1 − n/N): the factor on a mean's t standard error (s with ddof 1) for n answers out of N.
    population None (no headcount) gives 1."""
    if population is None:
        return 1.0
    n, N = _headcount(n, population)
    return math.sqrt(max(0.0, 1.0 - n / N))


def fpc_share(n, population) -> float:
    """√((N − n)/(N − 1)): the factor on a share's (or NPS's) standard error, the hypergeometric
    variance's correction. population None gives 1; N == 1 gives 0 (the one person answered)."""
    if population is None:
        return 1.0
    n, N = _headcount(n, population)
    return 0.0 if N <= 1 else math.sqrt(max(0.0, (N - n) / (N - 1)))


def check_weights(weights, name: str = "weights") -> np.ndarray:
    """Weights as floats; ValueError naming the first bad one (negative, non-finite) or a zero sum.
    NaN is refused too: a respondent without a weight is a data problem for the reader to ledger."""
    w = np.asarray(weights, dtype=float).ravel()
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and non-negative, got {w[bad][0]!r} at position {int(np.argmax(bad))}")
    if w.size and w.sum() <= 0:
        raise ValueError(f"{name} sum to zero: no respondent carries any weight")
    return w


def kish_n_eff(weights) -> float:
    """Kish's effective sample size (Σw)²/Σw² (0 for no weights)."""
    w = check_weights(weights)
    s2 = float((w * w).sum())
    return 0.0 if s2 == 0 else float(w.sum()) ** 2 / s2


def weighted_summary(values, weights) -> tuple[int, float, float, float]:
    """(n, weighted mean, sd, n_eff) of the answered values (NaN values dropped with their weights).

    sd² = Σw(x − x̄_w)²/Σw · n_eff/(n_eff − 1): the weighted variance with the small-sample
    correction taken on the effective n, so that sd/√n_eff with n_eff − 1 degrees of freedom is the
    mean's standard error; equal weights give the plain mean and sd (ddof 1). n_eff < 2 gives sd NaN.
    """
    x = np.asarray(values, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    if x.shape != w.shape:
        raise ValueError(f"values and weights must have the same length, got {x.size} and {w.size}")
    keep = ~np.isnan(x)
    x, w = x[keep], check_weights(w[keep])
    n = int(x.size)
    if n == 0 or w.sum() == 0:
        return n, math.nan, math.nan, 0.0
    mean = float((w * x).sum() / w.sum())
    n_eff = kish_n_eff(w)
    if n_eff <= 1 + 1e-12:
        return n, mean, math.nan, n_eff
    var0 = float((w * (x - mean) ** 2).sum() / w.sum())
    return n, mean, math.sqrt(var0 * n_eff / (n_eff - 1)), n_eff


def weighted_share(mask, weights) -> float:
    """The weighted share of True in `mask` (NaN when no weight)."""
    m = np.asarray(mask, dtype=bool).ravel()
    w = check_weights(weights)
    total = float(w.sum())
    return math.nan if total == 0 else float(w[m].sum()) / total
