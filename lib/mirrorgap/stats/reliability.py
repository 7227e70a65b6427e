"""The reliability of an index scored from a group of questions: Cronbach's α and McDonald's ω.

Both are computed on the respondents who answered every question of the index (listwise deletion,
as `psych::alpha(use="complete.obs")` and `pingouin.cronbach_alpha(nan_policy="listwise")` do), on
the scores as given (the index uses POMP scores, so that is what both describe).

    α = k/(k−1) · (1 − Σ var_j / var(Σ_j x_j))             (Cronbach 1951)
    CI: 1 − (1 − α)·F, F the F(n−1, (n−1)(k−1)) quantiles    (Feldt 1965; as pingouin)

    ω = (Σ λ_j)² / ((Σ λ_j)² + Σ ψ_j)                        (McDonald 1999, ω total)

with λ the loadings and ψ the unique variances of a one-factor model fitted by maximum likelihood
(as R's `factanal` and `factor_analyzer`'s `method="ml"`: the uniquenesses of the correlation matrix
are found by minimising the ML discrepancy, bounded to [0.005, 1], the loadings follow from them).
The standardised solution is scaled back by the questions' standard deviations, so ω describes the
sum of the scores as given (ML is scale-free; for a saturated 3-question model it equals semTools'
ω from a lavaan CFA). A model whose loadings sum below zero is turned around (a factor's sign is
arbitrary); ω is NaN with fewer than 3 questions (a one-factor model needs 3 to be identified) or
fewer than `k + 2` complete respondents.

Pure numpy/scipy: nothing else of ours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import stats as sps

__all__ = ["Reliability", "cronbach_alpha", "mcdonald_omega", "one_factor_ml", "reliability"]

UNIQUENESS_BOUNDS = (0.005, 1.0)  # as factanal and factor_analyzer


@dataclass(frozen=True)
class Reliability:
    """α with its Feldt interval and ω, from `n` complete respondents on `k` questions."""

    n: int
    k: int
    alpha: float
    alpha_ci_low: float
    alpha_ci_high: float
    omega: float


def _complete(values) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 2:
        raise ValueError("values must be a respondents × questions array")
    return x[~np.isnan(x).any(axis=1)]


def cronbach_alpha(values, *, conf: float = 0.95) -> tuple[float, float, float, int]:
    """Cronbach's α of the columns of `values` (respondents × questions, NaN for no answer; rows with
    any NaN are left out) with Feldt's interval at `conf`. Returns (alpha, ci_low, ci_high, n).
    NaN when fewer than 2 questions or 2 complete respondents, or the total has no variance."""
    x = _complete(values)
    n, k = x.shape
    if k < 2 or n < 2:
        return np.nan, np.nan, np.nan, n
    cov = np.cov(x, rowvar=False, ddof=1)
    total = cov.sum()
    if not total > 0:
        return np.nan, np.nan, np.nan, n
    alpha = k / (k - 1) * (1 - np.trace(cov) / total)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - conf) / 2
    low = 1 - (1 - alpha) * sps.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * sps.f.isf(1 - tail, df1, df2)
    return float(alpha), float(low), float(high), n


def _discrepancy(psi: np.ndarray, corr: np.ndarray) -> float:
    """The ML discrepancy of a one-factor model, concentrated on the uniquenesses `psi`."""
    root = 1 / np.sqrt(psi)
    scaled = corr * root[:, None] * root[None, :]
    theta = np.linalg.eigvalsh(scaled)[:-1]  # all but the largest (m = 1 factor)
    return float(np.sum(theta - np.log(theta)) - len(theta))


def _loadings(psi: np.ndarray, corr: np.ndarray) -> np.ndarray:
    root = np.sqrt(psi)
    scaled = corr / root[:, None] / root[None, :]
    lam, vec = np.linalg.eigh(scaled)
    return root * vec[:, -1] * np.sqrt(max(lam[-1] - 1.0, 0.0))


def one_factor_ml(corr) -> tuple[np.ndarray, np.ndarray]:
    """A one-factor model of a correlation matrix by maximum likelihood. Returns (loadings,
    uniquenesses), loadings summing to ≥ 0."""
    corr = np.asarray(corr, dtype=float)
    start = np.clip(1 - 0.5 / np.diag(np.linalg.inv(corr)), *UNIQUENESS_BOUNDS)  # factanal's start
    fit = optimize.minimize(_discrepancy, start, args=(corr,), method="L-BFGS-B",
                            bounds=[UNIQUENESS_BOUNDS] * len(corr), options={"ftol": 1e-14, "gtol": 1e-10})
    psi = fit.x
    loadings = _loadings(psi, corr)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, 1 - loadings ** 2


def mcdonald_omega(values) -> float:
    """McDonald's ω (total) of the columns of `values` (respondents × questions, NaN for no answer;
    rows with any NaN left out) from a one-factor ML model; see the module docstring."""
    x = _complete(values)
    n, k = x.shape
    if k < 3 or n < k + 2:
        return np.nan
    sd = x.std(axis=0, ddof=1)
    if not (sd > 0).all():
        return np.nan
    corr = np.corrcoef(x, rowvar=False)
    if np.linalg.eigvalsh(corr)[0] < 1e-9:
        return np.nan
    loadings, uniqueness = one_factor_ml(corr)
    common = (loadings * sd).sum() ** 2
    unique = (uniqueness * sd ** 2).sum()
    return float(common / (common + unique))


def reliability(values, *, conf: float = 0.95) -> Reliability:
    """α (with Feldt's interval) and ω of one index's questions; `values` respondents × questions."""
    alpha, low, high, n = cronbach_alpha(values, conf=conf)
    return Reliability(n=int(n), k=int(np.shape(values)[1]), alpha=alpha, alpha_ci_low=low, alpha_ci_high=high,
                       omega=mcdonald_omega(values))
