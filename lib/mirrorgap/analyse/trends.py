"""Change between survey waves: per item and side the change in POMP, and per item the change of the gap.

One table (it becomes `trends.csv`) with a `kind` column:

- `item_change` — one row per item × side × pair of consecutive waves of that side (waves in the
  order of `recode.waves_of`): `n_from, n_to, mean_from, mean_to` (POMP), `change = mean_to −
  mean_from` with Welch's CI and p-value (`stats.welch_from_summary`), `significant` when the CI at
  1 − alpha excludes 0.
- `gap_change` — one row per item × pair of consecutive waves both sides share (side = "gap"):
  `gap_from, gap_to` (employees − customers) and `gap_change = gap_to − gap_from`, a difference in
  differences of four independent groups (see `gap_change_from_summary`), and `gap_direction`.

Columns a row kind does not use are NaN. `significant` is per row, unadjusted (the CI says it);
`q_value` is the Benjamini–Hochberg value across the items of one side and wave pair (or of the gap
changes of one wave pair) for readers who want the many-items view.

Anonymity: employee results of a wave with fewer than `min_n` answers to an item are suppressed
(means, change, gap NaN; `suppressed` True; n kept, as in the gap table). When the params pool the
waves (`analysis.wave: all`) the pooled employee mean is shown in the gap table, so the waves
partition a shown total and are passed through `anonymity.hidden_groups` with the total shown:
pooled − the other waves can then never give back a small wave.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from mirrorgap.analyse.gaps import display_label
from mirrorgap.analyse.group_design import GroupSummary, RowsDesign, rows_design, welch
from mirrorgap.config.params import Engagement
from mirrorgap.read.recode import CleanSide, waves_of
from mirrorgap.stats.estimators import benjamini_hochberg, pomp
from mirrorgap.stats.suppression import hidden_groups

KINDS = ("item_change", "gap_change")
GAP_DIRECTIONS = ("closed", "widened", "unchanged", "suppressed")

# trends.csv, in this order
TREND_COLUMNS = [
    "kind", "item", "label", "side", "wave_from", "wave_to", "n_from", "n_to",
    "mean_from", "mean_to", "change", "change_ci_low", "change_ci_high",
    "gap_from", "gap_to", "gap_change", "gap_change_ci_low", "gap_change_ci_high",
    "df", "p_value", "q_value", "significant", "gap_direction", "suppressed",
]


@dataclass(frozen=True)
class GapChange:
    """A difference in differences (employees − customers, later − earlier wave) with its CI."""

    gap_from: float
    gap_to: float
    change: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float


def gap_change_from_summary(e_from: tuple, c_from: tuple, e_to: tuple, c_to: tuple, *,
                            conf: float = 0.95) -> GapChange:
    """The change of a gap between two waves from four independent groups' (n, mean, sd).

    e_from, c_from, e_to, c_to: (n, mean, sd with ddof=1) of employees and customers in the earlier
    and the later wave. conf: confidence level of the CI.

    change = (e_to − c_to) − (e_from − c_from); SE² = Σ_g sd_g²/n_g over the four groups (they are
    different people, so independent); the degrees of freedom follow Welch–Satterthwaite generalised
    to k groups: df = (Σ v_g)² / Σ (v_g² / (n_g − 1)) with v_g = sd_g²/n_g — for two groups this is
    Welch's df exactly. CI = change ± t_{(1+conf)/2, df} · SE; two-sided p from t(df).
    Any group with n < 2 or a NaN sd, or SE = 0, gives NaN for SE, df, CI and p (change kept when
    the four means exist). No exception.
    """
    groups = [tuple(float(x) for x in g) for g in (e_from, c_from, e_to, c_to)]
    means = [g[1] if g[0] > 0 else math.nan for g in groups]
    gap_from, gap_to = means[0] - means[1], means[2] - means[3]
    change = gap_to - gap_from
    nan = GapChange(gap_from, gap_to, change, *(math.nan,) * 5)
    if any(n < 2 or not math.isfinite(sd) for n, _, sd in groups):
        return nan
    v = [sd * sd / n for n, _, sd in groups]
    se2 = sum(v)
    if se2 == 0:
        return nan
    se = math.sqrt(se2)
    df = se2 * se2 / sum(vg * vg / (n - 1) for vg, (n, _, _) in zip(v, groups))
    half = float(sps.t.ppf((1 + conf) / 2, df)) * se
    p = float(min(1.0, 2 * sps.t.sf(abs(change / se), df)))
    return GapChange(gap_from, gap_to, change, se, df, change - half, change + half, p)


def gap_direction(gap_from: float, gap_to: float, ci_low: float, ci_high: float) -> str:
    """closed: |gap| shrank and the change's CI excludes 0; widened: |gap| grew and the CI excludes 0;
    unchanged: otherwise (no significant change); suppressed: a gap or the CI is missing."""
    if not all(np.isfinite(x) for x in (gap_from, gap_to, ci_low, ci_high)):
        return "suppressed"
    if ci_low <= 0 <= ci_high:
        return "unchanged"
    if abs(gap_to) < abs(gap_from):
        return "closed"
    if abs(gap_to) > abs(gap_from):
        return "widened"
    return "unchanged"


def _summaries(clean: CleanSide, item: str, designs: dict[str, tuple[np.ndarray, RowsDesign]], *,
               conf: float) -> dict[str, GroupSummary]:
    """One item's mean on POMP in each wave (the keys of `designs`: the wave's rows and its design),
    weighted and corrected by that wave's own design: its weights, and the employees' FPC from that
    wave's invited count."""
    scale = clean.scales[item]
    scores = pomp(clean.frame[item], scale.min, scale.max)  # this item only, not every item's POMP per call
    out = {}
    for wave, (rows, design) in designs.items():
        values = scores[rows].reset_index(drop=True)  # row k = the wave's row k, as the design's
        out[wave] = design.summary(values, conf=conf, population=design.population())
    return out


def _wave_designs(clean: CleanSide, engagement: Engagement, waves: list[str],
                  headcount: pd.DataFrame | None) -> dict[str, tuple[np.ndarray, RowsDesign]]:
    """Per wave its rows (a mask, found once for all items) and its design."""
    labels = clean.frame["wave"].astype(str).to_numpy() if waves else None
    return {w: (labels == str(w), rows_design(clean, engagement, w, headcount=headcount)) for w in waves}


def _effective(s: GroupSummary) -> tuple[float, float, float]:
    """(n, mean, sd) whose plain variance sd²/n and df n − 1 are the design's: (n_eff, mean, sd · fpc)."""
    return s.design.n_var(s.n), s.mean, s.sd * s.design.fpc


def _employee_hidden(summaries: dict[str, GroupSummary], *, min_n: int, pooled_shown: bool) -> dict[str, bool]:
    """Per wave, whether the employees' result must be hidden (waves partition the pooled employees)."""
    counts = pd.Series({w: s.n for w, s in summaries.items()}, dtype=int)
    if counts.empty:
        return {}
    return hidden_groups(counts, min_n=min_n, total_shown=pooled_shown).to_dict()


def _masked(summary: GroupSummary, hidden: bool) -> tuple:
    return (summary.n, math.nan, math.nan) if hidden else _effective(summary)


def trend_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                pooled_shown: bool | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change between consecutive waves, per item and side, and the change of each item's gap.

    customer, employee: the clean sides (all waves; each needs a `wave` column to show change).
    engagement: supplies the items, the language (labels), `analysis.alpha` and `analysis.min_n`.
    pooled_shown: whether a client view shows the employees pooled over the waves (default: when
        `analysis.wave` is "all"); then waves are suppressed as a partition of that total.
    headcount: the employees' headcount; each wave's employee figures get the finite-population
        correction from that wave's invited count (never a pooled one). Weights are taken per wave
        (raked within each wave), through `group_design.rows_design`.
    Returns the table described in the module docstring (columns `TREND_COLUMNS`); empty (with
    those columns) when neither side has two waves.
    """
    analysis = engagement.analysis
    conf, min_n = 1 - analysis.alpha, analysis.min_n
    if pooled_shown is None:
        pooled_shown = analysis.wave == "all"
    c_waves, e_waves = waves_of(customer), waves_of(employee)
    shared = [w for w in c_waves if w in set(e_waves)]
    c_designs = _wave_designs(customer, engagement, c_waves, None)
    e_designs = _wave_designs(employee, engagement, e_waves, headcount)
    rows = []
    for item in engagement.analysed_items:
        base = {"item": item.id, "label": display_label(item, engagement.language)}
        c_sum = _summaries(customer, item.id, c_designs, conf=conf)
        e_sum = _summaries(employee, item.id, e_designs, conf=conf)
        e_hidden = _employee_hidden(e_sum, min_n=min_n, pooled_shown=pooled_shown)
        for side, waves, summ in (("customer", c_waves, c_sum), ("employee", e_waves, e_sum)):
            for w1, w2 in zip(waves, waves[1:]):
                hide = side == "employee" and (e_hidden[w1] or e_hidden[w2])
                rows.append({**base, **_item_change(side, w1, w2, summ[w1], summ[w2], conf=conf, hide=hide,
                                                    hide_from=side == "employee" and e_hidden[w1],
                                                    hide_to=side == "employee" and e_hidden[w2])})
        for w1, w2 in zip(shared, shared[1:]):
            rows.append({**base, **_gap_change(w1, w2, c_sum, e_sum, e_hidden, conf=conf)})
    table = pd.DataFrame(rows, columns=TREND_COLUMNS)
    if table.empty:
        return table
    table["q_value"] = _q_values(table)
    table["significant"] = table["significant"].astype(bool)
    table["suppressed"] = table["suppressed"].astype(bool)
    return table


def _item_change(side: str, w1: str, w2: str, s1: GroupSummary, s2: GroupSummary, *, conf: float, hide: bool,
                 hide_from: bool, hide_to: bool) -> dict:
    # a hidden wave's n is not shown either: the size of a group too small to show
    row = {"kind": "item_change", "side": side, "wave_from": w1, "wave_to": w2,
           "n_from": math.nan if hide_from else s1.n, "n_to": math.nan if hide_to else s2.n,
           "mean_from": math.nan if hide_from else s1.mean, "mean_to": math.nan if hide_to else s2.mean,
           "significant": False, "suppressed": hide, "gap_direction": ""}
    if hide:
        return row
    w = welch(s2, s1, conf=conf)  # diff = later − earlier
    row.update({"change": w.diff, "change_ci_low": w.ci_low, "change_ci_high": w.ci_high, "df": w.df,
                "p_value": w.p_value, "significant": bool(w.ci_low > 0 or w.ci_high < 0)})
    return row


def _gap_change(w1: str, w2: str, c_sum: dict, e_sum: dict, e_hidden: dict, *, conf: float) -> dict:
    g = gap_change_from_summary(_masked(e_sum[w1], e_hidden[w1]), _effective(c_sum[w1]),
                                _masked(e_sum[w2], e_hidden[w2]), _effective(c_sum[w2]), conf=conf)
    hide = e_hidden[w1] or e_hidden[w2]
    row = {"kind": "gap_change", "side": "gap", "wave_from": w1, "wave_to": w2,
           "gap_from": g.gap_from, "gap_to": g.gap_to, "suppressed": hide, "significant": False,
           "gap_direction": "suppressed" if hide else gap_direction(g.gap_from, g.gap_to, g.ci_low, g.ci_high)}
    if hide:
        return row
    row.update({"gap_change": g.change, "gap_change_ci_low": g.ci_low, "gap_change_ci_high": g.ci_high,
                "df": g.df, "p_value": g.p_value, "significant": bool(g.ci_low > 0 or g.ci_high < 0)})
    return row


def _q_values(table: pd.DataFrame) -> pd.Series:
    """BH q-values within each family: one side's items in one wave pair, or one wave pair's gap changes."""
    q = pd.Series(np.nan, index=table.index)
    for _, family in table.groupby(["kind", "side", "wave_from", "wave_to"], sort=False):
        q[family.index] = benjamini_hochberg(family["p_value"].to_numpy(dtype=float))
    return q
