"""Gaps per unit and per segment: the group gap table behind the heatmaps and `units.csv`.

One row per group × mirror item, both sides on POMP (0–100) and the gap (employees − customers) with
Welch's CI. How a group is compared depends on where its column lives:
- the unit, or a segment both files carry: the group's employees against the same group's customers;
- an employee-only segment (department, tenure band, customer-facing): the group's employees against
  ALL customers (`compared_with = "all_customers"`);
- a customer-only segment (customer type, visit type): the group's customers against ALL employees
  (`compared_with = "all_employees"`).

Anonymity: the employee cells are hidden exactly as in the anonymised aggregates
(`disclosure.side_decision`): per item a group under min_n is hidden with its complements, after an
attacker's audit over every table of the wave (one-way, crossed, respondents) value by value; a pooled
table (all waves) is audited jointly with the single waves. Employees without a group value form a
group of their own ("not stated"), always hidden: the aggregates never publish it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.analyse.disclosure import TOTAL_KEY, report_decision
from mirrorgap.analyse.gaps import display_label
from mirrorgap.analyse.group_design import GroupSummary, RowsDesign, rows_design, welch
from mirrorgap.analyse.per_frame import kept_for
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.errors import AnalysisError
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.suppression import hidden_groups

__all__ = ["GROUP_COLUMNS", "UNITS_CSV_COLUMNS", "comparison", "group_gap_table", "group_order", "protect",
           "side_rows", "units_csv_frame"]

GROUP_COLUMNS = [
    "by", "group", "item", "label", "touchpoint", "compared_with",
    "customer_n", "customer_mean", "customer_ci_low", "customer_ci_high",
    "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
    "gap", "gap_ci_low", "gap_ci_high", "p_value", "suppressed",
]
COMPARED_WITH = ("same_group", "all_customers", "all_employees")
# units.csv: the unit gap rows, then one linkage row per unit (row_type tells them apart).
UNITS_CSV_COLUMNS = ["row_type", *GROUP_COLUMNS, "status"]
_EMPLOYEE_FIGURES = ("employee_mean", "employee_ci_low", "employee_ci_high", "gap", "gap_ci_low",
                     "gap_ci_high", "p_value")


_ROWS: dict = {}  # id(frame) -> (the frame, its rows per wave): `per_frame.kept_for`


def side_rows(clean: CleanSide, wave: str | None) -> pd.DataFrame:
    """The side's respondents in one wave (all of them when wave is None), with POMP item scores.

    A local filter rather than `pipeline.in_wave`, so that the pipeline can import this module. Made
    once per frame, wave and items while a run reads its sides (`per_frame.reading_sides`: the unit,
    segment, journey, touchpoint and linkage tables each asked); each caller gets its own copy
    (copy-on-write: a change to it changes no other).
    """
    key = (wave, tuple((i.id, clean.scales[i.id].min, clean.scales[i.id].max) for i in clean.items))
    kept = kept_for(_ROWS, clean.frame)
    if key not in kept:
        kept[key] = _side_rows(clean, wave)
    return kept[key].copy(deep=False)


def _side_rows(clean: CleanSide, wave: str | None) -> pd.DataFrame:
    frame = clean.frame.copy()
    frame[[i.id for i in clean.items]] = clean.pomp()
    if wave is None:
        return frame.reset_index(drop=True)
    if "wave" not in frame:
        raise AnalysisError(f"wave {wave!r} was asked for but the {clean.side} file has no wave column "
                         f"(set {clean.side}.wave_column in the params, or pass wave=None)")
    found = sorted(frame["wave"].dropna().astype(str).unique())
    if str(wave) not in found:
        raise AnalysisError(f"wave {wave!r} is not in the {clean.side} file; its waves are {found}")
    return frame[frame["wave"].astype(str) == str(wave)].reset_index(drop=True)


def comparison(customer: CleanSide, employee: CleanSide, by: str) -> str:
    """How groups of `by` are compared: 'same_group', 'all_customers' or 'all_employees'."""
    on_customer = by in customer.frame.columns and (by == "unit" or by in customer.segments)
    on_employee = by in employee.frame.columns and (by == "unit" or by in employee.segments)
    if on_customer and on_employee:
        return "same_group"
    if on_employee:
        return "all_customers"
    if on_customer:
        return "all_employees"
    if by == "unit":
        raise AnalysisError("neither file has a unit column: set customer.unit_column and employee.unit_column "
                         "in the params")
    raise AnalysisError(f"{by!r} is neither 'unit' nor a segment column; segments: customers "
                     f"{customer.segments}, employees {employee.segments}")


def group_order(values, *, preferred: list[str] | None = None, not_stated: str | None = None) -> list[str]:
    """Groups in display order: those in `preferred` (e.g. tenure_order) first in that order, then the
    rest alphabetically, `not_stated` last."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    present = [str(v) for v in series.dropna().unique()]  # a column's distinct values, not a list of its rows
    first = [g for g in (preferred or []) if g in present]
    rest = sorted(g for g in present if g not in first and g != not_stated)
    tail = [not_stated] if not_stated is not None and not_stated in present else []
    return first + rest + tail


def protect(counts: pd.Series, min_n: int) -> pd.Series:
    """Which groups' employee figures to hide, from their answer counts (one partition of a shown
    total): `hidden_groups` over the groups with answers; a group without answers has nothing to show
    and must not force a needless complement."""
    hidden = pd.Series(True, index=counts.index)
    answered = counts[counts > 0]
    if len(answered):
        hidden[answered.index] = hidden_groups(answered, min_n=min_n, total_shown=True)
    return hidden


def _group_labels(frame: pd.DataFrame, by: str, not_stated: str) -> pd.Series:
    """The group of every respondent as text; a missing value is the `not_stated` group."""
    cells = frame[by]
    if pd.api.types.is_string_dtype(cells.dtype) and cells.dtype != object:  # text: each distinct label once
        codes, uniques = pd.factorize(cells)
        labels = np.array([str(u) for u in uniques] + [not_stated], dtype=object)[codes]  # -1: not stated
        return pd.Series(labels, index=cells.index, name=cells.name, dtype=object)
    labels = cells.astype("object")
    return labels.where(labels.notna(), not_stated).map(str)


_NONE = pd.Series([], dtype=float)


def _group_rows(groups: pd.Series | None) -> dict[str, np.ndarray] | None:
    """Each group's rows (positions, ascending) of a side broken down by `groups` (one label per row,
    indexed 0..n-1 as `side_rows` gives them); None when the side is not broken down. Found once per
    table: the items' answers are then split by these (`_split`), not grouped again per item."""
    if groups is None:
        return None
    codes, uniques = pd.factorize(groups.to_numpy(dtype=object), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(g): order[bounds[k]:bounds[k + 1]] for k, g in enumerate(uniques)}


def _split(values: np.ndarray, rows: dict[str, np.ndarray] | None) -> dict[str, pd.Series] | None:
    """One item's answers (`values`, per row; NaN = none) per group, indexed by row, the groups without
    an answer left out (None when this side is not broken down)."""
    if rows is None:
        return None
    out = {}
    for group, at in rows.items():
        answered = at[~np.isnan(values[at])]
        if len(answered):
            out[group] = pd.Series(values[answered], index=answered)
    return out


def _row(by, group, item, label, compared_with, c: GroupSummary, e: GroupSummary, hidden: bool,
         conf: float) -> dict:
    w = welch(e, c, conf=conf)
    row = {"by": by, "group": group, "item": item.id, "label": label, "touchpoint": item.touchpoint or "",
           "compared_with": compared_with,
           "customer_n": c.n, "customer_mean": c.mean, "customer_ci_low": c.ci_low,
           "customer_ci_high": c.ci_high,
           "employee_n": e.n, "employee_mean": e.mean, "employee_ci_low": e.ci_low,
           "employee_ci_high": e.ci_high,
           "gap": w.diff, "gap_ci_low": w.ci_low, "gap_ci_high": w.ci_high, "p_value": w.p_value,
           "suppressed": bool(hidden)}
    if hidden:  # never the mean, CI or gap of a hidden employee group, nor how many it is
        row.update({k: np.nan for k in _EMPLOYEE_FIGURES}, employee_n=pd.NA)
    return row


def group_gap_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *, by: str = "unit",
                    wave: str | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group × mirror item: both sides' POMP means and the gap with its Welch CI (columns
    `GROUP_COLUMNS`; `suppressed` True where the employee cell is hidden, its figures NaN and its n missing).

    customer, employee: the cleaned sides (`pipeline.load_side`).
    engagement: the params (language for labels, analysis.min_n and alpha, tenure_order for ordering).
    by: "unit" or a segment column of either side (e.g. "avdelning", "anstallningstid", "Kundtyp").
    wave: restrict both sides to this wave (None: all rows as given).
    headcount: the employees' headcount (`read.headcount`): the finite-population correction per
        group where the headcount counts it (`group_design.RowsDesign.population`).
    Rows: groups in display order (tenure bands in `tenure_order`), items in params order within each.
    Weights (a weight column, raking) and the headcount enter through `group_design.rows_design`.
    """
    analysis, lang = engagement.analysis, engagement.language
    conf = 1 - analysis.alpha
    compared_with = comparison(customer, employee, by)
    texts = section(lang, "units")
    not_stated = texts["not_stated"]
    c_rows, e_rows = side_rows(customer, wave), side_rows(employee, wave)
    c_groups = _group_labels(c_rows, by, not_stated) if compared_with != "all_customers" else None
    e_groups = _group_labels(e_rows, by, not_stated) if compared_with != "all_employees" else None
    shown_side = e_groups if e_groups is not None else c_groups
    preferred = engagement.employee.tenure_order if by == engagement.employee.tenure_column else None
    both = pd.concat([c_groups, e_groups]) if c_groups is not None and e_groups is not None else shown_side
    groups = group_order(both, preferred=preferred, not_stated=not_stated)

    key, decision = report_decision(employee, engagement, wave)
    c_design = rows_design(customer, engagement, wave)
    e_design = rows_design(employee, engagement, wave, headcount=headcount)
    e_total = e_design.population()
    c_group_rows, e_group_rows = _group_rows(c_groups), _group_rows(e_groups)
    rows = []
    for item in customer.items:
        label = display_label(item, lang)
        c_all, e_all = c_rows[item.id].dropna(), e_rows[item.id].dropna()
        c_by = _split(c_rows[item.id].to_numpy(dtype=float), c_group_rows)
        e_by = _split(e_rows[item.id].to_numpy(dtype=float), e_group_rows)
        if e_by is not None:
            hidden = {g: decision.cell_hidden(key, item.id, (by, g, None, None)) for g in groups}
        else:
            hidden = dict.fromkeys(groups, decision.cell_hidden(key, item.id, TOTAL_KEY))
        c_whole = c_design.summary(c_all, conf=conf)
        e_whole = e_design.summary(e_all, conf=conf, population=e_total)
        for group in groups:
            c = c_design.summary(c_by.get(group, _NONE), conf=conf) if c_by is not None else c_whole
            e = (_group_summary(e_design, e_by.get(group, _NONE), by, group, not_stated, conf)
                 if e_by is not None else e_whole)
            rows.append(_row(by, group, item, label, compared_with, c, e, bool(hidden[group]), conf))
    table = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    return table.astype({"customer_n": int, "employee_n": "Int64", "suppressed": bool})


def _group_summary(design: RowsDesign, values: pd.Series, by: str, group: str, not_stated: str,
                   conf: float) -> GroupSummary:
    """An employee group's summary, with its own invited count where the headcount has one."""
    population = None if group == not_stated else design.population(by, group)
    return design.summary(values, conf=conf, population=population)


def units_csv_frame(unit_table: pd.DataFrame, linkage: pd.DataFrame) -> pd.DataFrame:
    """units.csv: the unit gap rows (row_type "gap") followed by one row per unit from the linkage
    table (row_type "linkage": item "linkage_index", label which indices ("items/items", "enps/nps"…),
    employee_mean / customer_mean hold the two indices, employee_n / customer_n their answer counts,
    status why a unit is in or out of the correlation). Floats rounded to 6 decimals so that reruns
    write identical bytes.
    """
    gap_rows = unit_table.assign(row_type="gap", status="")
    link_rows = pd.DataFrame({
        "row_type": "linkage", "by": "unit", "group": linkage["unit"], "item": "linkage_index",
        "label": linkage["employee_index_kind"] + "/" + linkage["customer_index_kind"],
        "touchpoint": "", "compared_with": "same_group",
        "customer_n": linkage["customer_n"], "customer_mean": linkage["customer_index"],
        "employee_n": linkage["employee_n"], "employee_mean": linkage["employee_index"],
        "suppressed": linkage["employee_suppressed"], "status": linkage["status"],
    })
    out = pd.concat([gap_rows, link_rows], ignore_index=True).reindex(columns=UNITS_CSV_COLUMNS)
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)
    return out
