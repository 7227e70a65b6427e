"""A straight line through a cloud of points: ordinary least squares with the t-based confidence band
of the mean prediction (what a scatter chart draws as its fitted line and band).

Run-time dependencies: numpy and `scipy.special.stdtrit` (the t quantile, without `scipy.stats`).
"""
from __future__ import annotations

import numpy as np
from scipy.special import stdtrit

__all__ = ["line_fit_band"]


def line_fit_band(x, y, grid, *, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The OLS line of y on x evaluated over `grid`, and the `conf` confidence band of its mean there.

    x, y: the points (equal length, at least 2, x not all equal); grid: where to evaluate the line.
    Returns (fit, low, high); low and high are None when there are fewer than 3 points (no residual
    degrees of freedom for a band).
    """
    x, y, grid = (np.asarray(a, dtype=float) for a in (x, y, grid))
    n = len(x)
    slope, intercept = np.polyfit(x, y, 1)
    fit = intercept + slope * grid
    if n < 3:
        return fit, None, None
    s = np.sqrt(((y - (intercept + slope * x)) ** 2).sum() / (n - 2))
    sxx = ((x - x.mean()) ** 2).sum()
    half = stdtrit(n - 2, (1 + conf) / 2) * s * np.sqrt(1 / n + (grid - x.mean()) ** 2 / sxx)
    return fit, fit - half, fit + half
