"""The customer journey by touchpoint, and employee results by journey stage.

Touchpoints (booking, reception, workshop, delivery, follow-up …) group the mirror items by where the
customer meets the company. Per touchpoint, every respondent gets the mean POMP of that touchpoint's
items they answered; the sides are then compared with Welch's test, BH-adjusted across touchpoints
and classified like the items (blind spot / hidden strength / aligned).

The employee journey (onboarding, clear expectations, feedback, development) is read through tenure
bands (`employee.tenure_column` in `tenure_order`), next to customer-facing vs not
(`employee.customer_facing_column`): per band × item the employees' mean POMP against ALL customers,
suppressed per item with `anonymity.hidden_groups` (via `units.group_gap_table`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.analyse.disclosure import RESPONDENTS
from mirrorgap.analyse.gaps import classify
from mirrorgap.analyse.group_design import rows_design, welch
from mirrorgap.analyse.units import group_gap_table, side_rows
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.estimators import benjamini_hochberg
from mirrorgap.stats.small_groups import too_small

__all__ = ["JOURNEY_COLUMNS", "TOUCHPOINT_COLUMNS", "employee_journey_table", "touchpoint_label",
           "touchpoint_table"]

NO_TOUCHPOINT = "other"  # items without a touchpoint are gathered here
TOUCHPOINT_COLUMNS = [
    "touchpoint", "label", "items", "n_items",
    "customer_n", "customer_mean", "customer_ci_low", "customer_ci_high",
    "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
    "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value", "classification", "suppressed",
]
JOURNEY_COLUMNS = ["stage", "column", "band", "band_label", "item", "label", "compared_with", "employee_n",
                   "employee_mean", "customer_n", "customer_mean", "gap", "gap_ci_low", "gap_ci_high",
                   "suppressed"]
_YES = {"ja", "j", "yes", "y", "1", "1.0", "true", "sant"}
_NO = {"nej", "n", "no", "nei", "0", "0.0", "false", "falsk", "usant"}


def touchpoint_label(touchpoint: str, language: str) -> str:
    """The touchpoint's display name (`touchpoint:` texts), else the id made readable."""
    names = section(language, "touchpoint")
    if touchpoint == NO_TOUCHPOINT:
        return section(language, "units")["no_touchpoint"]
    return names.get(touchpoint, touchpoint.replace("_", " ").capitalize())


def _touchpoints(engagement: Engagement) -> dict[str, list[str]]:
    """Touchpoint -> its item ids, in the order the touchpoints first appear in the params (the journey)."""
    out: dict[str, list[str]] = {}
    for item in engagement.analysed_items:
        out.setdefault(item.touchpoint or NO_TOUCHPOINT, []).append(item.id)
    return out


def touchpoint_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                     wave: str | None = None, hidden_totals: set = frozenset(),
                     headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per touchpoint (journey order): both sides' mean POMP with t-CIs, the gap (employees −
    customers) with Welch's CI and p, BH q across touchpoints and the classification (columns
    `TOUCHPOINT_COLUMNS`; `items` the item ids joined by ", ").

    A respondent counts for a touchpoint when they answered at least one of its items; their score is
    the mean POMP over those. Employee figures from fewer than `analysis.min_n` respondents are
    suppressed (NaN, classification 'suppressed') — no breakdown by group here, only the total — and
    so are those the aggregates hide a total of (`hidden_totals`, `Results.hidden_totals`: the
    respondents, or one of the touchpoint's items).
    customer, employee: the cleaned sides. engagement: items, language, analysis. wave: None = all rows.
    Weights and the employees' headcount (the whole wave's invited count) enter through
    `group_design.rows_design`.
    """
    a, lang = engagement.analysis, engagement.language
    conf = 1 - a.alpha
    c_rows, e_rows = side_rows(customer, wave), side_rows(employee, wave)
    c_design = rows_design(customer, engagement, wave)
    e_design = rows_design(employee, engagement, wave, headcount=headcount)
    rows = []
    for tp, ids in _touchpoints(engagement).items():
        c = c_design.summary(c_rows[ids].mean(axis=1, skipna=True), conf=conf)
        e = e_design.summary(e_rows[ids].mean(axis=1, skipna=True), conf=conf, population=e_design.population())
        hidden = too_small(e.n, a.min_n) or bool(hidden_totals & {RESPONDENTS, *ids})
        w = welch(e, c, conf=conf)
        row = {"touchpoint": tp, "label": touchpoint_label(tp, lang), "items": ", ".join(ids),
               "n_items": len(ids), "customer_n": c.n, "customer_mean": c.mean, "customer_ci_low": c.ci_low,
               "customer_ci_high": c.ci_high, "employee_n": e.n, "employee_mean": e.mean,
               "employee_ci_low": e.ci_low, "employee_ci_high": e.ci_high,
               "gap": w.diff, "gap_ci_low": w.ci_low, "gap_ci_high": w.ci_high, "p_value": w.p_value,
               "suppressed": hidden}
        if hidden:
            row.update({k: np.nan for k in ("employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
                                            "gap", "gap_ci_low", "gap_ci_high", "p_value")})
        rows.append(row)
    table = pd.DataFrame(rows)
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy(dtype=float))
    table["classification"] = [classify(g, q, threshold=a.gap_threshold, alpha=a.alpha)
                               for g, q in zip(table["gap"], table["q_value"])]
    return table[TOUCHPOINT_COLUMNS]


def _band_label(value: str, stage: str, language: str) -> str:
    """Customer-facing flags (Ja/Nej, yes/no, 1/0) in words; tenure bands as the client wrote them."""
    if stage != "customer_facing":
        return value
    t = section(language, "units")
    key = value.strip().lower()
    return t["customer_facing_yes"] if key in _YES else t["customer_facing_no"] if key in _NO else value


def employee_journey_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                           wave: str | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """Employees by journey stage: per tenure band (in `tenure_order`) and per customer-facing group ×
    item, the employees' mean POMP, its gap to ALL customers with Welch's CI, suppressed per item with
    `hidden_groups` (columns `JOURNEY_COLUMNS`; stage is "tenure" or "customer_facing", column the
    employee column, band its value, band_label the display name).

    customer, employee: the cleaned sides. engagement: employee.tenure_column / tenure_order /
    customer_facing_column, analysis.min_n. wave: None = all rows. Empty table when neither column is set.
    headcount: as in `units.group_gap_table` (a band gets the correction only if the headcount counts it).
    """
    spec, lang = engagement.employee, engagement.language
    parts = []
    for stage, column in (("tenure", spec.tenure_column), ("customer_facing", spec.customer_facing_column)):
        if not column:
            continue
        t = group_gap_table(customer, employee, engagement, by=column, wave=wave, headcount=headcount)
        parts.append(t.assign(stage=stage, column=column, band=t["group"],
                              band_label=[_band_label(g, stage, lang) for g in t["group"]]))
    if not parts:
        return pd.DataFrame(columns=JOURNEY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[JOURNEY_COLUMNS]
