"""Raking (iterative proportional fitting) of respondent weights to population margins.

Each respondent's weight is scaled, margin after margin, so that the weighted share of every group
equals its population share, until every margin fits (Deming & Stephan 1940). The result is the
multiplicative solution w_i = d_i · Π_m f_m(g_m(i)) whose margins equal the targets — the weights of
a Poisson log-linear model with one main effect per margin and offset log d, which is how the tests
check it against statsmodels.

No maintained raking package fitted: those on PyPI bring polars or a file watcher with them, for
twenty lines of numpy.
"""
from __future__ import annotations

import numpy as np

__all__ = ["rake"]


def rake(groups: list[np.ndarray], targets: list[np.ndarray], *, base=None, tol: float = 1e-10,
         max_iter: int = 1000) -> np.ndarray:
    """Weights whose weighted group shares equal the target shares on every margin.

    groups: per margin, each respondent's group as a code 0..k−1 (k = len of that margin's targets).
    targets: per margin, the population count or share of each group (positive; scaled to shares).
    base: starting (design) weights, ≥ 0; default 1 each.
    Returns weights scaled to sum to the number of respondents (Kish's n_eff does not depend on the
    scale). Raises ValueError for bad arguments, when a group with a target has no weight to scale, or
    when the margins are not met within `tol` (largest share difference) after `max_iter` rounds.
    """
    n = len(groups[0]) if groups else 0
    w = np.ones(n) if base is None else np.asarray(base, dtype=float).copy()
    if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("base weights must be one finite, non-negative number per respondent")
    codes = [np.asarray(g, dtype=np.int64) for g in groups]
    shares = []
    for m, (g, t) in enumerate(zip(codes, targets)):
        t = np.asarray(t, dtype=float)
        if g.shape != (n,) or (g < 0).any() or (g >= len(t)).any():
            raise ValueError(f"margin {m}: every respondent needs a group code 0..{len(t) - 1}")
        if not (t > 0).all():
            raise ValueError(f"margin {m}: population targets must be positive")
        shares.append(t / t.sum())
    for m, (g, s) in enumerate(zip(codes, shares)):
        have = np.bincount(g, weights=w, minlength=len(s))
        if (have <= 0).any():
            raise ValueError(f"margin {m}: group {int(np.argmax(have <= 0))} has no respondent (or only zero weights)")
    for _ in range(max_iter):
        worst = 0.0
        for g, s in zip(codes, shares):
            have = np.bincount(g, weights=w, minlength=len(s))
            w *= (s * w.sum() / have)[g]
        for g, s in zip(codes, shares):
            worst = max(worst, float(np.abs(np.bincount(g, weights=w, minlength=len(s)) / w.sum() - s).max()))
        if worst <= tol:
            return w * (n / w.sum())
    raise ValueError(f"the margins were not met after {max_iter} rounds (largest share difference {worst:.2g})")
