"""Reading confidence intervals already computed: does an interval settle the question?

- `excludes_zero`: a difference (a gap, a change, a correlation) is clear when its interval lies
  wholly on one side of zero. For Welch's interval at level conf this is the two-sided Welch test
  rejecting "no difference" at alpha = 1 − conf.
- `intervals_overlap`: two estimates are told apart only when their intervals share no point (a
  cautious rule: intervals that do not overlap imply a difference at a level well below alpha).

A NaN bound settles nothing: both give False there.
"""
from __future__ import annotations

import numpy as np

__all__ = ["excludes_zero", "intervals_overlap"]


def _result(out: np.ndarray):
    return bool(out) if out.ndim == 0 else out


def excludes_zero(low, high):
    """True where the interval [low, high] lies wholly above or wholly below 0 (False at a NaN bound).

    low, high: the bounds, scalars or array-likes of one shape. Returns a bool for scalars, else a
    boolean array.
    """
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return _result((lo > 0) | (hi < 0))


def intervals_overlap(low_a, high_a, low_b, high_b):
    """True where [low_a, high_a] and [low_b, high_b] share at least one point (touching counts;
    False at a NaN bound). Scalars give a bool, array-likes a boolean array."""
    la, ha, lb, hb = (np.asarray(v, dtype=float) for v in (low_a, high_a, low_b, high_b))
    return _result((la <= hb) & (lb <= ha))
