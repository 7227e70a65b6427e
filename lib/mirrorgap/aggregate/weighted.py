"""The survey design in the anonymised aggregates (issue 13, points 6–7).

**Weights**: per cell, measure and answer value, the
sum of the respondents' weights (`weight`) and of their squares (`weight2`), next to the count.

From these a view computes what the report computes from the rows: the weighted mean and SD on POMP,
the weighted top-box share and NPS, and Kish's n_eff = (Σw)²/Σw² of the cell (`count_index`). The
weights are the report's (`analyse.group_design.rows_design`: the weight column, raked within each
wave; the pool raked as a whole, as the pooled gap table is).

Hidden where the counts are, and more: a weight sum is written only for a cell and measure whose counts
are written — and for the employees, only for a measure (in a wave) of which the audit hides no cell at
all. Hiding the same cells is not enough. The audit proves that the hidden cells' *counts* cannot be
pinned; the weight sums are further equations it does not model. With weights constant within a group
(raking to unit margins gives each unit one weight), the hidden remainder's Σw per answer value is
Σ_g w_g·c_gv: in the test engagement the remainder of one item had 4 answers "7" with Σw 32 = 4 × 8,
the weight of one hidden unit only — its four answers given back by subtraction (`tests/
test_weighted_views.py`). So where an employee measure has a hidden cell its weights are not written;
the views then show that measure unweighted (still corrected by the headcount). Customer cells are not
suppressed, and their sums are always written. Without weights nothing is added: the aggregates are as
before.

**The invited count per group** (`invited_per_group`, in the meta): per wave, each unit's and each
headcount department's invited count, so a view corrects a unit's or department's employee figures by
√(1 − n/N) as the report's breakdowns do. A view uses it only beside a figure it shows (an audited,
shown cell); the headcount itself is not secret.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.aggregate.store import ALL
from mirrorgap.analyse.disclosure import Decision, measures
from mirrorgap.analyse.group_design import rows_design
from mirrorgap.analyse.scores import scored_side
from mirrorgap.config.params import Engagement
from mirrorgap.read.headcount import check_against
from mirrorgap.read.recode import CleanSide, waves_of

__all__ = ["WEIGHT_COLUMNS", "fitted_per_wave", "invited_per_group", "side_weight_sums", "weights_meta", "withheld_measures"]

WEIGHT_COLUMNS = ["weight", "weight2"]


def _columns(scores: np.ndarray | None, values: np.ndarray, rows: int) -> tuple[np.ndarray, int]:
    """Per row the count column of its answer (as `disclosure` codes it; no answer: the last column)."""
    if scores is None:  # the respondents: one column, everyone in it
        return np.zeros(rows, dtype=np.int64), 1
    codes = np.full(rows, len(values), dtype=np.int64)
    ok = np.isfinite(scores)
    codes[ok] = np.searchsorted(values, scores[ok])
    return codes, len(values) + 1


def _sums(lay, codes: np.ndarray, n_columns: int, w: np.ndarray) -> np.ndarray:
    """cells × columns: the weights summed as `Layout.count` counts the rows."""
    out = np.zeros(len(lay.keys) * n_columns)
    for member in lay.member:
        out += np.bincount(member * n_columns + codes, weights=w, minlength=len(out))
    return out.reshape(len(lay.keys), n_columns)


def withheld_measures(side: str, decided: Decision) -> set[tuple]:
    """(wave, measure) whose weight sums are not written: for the employees, every measure with a
    hidden cell in its wave — and, when the pool is published (wave None), in any wave, since the pool
    minus the other waves is a wave (see the module docstring)."""
    if side != "employee":
        return set()
    hidden = {key for key, cells in decided.hidden.items()
              if (cells & decided.layouts[key[0]].published).any()}
    if None in decided.layouts:
        by_measure = {measure for _, measure in hidden}
        hidden |= {(wave, measure) for wave in decided.layouts for measure in by_measure}
    return hidden


def weights_meta(engagement: Engagement, sides: list[tuple[CleanSide, Decision]]) -> dict | None:
    """Which sides the aggregates weight, and the employee measures they show unweighted because their
    weights were withheld (`withheld_measures`), so the dashboard can say so; None when neither side
    is weighted."""
    weighted = {clean.side: rows_design(clean, engagement, next(iter(decided.layouts))).weights is not None
                for clean, decided in sides}
    if not any(weighted.values()):
        return None
    unweighted = {clean.side: sorted({measure for _, measure in withheld_measures(clean.side, decided)})
                  for clean, decided in sides if weighted[clean.side]}
    return {"sides": weighted, "unweighted_measures": unweighted}


def side_weight_sums(engagement: Engagement, clean: CleanSide, decided: Decision) -> dict | None:
    """(wave, measure) -> (Σw, Σw²) of one side, each cells × count columns (as `decided.counts`), for
    the measures whose sums are written (not `withheld_measures`); the aggregates write them beside the
    published, shown cells' counts. None when the side has no weights (in some wave)."""
    scored = scored_side(clean, engagement)
    withheld = withheld_measures(clean.side, decided)
    out = {}
    for wave, lay in decided.layouts.items():
        weights = rows_design(clean, engagement, wave).weights
        if weights is None:
            return None
        part = scored.frame if wave is None else scored.frame[scored.frame["wave"] == wave]
        for measure in measures(scored):
            if (wave, measure) in withheld:
                continue
            scores = None if measure not in part else part[measure].to_numpy(dtype=float)
            codes, n_columns = _columns(scores, decided.values[(wave, measure)], len(part))
            out[(wave, measure)] = (_sums(lay, codes, n_columns, weights), _sums(lay, codes, n_columns, weights * weights))
    return out


def fitted_per_wave(engagement: Engagement, employee: CleanSide, headcount: pd.DataFrame) -> dict:
    """wave (None for a side without waves) -> the headcount's invited and responded counts per group
    in that wave, checked against its respondents as a run checks it (`read.headcount.check_against`)."""
    frame = employee.frame
    return {wave: check_against(headcount, frame if wave is None else frame[frame["wave"] == wave], engagement.headcount,
                                wave=wave)
            for wave in waves_of(employee) or [None]}


def invited_per_group(engagement: Engagement, employee: CleanSide, headcount: pd.DataFrame | None = None, *,
                      fitted: dict | None = None) -> dict:
    """wave -> dimension ("unit", or the headcount's employee segment column) -> group -> invited, for
    each single wave (never the pool), checked against the respondents as a run checks it. fitted: the
    headcount already fitted to the waves (`fitted_per_wave`), else `headcount` is."""
    spec = engagement.headcount
    fitted = fitted if fitted is not None else fitted_per_wave(engagement, employee, headcount)
    out = {}
    for wave, rows in fitted.items():
        groups = {}
        if spec.unit_column:
            groups["unit"] = {str(g): int(v) for g, v in rows.groupby("unit")["invited"].sum().items()}
        if spec.segment_column:
            groups[spec.segment] = {str(g): int(v) for g, v in rows.groupby("group")["invited"].sum().items()}
        out[ALL if wave is None else str(wave)] = groups
    return out
