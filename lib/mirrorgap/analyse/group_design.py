"""The survey design of one side's rows of one wave, for every breakdown of them (issue 13, point 7).

One object, `RowsDesign`, serves the gap table's sides and every breakdown — units, segments, the
journeys (tenure proxy, measured stages, touchpoints), trends per wave, the side-only questions and
indices — so a weighted mean, its Kish n_eff and the finite-population correction (FPC) are computed
one way everywhere:

- **weights**: the side's `weight_column`, raked to `rake_to` within the wave's rows (`side_weights`);
  a group's mean is the weighted mean of its rows and Kish's n_eff of *its* weights replaces n in the
  standard error and the t's degrees of freedom;
- **the FPC** (employees, one wave, a headcount): √(1 − n/N) with N the group's own invited count
  where the headcount has one — a unit (headcount per unit) or a department (headcount per
  `segment`) — and the whole wave's invited count for the employees in total. Groups the headcount
  does not count (tenure bands, customer-facing, other segments, "not stated") get no correction:
  their population is not known, so their intervals stay as wide as without a headcount. Pooled waves
  get none either (the same people answer in several waves).

Without weights and headcount `summary` is `stats.estimators.mean_ci` itself, so a breakdown without a
design is exactly as before.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from mirrorgap.analyse.per_frame import kept_for
from mirrorgap.config.params import Engagement, SideSpec
from mirrorgap.errors import ParamsError
from mirrorgap.read.headcount import check_against
from mirrorgap.read.recode import BLANK, CleanSide
from mirrorgap.read.weights import WEIGHT
from mirrorgap.stats.estimators import mean_ci, mean_ci_from_summary, welch_from_summary
from mirrorgap.stats.raking import rake
from mirrorgap.stats.survey import SIMPLE, Design, fpc_mean, weighted_summary

__all__ = ["GroupSummary", "RowsDesign", "rake_frame", "rows_design", "side_weights", "wave_rows", "welch"]


@dataclass(frozen=True)
class GroupSummary:
    """One group's mean with its t-interval, and the design its variance was taken with (for Welch)."""

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    design: Design = SIMPLE

    def figures(self) -> dict:
        return {"n": self.n, "mean": self.mean, "sd": self.sd, "ci_low": self.ci_low, "ci_high": self.ci_high}


def welch(first: GroupSummary, second: GroupSummary, *, conf: float):
    """Welch's test of first − second, each group with its own n_eff and FPC."""
    return welch_from_summary(first.n, first.mean, first.sd, second.n, second.mean, second.sd, conf=conf,
                              design1=first.design, design2=second.design)


def side_weights(clean: CleanSide, spec: SideSpec) -> np.ndarray | None:
    """The weights of the side's rows: the weight column's, raked to `rake_to` when the params give
    margins (None when neither is given). Raking is done on the rows given (one wave)."""
    base = clean.frame[WEIGHT].to_numpy(dtype=float) if WEIGHT in clean.frame else None
    if not spec.rake_to:
        return base
    return rake_frame(clean.frame, spec.rake_to, base=base, who=clean.side)


def rake_frame(frame: pd.DataFrame, rake_to: dict[str, dict[str, float]], *, base: np.ndarray | None,
               who: str) -> np.ndarray:
    """The weights of `frame`'s rows raked to the population margins `rake_to` (column → group →
    count or share), starting from `base` (None: 1 each). who: the params section the margins are set
    in ("customer", "employee", "pulse"), for the messages. ParamsError for a group in the rows without
    a margin, a margin group nobody in the rows is in, or margins that cannot be met."""
    groups, targets = [], []
    for column, margin in rake_to.items():
        where = f"{who}.rake_to.{column}"
        values = frame[column].astype("object").map(str)
        unknown = sorted(set(values) - set(margin))
        if unknown:
            shown = ", ".join(repr(u) for u in unknown[:5])
            hint = " (respondents without a value)" if BLANK in unknown else ""
            raise ParamsError(where, [f"the {who} respondents include group(s) {shown}{hint} without a population "
                                      f"figure; add each to `rake_to: {column}:` (or merge it into a group there)"])
        names = list(margin)
        empty = [g for g in names if not (values == g).any()]
        if empty:
            raise ParamsError(where, [f"no {who} respondent is in {', '.join(map(repr, empty))}: raking cannot "
                                      f"weight up a group nobody answered in; merge it with a neighbour or leave it out"])
        groups.append(values.map({g: k for k, g in enumerate(names)}).to_numpy(dtype=np.int64))
        targets.append(np.array([margin[g] for g in names], dtype=float))
    try:
        return rake(groups, targets, base=base)
    except ValueError as exc:  # the margins cannot be met (the groups were checked above)
        raise ParamsError(f"{who}.rake_to", [f"the margins cannot be met: {exc}"]) from None


def wave_rows(clean: CleanSide, wave: str | None) -> CleanSide:
    """The side's rows of one wave (all rows when wave is None or the side has no waves), renumbered
    from 0 — the rows, in the order, that `units.side_rows` and `questions.question_rows` give."""
    if wave is None or "wave" not in clean.frame:
        return clean
    frame = clean.frame[clean.frame["wave"].astype(str) == str(wave)].reset_index(drop=True)
    return replace(clean, frame=frame, wave_order=None)


@dataclass(frozen=True)
class RowsDesign:
    """The design of one side's rows of one wave (row k is row k of `wave_rows`).

    weights: per row (None: unweighted). invited: the wave's headcount per (unit, group) as
    `read.headcount.check_against` gives it (None: no correction — customers, pooled waves, no
    headcount). unit_counted / segment: which groups the headcount counts (the unit; the employee
    column its groups are)."""

    weights: np.ndarray | None = None
    invited: pd.DataFrame | None = None
    unit_counted: bool = False
    segment: str | None = None

    @property
    def active(self) -> bool:
        return self.weights is not None or self.invited is not None

    def population(self, by: str | None = None, group: str | None = None) -> int | None:
        """How many were invited: in all (by None), or in the group `group` of column `by` when the
        headcount counts that column's groups; None when it is not known (no correction)."""
        if self.invited is None:
            return None
        if by is None:
            return int(self.invited["invited"].sum())
        key = "unit" if by == "unit" and self.unit_counted else "group" if by == self.segment else None
        if key is None:
            return None
        return self._invited_per_group[key].get(str(group))

    @cached_property
    def _invited_per_group(self) -> dict[str, dict[str, int]]:
        """The invited count per unit and per group, by the group as text: every breakdown asks for
        each of its groups, and a filter of the headcount per group cost more than the group's mean."""
        out = {}
        for key in ("unit", "group"):
            text = self.invited[key].astype(str)
            out[key] = {str(g): int(v) for g, v in self.invited["invited"].groupby(text, sort=False).sum().items()}
        return out

    def summary(self, values: pd.Series, *, conf: float, population: int | None = None) -> GroupSummary:
        """The mean with its t-interval of `values` (POMP; NaN = no answer), a Series indexed by row
        position: weighted by those rows' weights with Kish's n_eff, and corrected by √(1 − n/N) for
        a known population N."""
        if self.weights is None:
            m = mean_ci(values.to_numpy(dtype=float), conf=conf)
            if population is None:
                return GroupSummary(m.n, m.mean, m.sd, m.ci_low, m.ci_high)
            design = Design(fpc=fpc_mean(m.n, population))
            c = mean_ci_from_summary(m.n, m.mean, m.sd, conf=conf, design=design)
            return GroupSummary(c.n, c.mean, c.sd, c.ci_low, c.ci_high, design)
        x = values.to_numpy(dtype=float)
        w = self.weights[values.index.to_numpy()]
        answered = ~np.isnan(x)
        if not answered.any() or w[answered].sum() <= 0:  # nobody, or only weight 0: no weighted mean
            return GroupSummary(int(answered.sum()), math.nan, math.nan, math.nan, math.nan,
                                Design(n_eff=0.0))
        n, mean, sd, n_eff = weighted_summary(x, w)
        design = Design(n_eff=n_eff, fpc=fpc_mean(n, population))
        if math.isnan(sd):  # n_eff ≤ 1: a mean, no interval
            return GroupSummary(n, mean, sd, math.nan, math.nan, design)
        c = mean_ci_from_summary(n, mean, sd, conf=conf, design=design)
        return GroupSummary(c.n, c.mean, c.sd, c.ci_low, c.ci_high, design)


_DESIGNS: dict = {}  # id(frame) -> (the frame, its designs): `per_frame.kept_for`


def rows_design(clean: CleanSide, engagement: Engagement, wave: str | None, *,
                headcount: pd.DataFrame | None = None) -> RowsDesign:
    """The design of the side's rows of `wave` (see `wave_rows`). Rows that hold one wave only count
    as that wave (a side already restricted to the analysed wave). The headcount applies to the
    employees of one wave, or of a side without waves.

    The same design for the same rows, params and headcount while a run reads its sides
    (`per_frame.reading_sides`; its weights read-only): a run's breakdowns asked for it some thirty
    times, raking the wave and checking the headcount each time."""
    kept = kept_for(_DESIGNS, clean.frame)
    # the params and the headcount by identity (both held in the entry, so an id is never reused while
    # it is there)
    key = (clean.side, wave, id(engagement), id(headcount))
    found = kept.get(key)
    if found is None or found[0] is not engagement or found[1] is not headcount:
        design = _rows_design(clean, engagement, wave, headcount)
        if design.weights is not None:
            design.weights.setflags(write=False)  # shared by every caller
        found = kept[key] = (engagement, headcount, design)
    return found[2]


def _rows_design(clean: CleanSide, engagement: Engagement, wave: str | None,
                 headcount: pd.DataFrame | None) -> RowsDesign:
    spec = engagement.headcount
    counted = clean.side == "employee" and headcount is not None and spec is not None
    if WEIGHT not in clean.frame and not engagement.side(clean.side).rake_to and not counted:
        return RowsDesign()  # no design: no copy of the rows (a million-row side is asked many times)
    rows = wave_rows(clean, wave)
    weights = side_weights(rows, engagement.side(clean.side))
    if not counted:
        return RowsDesign(weights=weights)
    if "wave" in rows.frame:
        found = rows.frame["wave"].dropna().astype(str).unique()
        if len(found) != 1:  # pooled waves: no correction
            return RowsDesign(weights=weights)
        wave = found[0] if wave is None else wave
    else:
        wave = None
    invited = check_against(headcount, rows.frame, spec, wave=wave)
    return RowsDesign(weights=weights, invited=invited, unit_counted=bool(spec.unit_column),
                      segment=spec.segment if spec.segment_column else None)
