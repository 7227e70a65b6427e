"""Anonymised aggregates: answer counts per side × wave × measure × group — the only thing a
client-facing view reads.

Counts are kept for every answer value, so every figure a view shows (means, CIs, top box, gaps, NPS)
is computed from them with the same functions the report uses. Groups too small to show are
suppressed here, before anything is written: their rows carry `suppressed=True` and no value and no
count. One-way breakdowns (unit, each segment) get primary and complementary suppression per
partition; crossed breakdowns (unit × segment) get it per cell, with their margins fixed to what the
one-way tables show. Waves are never pooled, so no view can be subtracted from another across waves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.aggregate.store import ALL, COLUMNS, RESPONDENTS
from mirrorgap.config.params import Engagement
from mirrorgap.read.recode import CleanSide, waves_of
from mirrorgap.stats.small_groups import too_small
from mirrorgap.stats.suppression import hidden_cells, hidden_groups


def dimensions(engagement: Engagement, side: str) -> list[str]:
    """One-way breakdowns of a side: the unit, then each segment column."""
    spec = engagement.side(side)
    return (["unit"] if spec.unit_column else []) + list(spec.segment_columns)


def crossings(engagement: Engagement, side: str) -> list[tuple[str, str]]:
    """Crossed breakdowns a dashboard filters by at once: unit × each segment."""
    spec = engagement.side(side)
    return [("unit", seg) for seg in spec.segment_columns] if spec.unit_column else []


def measures(clean: CleanSide) -> list[str]:
    """What is counted: the mirror items, NPS/eNPS, and the respondents themselves (so a view's
    headcount is the report's, not the count of the most-answered question)."""
    return [i.id for i in clean.items] + (["nps"] if "nps" in clean.frame else []) + [RESPONDENTS]


def _counts_by_group(groups: np.ndarray, n_groups: int, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct answer values, matrix groups × values of counts), missing answers left out."""
    ok = np.isfinite(scores) & (groups >= 0)
    values, value_codes = np.unique(scores[ok], return_inverse=True)
    flat = np.bincount(groups[ok] * len(values) + value_codes, minlength=n_groups * len(values))
    return values, flat.reshape(n_groups, len(values))


def _rows(side, wave, dim, dim2, group_names, values, matrix, hidden) -> list[tuple]:
    rows = []
    for g, name in enumerate(group_names):
        g1, g2 = name if dim2 else (name, None)
        if hidden[g]:
            rows.append((side, wave, dim, g1, dim2, g2, None, np.nan, pd.NA, True))
            continue
        for v, c in zip(values, matrix[g]):
            if c:
                rows.append((side, wave, dim, g1, dim2, g2, None, float(v), int(c), False))
    return rows


def _side_rows(clean: CleanSide, engagement: Engagement, min_n: int) -> list[tuple]:
    side, frame = clean.side, clean.frame
    rows: list[tuple] = []
    for wave in waves_of(clean) or [ALL]:
        part = frame if wave == ALL else frame[frame["wave"] == wave]
        codes = {dim: pd.factorize(part[dim], sort=True) for dim in dimensions(engagement, side)}
        for measure in measures(clean):
            scores = np.ones(len(part)) if measure == RESPONDENTS else part[measure].to_numpy(dtype=float)
            start = len(rows)
            total_values, total = _counts_by_group(np.zeros(len(part), dtype=np.int64), 1, scores)
            rows += _rows(side, wave, ALL, None, [ALL], total_values, total, [too_small(total.sum(), min_n)])
            hidden_one_way = {}
            for dim, (g_codes, names) in codes.items():
                values, matrix = _counts_by_group(g_codes, len(names), scores)
                hidden = hidden_groups(pd.Series(matrix.sum(axis=1), index=list(names)), min_n=min_n)
                hidden_one_way[dim] = hidden
                rows += _rows(side, wave, dim, None, list(names), values, matrix, hidden.to_numpy())
            for dim, dim2 in crossings(engagement, side):
                (c1, n1), (c2, n2) = codes[dim], codes[dim2]
                values, matrix = _counts_by_group(np.where((c1 >= 0) & (c2 >= 0), c1 * len(n2) + c2, -1),
                                                  len(n1) * len(n2), scores)
                table = pd.DataFrame(matrix.sum(axis=1).reshape(len(n1), len(n2)), index=list(n1), columns=list(n2))
                hidden = hidden_cells(table, min_n=min_n, row_hidden=hidden_one_way[dim],
                                      col_hidden=hidden_one_way[dim2]).loc[list(n1), list(n2)].to_numpy().ravel()
                pairs = [(a, b) for a in n1 for b in n2]
                rows += _rows(side, wave, dim, dim2, pairs, values, matrix, hidden)
            rows[start:] = [r[:6] + (measure,) + r[7:] for r in rows[start:]]
    return rows


def build_aggregates(engagement: Engagement, customer: CleanSide, employee: CleanSide) -> pd.DataFrame:
    """All answer counts of both sides, suppressed. Both sides follow the same rule: no client sees a
    group of fewer than min_n people, whoever they are."""
    rows = []
    for clean in (customer, employee):
        rows += _side_rows(clean, engagement, engagement.analysis.min_n)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["count"] = frame["count"].astype("Int64")
    return frame


def aggregate_meta(engagement: Engagement, customer: CleanSide, employee: CleanSide, *, run_id: str) -> dict:
    """What a view needs besides the counts: items and scales, the analysis settings, waves, groups."""
    return {
        "client": engagement.client, "language": engagement.language, "run_id": run_id,
        "items": [i.model_dump(mode="json") for i in engagement.analysed_items],
        "analysis": engagement.analysis.model_dump(mode="json"),
        "waves": {c.side: waves_of(c) for c in (customer, employee)},
        "dimensions": {c.side: dimensions(engagement, c.side) for c in (customer, employee)},
        "crossings": {c.side: [list(x) for x in crossings(engagement, c.side)] for c in (customer, employee)},
        "groups": {c.side: {d: sorted(c.frame[d].dropna().unique().tolist()) for d in dimensions(engagement, c.side)}
                   for c in (customer, employee)},
        "tenure_order": engagement.employee.tenure_order,
        "branding": engagement.branding.model_dump(mode="json"),
    }
