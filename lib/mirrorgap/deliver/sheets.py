"""Each table as the client's workbook shows it: which columns, their number formats, codes in words,
and the client-facing rules whatever a table holds — a suppressed cell reads "too few answers" (in the
engagement language), never a number; no respondent ids, source rows or raw comments (such columns are
dropped, and the only free text kept from comments are the themes' example quotes, scrubbed of
personal data once more)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.deliver.number_formats import (
    ONE_DECIMAL,
    P_VALUE,
    PERCENT_OF_ONE,
    PERCENT_OF_ONE_DECIMAL,
    SIGNED,
    TEXT,
    TWO_DECIMALS,
    WHOLE,
)
from mirrorgap.read.ledger import EXCLUSION_REASONS, MISSING_REASONS
from mirrorgap.read.scrub import scrub_text

__all__ = ["COUNT_COLUMNS", "FORMATS", "QUOTES", "TABLE_COLUMNS", "WIDE_TEXT", "number_format", "sheet_frame"]

# The columns each known table shows, in order (anything else a table carries stays out of the client's view).
_GROUP_GAPS = ["group", "by", "label", "touchpoint", "compared_with", "customer_n", "customer_mean",
               "customer_ci_low", "customer_ci_high", "employee_n", "employee_mean", "employee_ci_low",
               "employee_ci_high", "gap", "gap_ci_low", "gap_ci_high", "p_value", "item"]
TABLE_COLUMNS: dict[str, list[str]] = {
    "gaps": ["label", "touchpoint", "customer_n", "customer_mean", "customer_ci_low", "customer_ci_high",
             "customer_top_box", "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
             "employee_top_box", "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value", "hedges_g",
             "classification", "shared", "item"],
    "nps": ["label", "n", "promoters", "passives", "detractors", "promoter_share", "passive_share",
            "detractor_share", "nps", "ci_low", "ci_high"],
    "touchpoints": ["label", "n_items", "items", "customer_n", "customer_mean", "customer_ci_low",
                    "customer_ci_high", "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high",
                    "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value", "classification"],
    "drivers": ["label", "side", "outcome", "rank", "weight_pct", "weight_ci_low", "weight_ci_high", "r",
                "r_ci_low", "r_ci_high", "n", "n_respondents", "r2", "item"],
    "priority": ["label", "importance", "importance_ci_low", "importance_ci_high", "performance",
                 "employee_mean", "gap", "classification", "quadrant", "item"],
    "units": _GROUP_GAPS,
    "segments": _GROUP_GAPS,
    "linkage": ["unit", "employee_n", "employee_index", "customer_n", "customer_index", "included", "status"],
    "journeys": ["band_label", "stage", "label", "compared_with", "employee_n", "employee_mean", "customer_n",
                 "customer_mean", "gap", "gap_ci_low", "gap_ci_high", "item"],
    "trends": ["label", "kind", "side", "wave_from", "wave_to", "n_from", "n_to", "mean_from", "mean_to",
               "change", "change_ci_low", "change_ci_high", "gap_from", "gap_to", "gap_change",
               "gap_change_ci_low", "gap_change_ci_high", "p_value", "q_value", "significant", "gap_direction",
               "item"],
    "pulse": ["period", "group", "n", "mean", "ci_low", "ci_high", "mean_pomp", "ci_low_pomp",
              "ci_high_pomp"],
    "themes": ["label", "side", "comments", "commenters", "share", "share_ci_low", "share_ci_high", "quote_1",
               "quote_2"],
    "actions": ["i", "title", "text", "for_items", "for_themes", "why"],
    # the side-only questions (analyse.questions, drivers.question_drivers_table)
    "indices": ["label", "side", "by", "group", "n", "mean", "ci_low", "ci_high", "n_questions", "questions",
                "n_complete", "alpha", "alpha_ci_low", "alpha_ci_high", "omega"],
    "question_drivers": ["label", "side", "outcome", "rank", "weight_pct", "weight_ci_low", "weight_ci_high", "r",
                         "r_ci_low", "r_ci_high", "n", "n_respondents", "r2", "item"],
    "journey_measured": ["label", "side", "n", "mean", "ci_low", "ci_high", "n_questions", "questions"],
    "five_is": ["label", "mean", "ci_low", "ci_high", "n", "driver_pct", "focus", "focus_rank", "n_questions",
                "questions"],
}

# Never in a client's workbook, whichever table carries them.
FORBIDDEN = {"respondent_id", "source_row", "row", "id"}
QUOTES = ("quote_1", "quote_2")

# Kinds of figure → Excel number format. "share" columns hold 0–1, "percent" columns 0–100.
FORMATS = {"count": WHOLE, "pomp": ONE_DECIMAL, "p": P_VALUE, "coef": TWO_DECIMALS, "share": PERCENT_OF_ONE,
           "percent": PERCENT_OF_ONE_DECIMAL, "signed": SIGNED, "text": TEXT}
COUNT_COLUMNS = {"n", "customer_n", "employee_n", "promoters", "passives", "detractors", "rank", "n_items",
                 "comments", "commenters", "n_from", "n_to", "n_respondents", "rows_in", "rows_used", "valid",
                 "n_questions", "n_complete", "focus_rank",
                 *EXCLUSION_REASONS, *MISSING_REASONS}
# group sizes: never blanked by the sheet (a shown group's size stays where its results are hidden, e.g. a
# customer side or an item without variation); a size its module hid (a group too small to show) reads "too few"
SIZE_COLUMNS = {"n", "customer_n", "employee_n", "commenters", "n_from", "n_to", "n_respondents", "n_items"}
SHARE_COLUMNS = {"promoter_share", "passive_share", "detractor_share"}
PERCENT_COLUMNS = {"customer_top_box", "employee_top_box", "share", "share_ci_low", "share_ci_high",
                   "weight_pct", "weight_ci_low", "weight_ci_high", "importance", "importance_ci_low",
                   "importance_ci_high", "driver_pct"}
P_COLUMNS = {"p_value", "q_value"}
COEF_COLUMNS = {"hedges_g", "r", "r_ci_low", "r_ci_high", "r2", "alpha", "alpha_ci_low", "alpha_ci_high", "omega"}
BOOL_COLUMNS = {"included", "significant"}
# customers' figures stay visible when the employee cell of the same row is hidden
KEPT_WHEN_HIDDEN = {"performance", "importance", "importance_ci_low", "importance_ci_high"}
TABLE_FORMATS = {"nps": {"nps": "signed", "ci_low": "signed", "ci_high": "signed"}}
# response rates (`analyse.design`): the number invited is public and always shown, the number who
# answered and the rate are blanked where the group's respondent count is hidden
COUNT_COLUMNS |= {"invited", "responded"}
SIZE_COLUMNS |= {"invited"}
PERCENT_COLUMNS |= {"response_rate"}
WIDE_TEXT = {"text", "quote_1", "quote_2", "for_items", "items", "questions", "why"}



def number_format(table: str, column: str) -> str:
    """The Excel number format of one column of one table (see FORMATS)."""
    kind = TABLE_FORMATS.get(table, {}).get(column)
    if kind is None:
        if column in COUNT_COLUMNS:
            kind = "count"
        elif column in SHARE_COLUMNS:
            kind = "share"
        elif column in PERCENT_COLUMNS:
            kind = "percent"
        elif column in P_COLUMNS:
            kind = "p"
        elif column in COEF_COLUMNS:
            kind = "coef"
        else:
            kind = "pomp"
    return FORMATS[kind]


def _hidden_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose (employee) results are suppressed, however the table says so."""
    hidden = pd.Series(False, index=frame.index)
    for column in ("suppressed", "employee_suppressed"):
        if column in frame:
            hidden |= frame[column].fillna(False).astype(bool)
    if "classification" in frame:
        hidden |= frame["classification"].eq("suppressed").fillna(False)
    return hidden


def _hideable(column: str, values: pd.Series) -> bool:
    """Columns blanked with the marker in a suppressed row: every figure except group sizes and the
    customers' own figures."""
    if column in SIZE_COLUMNS or column in KEPT_WHEN_HIDDEN or column.startswith("customer_"):
        return False
    return column in BOOL_COLUMNS or pd.api.types.is_numeric_dtype(values)


def _translations(t: dict) -> dict[str, dict[str, str]]:
    d = t["deck"]
    units = t.get("units", {})
    trends = t.get("trends", {})
    return {
        "classification": t["classification"], "shared": t.get("shared", {}),
        "side": {**t["side"], "gap": t["chart"]["gap_header"]},
        "touchpoint": t.get("touchpoint", {}), "quadrant": t.get("drivers", {}),
        "status": {k[len("status_"):]: v for k, v in units.items() if k.startswith("status_")},
        "stage": {k[len("stage_"):]: v for k, v in units.items() if k.startswith("stage_")},
        "compared_with": {k[len("compared_"):]: v for k, v in units.items() if k.startswith("compared_")},
        "kind": {"item_change": trends.get("item_change", "item_change"),
                 "gap_change": trends.get("gap_change", "gap_change")},
        "gap_direction": {k: trends[k] for k in ("closed", "widened", "unchanged", "suppressed") if k in trends},
        "i": t.get("actions", {}), "outcome": {k[len("outcome_"):]: v for k, v in d.items() if k.startswith("outcome_")},
        "by": {"unit": d["by_unit"]},
        "group": {"(all)": trends.get("all_employees", "(all)"),
                  "(all customers)": t.get("dashboard", {}).get("all_customers", "(all customers)"),
                  "(all employees)": t.get("dashboard", {}).get("all_employees", "(all employees)")},
    }


def sheet_frame(name: str, table: pd.DataFrame, t: dict, *, hidden_text: str, forbidden: set[str] = frozenset(),
                scrub_names=(), language: str = "en") -> tuple[pd.DataFrame, list[str]]:
    """The table as the client sees it: known columns only (all but forbidden ones for an unknown
    table), codes translated, booleans as yes/no, suppressed cells replaced by `hidden_text`, shares
    0–100 turned into fractions for Excel's % format. Returns the frame and each column's number format.
    """
    columns = [c for c in TABLE_COLUMNS.get(name, list(table.columns)) if c in table.columns]
    columns = [c for c in columns if c not in FORBIDDEN and c not in forbidden and c not in ("suppressed",
                                                                                          "employee_suppressed")]
    hidden = _hidden_rows(table).to_numpy()
    words = _translations(t)
    yes, no = t["deck"]["answer_yes"], t["deck"]["answer_no"]
    out = {}
    formats = []
    for column in columns:
        values = table[column]
        if column in PERCENT_COLUMNS:
            values = values.astype(float) / 100
        if column in BOOL_COLUMNS:
            values = values.map(lambda v: "" if pd.isna(v) else (yes if bool(v) else no))
        elif column in words:
            lookup = words[column]
            values = values.map(lambda v, lk=lookup: v if pd.isna(v) else lk.get(str(v), v))
        elif column in QUOTES:
            values = values.map(lambda v: "" if pd.isna(v) or not str(v).strip()
                                else scrub_text(str(v), names=scrub_names, language=language))
        values = values.to_numpy(dtype=object)
        if _hideable(column, table[column]):
            values = np.where(hidden, hidden_text, values)
        elif column in SIZE_COLUMNS and not column.startswith("customer_"):
            values = np.where(hidden & table[column].isna().to_numpy(), hidden_text, values)
        out[column] = values
        formats.append(FORMATS["text"] if column in QUOTES or column in WIDE_TEXT else number_format(name, column))
    return pd.DataFrame(out, columns=columns, index=pd.RangeIndex(len(table)), dtype=object), formats
