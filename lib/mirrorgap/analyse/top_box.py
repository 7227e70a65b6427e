"""The gap on the top-box share instead of the POMP mean (`analysis.metric: top_box`): the share of
answers at or above `analysis.top_box_at` on each side, compared in percentage points.

Newcombe's hybrid score interval for the difference of two shares, the pooled two-proportion z-test,
Benjamini–Hochberg q-values across the items, and the same threshold and α as the mean gap. Checked
against statsmodels and Newcombe (1998) in the tests.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import ndtr

from mirrorgap.analyse.gaps import classify, untested_reason
from mirrorgap.config.params import Analysis
from mirrorgap.stats.estimators import benjamini_hochberg

SIDES = ("customer", "employee")


def newcombe_diff_ci(p1: float, low1: float, high1: float, p2: float, low2: float, high2: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval (1998, method 10) for p1 − p2 from each share's Wilson interval
    (all on the same scale, e.g. percent): d − √((p1−l1)² + (u2−p2)²), d + √((u1−p1)² + (p2−l2)²)."""
    d = p1 - p2
    return d - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2), d + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of k1/n1 against k2/n2 (NaN without answers
    or when every answer is the same)."""
    if min(n1, n2) <= 0:
        return float("nan")
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return float("nan") if k1 / n1 == k2 / n2 else 0.0
    return float(2 * ndtr(-abs(k1 / n1 - k2 / n2) / se))


def design_two_proportion_p(p1: float, n1: float, fpc1: float, p2: float, n2: float, fpc2: float) -> float:
    """Two-sided p of the z-test of two shares from a weighted or headcounted survey: each side's
    effective n (Kish) and finite-population factor, the pooled share weighting each side by its
    effective n·(1/fpc²) — `two_proportion_p` when n is the plain n and fpc 1. A census side (fpc 0)
    adds no variance."""
    if min(n1, n2) <= 0:
        return float("nan")
    f1, f2 = fpc1 ** 2 / n1, fpc2 ** 2 / n2  # the variance factor of each side (1/n for a simple sample)
    m1, m2 = (1 / f1 if f1 else math.inf), (1 / f2 if f2 else math.inf)
    pooled = p1 if m1 == math.inf else p2 if m2 == math.inf else (p1 * m1 + p2 * m2) / (m1 + m2)
    se = math.sqrt(pooled * (1 - pooled) * (f1 + f2))
    if se == 0:
        return float("nan") if p1 == p2 else 0.0
    return float(2 * ndtr(-abs(p1 - p2) / se))


def top_box_gap_table(gaps: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """The gap table on the top-box share (percent) instead of the POMP mean: *_mean and *_ci_* hold the
    sides' top-box shares with their Wilson intervals (the POMP means move to *_mean_pomp), gap =
    employees − customers in percentage points with Newcombe's interval, p from the pooled
    two-proportion z-test, q by Benjamini–Hochberg, classified with the same threshold (points) and α.
    Suppressed rows stay suppressed; Hedges' g and the shared strength/weakness labels (defined on
    means) are left empty."""
    out = gaps.copy()
    for side in SIDES:
        out[f"{side}_mean_pomp"] = gaps[f"{side}_mean"]
        for a, b in (("mean", "top_box"), ("ci_low", "top_box_ci_low"), ("ci_high", "top_box_ci_high")):
            out[f"{side}_{a}"] = gaps[f"{side}_{b}"].astype(float)
    rows = []
    for r in out.itertuples():
        if r.classification == "suppressed" or not (np.isfinite(r.employee_mean) and np.isfinite(r.customer_mean)):
            rows.append((np.nan, np.nan, np.nan, np.nan))
            continue
        low, high = newcombe_diff_ci(r.employee_mean, r.employee_ci_low, r.employee_ci_high,
                                     r.customer_mean, r.customer_ci_low, r.customer_ci_high)
        if "employee_n_var" in out:  # weights or a headcount: the test on each side's effective n
            p = design_two_proportion_p(r.employee_mean / 100, r.employee_n_var, r.employee_fpc_share,
                                        r.customer_mean / 100, r.customer_n_var, r.customer_fpc_share)
        else:
            n1, n2 = int(r.employee_n), int(r.customer_n)
            k1, k2 = round(r.employee_mean * n1 / 100), round(r.customer_mean * n2 / 100)
            p = two_proportion_p(k1, n1, k2, n2)
        rows.append((r.employee_mean - r.customer_mean, low, high, p))
    out[["gap", "gap_ci_low", "gap_ci_high", "p_value"]] = pd.DataFrame(rows, index=out.index, dtype=float)
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy(dtype=float))
    out["classification"] = [untested_reason(r) or classify(r.gap, r.q_value, threshold=analysis.gap_threshold,
                                                            alpha=analysis.alpha) for r in out.itertuples()]
    out["hedges_g"] = np.nan
    out["shared"] = ""
    return out


def gap_table_for_metric(gaps: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """The gap table as `analysis.metric` asks: unchanged for "mean", on top-box shares for "top_box"."""
    return top_box_gap_table(gaps, analysis) if analysis.metric == "top_box" else gaps
