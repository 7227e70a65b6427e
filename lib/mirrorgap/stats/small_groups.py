"""The small-group rule, in one place: a group of fewer than `min_n` people is too small to show.

Only employee results are protected (customers are not identifiable by the client's management);
comments use their own, higher minimum (`analysis.min_n_comments`), through the same rule.
Complementary suppression, which keeps a small group from being recovered by subtraction, builds on
this rule in `stats.suppression`.
"""
from __future__ import annotations

import numpy as np

PROTECTED_SIDE = "employee"


def too_small(n, min_n: int):
    """True where a group of `n` people (a number or an array of them) is too small to show."""
    return np.asarray(n) < min_n if np.ndim(n) else bool(n < min_n)


def hidden_for(side: str, n, min_n: int):
    """True where a result of `side` from `n` people must not be shown: employees under `min_n`."""
    return too_small(n, min_n) if side == PROTECTED_SIDE else (np.zeros(np.shape(n), bool) if np.ndim(n) else False)
