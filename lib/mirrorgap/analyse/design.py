"""The survey design of a run (issue 13, points 6–7): weights per side, the employees' headcount, and
what they do to the estimates.

- **Weights**: a side's `weight_column` (read with the rows, `read.weights`), raked to the params'
  population margins (`rake_to`, `stats.raking`) when given. Means, top-box shares and NPS are
  weighted; Kish's effective n replaces n in every standard error and t's degrees of freedom (item
  means, top box, the gap's Welch test, NPS).
- **Headcount**: how many employees were invited (`read.headcount`). The employees' standard errors
  get the finite-population correction (a census has no sampling error), and response rates per
  group are published wherever the aggregates publish the group's respondent count — and nowhere
  else, so no rate gives away a hidden group's count (the headcount itself is not secret).
Without weights and headcount nothing here changes a figure: the designs are None and the estimators
take their plain path.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mirrorgap.analyse.disclosure import RESPONDENTS, side_decision
from mirrorgap.analyse.gaps import counts_summary, value_counts
from mirrorgap.analyse.group_design import side_weights
from mirrorgap.config.params import Engagement
from mirrorgap.errors import ParamsError
from mirrorgap.read.headcount import check_against
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.estimators import pomp, top_box
from mirrorgap.stats.small_groups import too_small
from mirrorgap.stats.survey import kish_n_eff, weighted_summary

__all__ = ["SideDesign", "RATE_COLUMNS", "side_weights", "side_design", "design_summaries", "response_rates"]

TOTAL = "(all)"  # the group of the all-employees row, as the crossed tables' margins are labelled
RATE_COLUMNS = ["wave", "by", "group", "by2", "group2", "invited", "responded", "response_rate", "suppressed"]


@dataclass(frozen=True)
class SideDesign:
    """How one side's rows of the analysed wave were drawn: weights (None: unweighted) and the
    population they come from (None: no headcount, an infinite population)."""

    weights: np.ndarray | None = None
    population: int | None = None

    @property
    def active(self) -> bool:
        return self.weights is not None or self.population is not None

    @property
    def n_eff(self) -> float | None:
        """Kish's effective n of the side's respondents (None when unweighted)."""
        return None if self.weights is None else kish_n_eff(self.weights)


def side_design(clean: CleanSide, engagement: Engagement, *, headcount: pd.DataFrame | None,
                wave: str | None) -> SideDesign:
    """The design of one side's rows (already restricted to `wave`). The headcount applies to the
    employees of one wave (or a side without waves); pooled waves get no correction (the same people
    answer in several waves, so n can exceed the headcount)."""
    weights = side_weights(clean, engagement.side(clean.side))
    population = None
    if clean.side == "employee" and headcount is not None and (wave is not None or "wave" not in clean.frame):
        population = int(check_against(headcount, clean.frame, engagement.headcount, wave=wave)["invited"].sum())
    return SideDesign(weights=weights, population=population)


def design_summaries(clean: CleanSide, design: SideDesign, *, top_box_at: float) -> tuple[dict, dict]:
    """Per item of the side: (n, mean, SD, top-box count) on POMP as `gaps.counts_summary` gives them,
    weighted when the design has weights (the top-box "count" is then the weighted share × n), and
    the item's (n_eff, population) for the estimators."""
    summaries, designs = {}, {}
    for item in clean.items:
        scale = clean.scales[item.id]
        if design.weights is None:
            summaries[item.id] = counts_summary(*value_counts(clean.frame[item.id]), scale_min=scale.min,
                                                scale_max=scale.max, top_box_at=top_box_at)
            designs[item.id] = (None, design.population)
            continue
        scores = pomp(clean.frame[item.id].to_numpy(dtype=float), scale.min, scale.max)
        answered = ~np.isnan(scores)
        w = design.weights[answered]
        if answered.any() and w.sum() <= 0:
            raise ParamsError(f"{clean.side}.weight_column", [
                f"every {clean.side} who answered {item.id!r} has weight 0, so the item has no weighted answer; "
                "check the weights (or the raking margins)"])
        n, mean, sd, n_eff = weighted_summary(scores, design.weights)
        share = float(w[top_box(scores[answered], top_box_at)].sum() / w.sum()) if n else 0.0
        summaries[item.id] = (n, mean, sd, share * n)
        designs[item.id] = (n_eff, design.population)
    return summaries, designs


def response_rates(employee: CleanSide, engagement: Engagement, headcount: pd.DataFrame, *,
                   waves: list[str | None]) -> pd.DataFrame:
    """Response rates (percent) per wave: all employees, each group the headcount counts (unit and/or
    department) and, with both, unit × department. A group's rate and respondent count are shown only
    where the aggregates show its respondent count (the audited decision of `analyse.disclosure`): a
    rate and the public headcount give the count, so a rate is published exactly when the count is.
    employee: the clean employee rows of every wave in `waves` (None: a side without waves)."""
    spec, min_n = engagement.headcount, engagement.analysis.min_n
    decision = side_decision(employee, engagement, pooled=False)
    segment = spec.segment
    rows = []
    for wave in waves:
        part = employee.frame if wave is None else employee.frame[employee.frame["wave"] == wave]
        fitted = check_against(headcount, part, spec, wave=wave)
        cells = [(None, None, None, None, int(fitted["invited"].sum()), len(part))]
        by_unit = "unit" in fitted and spec.unit_column
        for key, col in (("unit", "unit"), ("group", segment)):
            if key == "unit" and not by_unit or key == "group" and not spec.segment_column:
                continue
            for group, g in fitted.groupby(key, sort=True):
                cells.append((col, group, None, None, int(g["invited"].sum()), int((part[col] == group).sum())))
        if by_unit and spec.segment_column:
            for r in fitted.sort_values(["unit", "group"]).itertuples():
                n = int(((part["unit"] == r.unit) & (part[segment] == r.group)).sum())
                cells.append(("unit", r.unit, segment, r.group, int(r.invited), n))
        for by, group, by2, group2, invited, n in cells:
            key = (by, group, by2, group2)
            hidden = too_small(n, min_n) or decision.cell_hidden(wave, RESPONDENTS, key)
            rate = 100.0 * n / invited if invited else np.nan
            rows.append({"wave": wave if wave is not None else "", "by": by or "", "group": group or TOTAL,
                         "by2": by2 or "", "group2": group2 or "", "invited": invited,
                         "responded": pd.NA if hidden else n, "response_rate": np.nan if hidden else rate,
                         "suppressed": bool(hidden)})
    return pd.DataFrame(rows, columns=RATE_COLUMNS).astype({"responded": "Int64", "invited": "int64"})
