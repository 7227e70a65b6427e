"""The anonymised answer counts laid out for fast views: one *segment* per (cell, measure) — a cell
being side × wave × group (or group × group) — with its answer values contiguous in two arrays, and
each segment's sufficient statistics computed once when the dashboard loads.

A filter change then costs a few dictionary look-ups and array slices instead of a pandas selection
over hundreds of thousands of count rows, and a kernel keeps plain arrays rather than a frame of
strings. Nothing here decides what may be shown: suppressed segments come from the aggregates as
written (`suppressed=True`, no values) and stay suppressed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mirrorgap.stats.estimators import pomp, top_box
from mirrorgap.stats.nps import nps_groups

CELL_KEY = ["side", "wave", "dimension", "group", "dimension2", "group2"]
NPS = "nps"


@dataclass(frozen=True)
class Segment:
    """One measure in one cell: its answer values and counts (native scale), or suppressed."""

    values: np.ndarray
    counts: np.ndarray
    suppressed: bool


def frame_columns(counts: pd.DataFrame) -> dict:
    """An aggregates frame (`aggregates.COLUMNS`) as `CountIndex` takes it: (codes, names) for each key
    column (code -1: empty, as the crossed columns of a one-way cell), arrays for the rest."""
    columns = {}
    for col in CELL_KEY + ["measure"]:
        code, uniques = pd.factorize(counts[col], use_na_sentinel=True)
        columns[col] = (code, [str(u) for u in uniques])
    columns["value"] = counts["value"].to_numpy(dtype=float)
    columns["count"] = counts["count"].astype("Float64").fillna(0).to_numpy(dtype=np.int64)
    columns["suppressed"] = counts["suppressed"].to_numpy(dtype=bool)
    for name in ("weight", "weight2"):  # a weighted run's sums of weights (`aggregate.weighted`)
        if name in counts:
            columns[name] = counts[name].astype(float).to_numpy()
    return columns


class CountIndex:
    """The counts of one run's aggregates, indexed by cell and measure.

    columns: `frame_columns(counts)` or `aggregates.read_count_columns(folder)`;
    scales: side -> measure id -> (min, max) of the mirror items (NPS is 0–10 and needs none);
    top_box_at: the POMP score from which an answer counts as top box (the run's setting).
    """

    def __init__(self, columns: dict, scales: dict[str, dict[str, tuple[float, float]]], *, top_box_at: float):
        keys = CELL_KEY + ["measure"]
        codes = [np.asarray(columns[k][0]) for k in keys]  # integer codes sort and compare fast
        names = [np.array([*columns[k][1], ""], dtype=object) for k in keys]  # code -1 -> ""
        value = np.asarray(columns["value"], dtype=float)
        order = np.lexsort([value] + codes[::-1])  # by cell, then measure, then answer value
        codes = [c[order] for c in codes]
        new_segment = np.ones(len(order), dtype=bool)
        if len(order) > 1:
            new_segment[1:] = np.any([c[1:] != c[:-1] for c in codes], axis=0)
        self.starts = np.flatnonzero(new_segment)
        self.ends = np.append(self.starts[1:], len(order))
        self.values = value[order]
        self.counts = np.asarray(columns["count"], dtype=np.int64)[order]
        # Σw and Σw² per answer value (None: an unweighted run); NaN on an unweighted side's rows
        self.weights = (np.asarray(columns["weight"], dtype=float)[order], np.asarray(columns["weight2"], dtype=float)[order]
                        ) if "weight" in columns else None
        self.suppressed = np.asarray(columns["suppressed"], dtype=bool)[order][self.starts]
        heads = [n[c[self.starts]] for n, c in zip(names, codes)]
        self.measures, self.sides = heads[-1], heads[0]
        # cell -> {measure: segment number}
        self._cells: dict[tuple, dict[str, int]] = {}
        for seg, key in enumerate(zip(*heads[:-1])):
            self._cells.setdefault(key, {})[self.measures[seg]] = seg
        self._summaries(scales, top_box_at)

    def _summaries(self, scales, top_box_at: float) -> None:
        """n, mean, SD and top-box count on POMP per segment (items); promoters, passives and
        detractors (NPS). Two passes over the counts, as `stats.summary_from_counts` does."""
        size = self.ends - self.starts
        seg_of_row = np.repeat(np.arange(len(self.starts)), size)
        lo = np.array([scales.get(s, {}).get(m, (0.0, 10.0))[0] for s, m in zip(self.sides, self.measures)])
        hi = np.array([scales.get(s, {}).get(m, (0.0, 10.0))[1] for s, m in zip(self.sides, self.measures)])
        values = np.nan_to_num(self.values)  # a suppressed segment's single row has no value and count 0
        scores = pomp(values, lo[seg_of_row], hi[seg_of_row])
        c = self.counts.astype(float)

        def total(x):
            return np.add.reduceat(x, self.starts) if len(self.starts) else np.zeros(0)

        self.n = total(c)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean = np.where(self.n > 0, total(c * scores) / self.n, np.nan)
            ss = total(c * (scores - self.mean[seg_of_row]) ** 2)
            self.sd = np.where(self.n >= 2, np.sqrt(ss / (self.n - 1)), np.nan)
        self.top = total(c * top_box(scores, top_box_at))
        promoters, passives, detractors = nps_groups(values)
        self.promoters, self.passives, self.detractors = total(c * promoters), total(c * passives), total(c * detractors)
        self.n_eff = None
        if self.weights is not None:
            self._weighted(total, scores, seg_of_row, top_box(scores, top_box_at), (promoters, passives, detractors))

    def _weighted(self, total, scores, seg_of_row, top, groups) -> None:
        """The weighted figures of the segments whose rows carry weights (a weighted side): mean, SD
        (the weighted variance × n_eff/(n_eff − 1), as `stats.survey.weighted_summary`), top-box
        "count" (weighted share × n), Kish's n_eff; the NPS groups' weight sums. Other segments keep
        their plain figures and n_eff NaN (unweighted)."""
        w, w2 = (np.nan_to_num(x) for x in self.weights)
        weighted = total(np.isfinite(self.weights[0]).astype(float)) > 0
        sw, sw2 = total(w), total(w2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total(w * scores) / sw
            n_eff = sw * sw / sw2
            var0 = total(w * (scores - mean[seg_of_row]) ** 2) / sw
            sd = np.sqrt(var0 * n_eff / (n_eff - 1))
            sd = np.where(n_eff > 1 + 1e-12, sd, np.nan)
            share = total(w * top) / sw
        use = weighted & (sw > 0)
        self.mean = np.where(use, mean, self.mean)
        self.sd = np.where(use, sd, self.sd)
        self.top = np.where(use, share * self.n, self.top)
        self.n_eff = np.where(use, n_eff, np.nan)
        self.nps_weights = tuple(np.where(use, total(w * g), np.nan) for g in groups)

    def cell(self, key: tuple) -> dict[str, int] | None:
        """measure -> segment number of a cell (side, wave, dimension, group, dimension2, group2)."""
        return self._cells.get(key)

    def cells(self, side: str, wave: str, dimension: str, dimension2: str = "", group2: str = "") -> dict[str, dict[str, int]]:
        """group -> that cell's measures, for every group of one breakdown (e.g. all units)."""
        return {k[3]: v for k, v in self._cells.items()
                if k[0] == side and k[1] == wave and k[2] == dimension and k[4] == dimension2 and k[5] == group2}

    def value_weights(self, seg: int) -> np.ndarray | None:
        """Σw per answer value of one segment, in `segment`'s order; None where its rows carry no weights
        (an unweighted run or side, or employee weights withheld: `aggregate.weighted`)."""
        if self.weights is None:
            return None
        w = self.weights[0][self.starts[seg]:self.ends[seg]]
        return w if len(w) and np.isfinite(w).all() else None

    def segment(self, seg: int) -> Segment:
        """The answer values and counts of one segment."""
        a, b = self.starts[seg], self.ends[seg]
        return Segment(self.values[a:b], self.counts[a:b], bool(self.suppressed[seg]))
