"""gaps.xlsx: the client's workbook — every table of the run on its own sheet, in the engagement language.

One sheet per table (gap table, NPS/eNPS, and whatever `results.tables` holds: drivers, priority,
units, linkage, touchpoints, journeys, trends, pulse, themes, actions), the data-quality ledger and
an "about" sheet. Each sheet: localized name and headers, frozen header row and first column, an
autofilter, number formats by kind of figure (1 decimal for POMP scores and gaps, 3 for p and q, %
for shares, signed whole numbers for NPS) and column widths that fit.

Client-facing rules, enforced here whatever a table holds:
- a suppressed cell reads "too few answers" (in the engagement language), never a number;
- no respondent ids, source rows or raw comments: such columns are dropped, and the only free text
  kept from comments are the themes' example quotes, scrubbed of personal data once more.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.texts import tree
from mirrorgap.read.ledger import EXCLUSION_REASONS, MISSING_REASONS
from mirrorgap.read.scrub import scrub_text
from mirrorgap.render.findings import method_text

__all__ = ["SHEET_ORDER", "TABLE_COLUMNS", "number_format", "sheet_frame", "write_workbook"]

# The sheets in the order a reader meets them; tables not listed here follow, under their own name.
SHEET_ORDER = ("gaps", "nps", "touchpoints", "drivers", "priority", "units", "segments", "linkage", "journeys",
               "trends", "pulse", "themes", "actions")

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
    "actions": ["i", "title", "text", "for_items", "for_themes"],
}

# Never in a client's workbook, whichever table carries them.
FORBIDDEN = {"respondent_id", "source_row", "row", "id"}
QUOTES = ("quote_1", "quote_2")

# Kinds of figure → Excel number format. "share" columns hold 0–1, "percent" columns 0–100.
FORMATS = {"count": "0", "pomp": "0.0", "p": "0.000", "coef": "0.00", "share": "0%", "percent": "0.0%",
           "signed": '+0;"\u2212"0;0', "text": "@"}
COUNT_COLUMNS = {"n", "customer_n", "employee_n", "promoters", "passives", "detractors", "rank", "n_items",
                 "comments", "commenters", "n_from", "n_to", "n_respondents", "rows_in", "rows_used", "valid",
                 *EXCLUSION_REASONS, *MISSING_REASONS}
# group sizes: shown even where the group's results are hidden (the modules keep them on purpose)
SIZE_COLUMNS = {"n", "customer_n", "employee_n", "commenters", "n_from", "n_to", "n_respondents", "n_items"}
SHARE_COLUMNS = {"promoter_share", "passive_share", "detractor_share"}
PERCENT_COLUMNS = {"customer_top_box", "employee_top_box", "share", "share_ci_low", "share_ci_high",
                   "weight_pct", "weight_ci_low", "weight_ci_high", "importance", "importance_ci_low",
                   "importance_ci_high"}
P_COLUMNS = {"p_value", "q_value"}
COEF_COLUMNS = {"hedges_g", "r", "r_ci_low", "r_ci_high", "r2"}
BOOL_COLUMNS = {"included", "significant"}
# customers' figures stay visible when the employee cell of the same row is hidden
KEPT_WHEN_HIDDEN = {"performance", "importance", "importance_ci_low", "importance_ci_high"}
TABLE_FORMATS = {"nps": {"nps": "signed", "ci_low": "signed", "ci_high": "signed"}}
# where a column means something more specific than its usual header says
TABLE_HEADERS = {"nps": {"label": "side"}, "touchpoints": {"label": "touchpoint"},
                 "themes": {"label": "theme"}, "quality_columns": {"name": "item"}}
WIDE_TEXT = {"text", "quote_1", "quote_2", "for_items", "items"}

HEADER_FONT = Font(bold=True, color="FFFFFF")
MARKER_FONT = Font(italic=True, color="8C8C8C")


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
        "by": {"unit": d["by_unit"]}, "group": {"(all)": trends.get("all_employees", "(all)")},
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
    hidden = _hidden_rows(table)
    words = _translations(t)
    yes, no = t["deck"]["answer_yes"], t["deck"]["answer_no"]
    out = pd.DataFrame(index=table.index)
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
        values = values.astype(object)
        if _hideable(column, table[column]):
            values = values.where(~hidden, hidden_text)
        out[column] = values
        formats.append(FORMATS["text"] if column in QUOTES or column in WIDE_TEXT else number_format(name, column))
    return out.reset_index(drop=True), formats


SHOWN_LABEL_CHARS = 40  # an unknown label longer than this is cut: labels are short, comments are not


def _shown_label(label: str, engagement) -> str:
    text = scrub_text(str(label), names=engagement.scrub_names, language=engagement.language)
    return text if len(text) <= SHOWN_LABEL_CHARS else text[: SHOWN_LABEL_CHARS - 1].rstrip() + "…"


def _quality_frames(results: Results, t: dict) -> dict[str, pd.DataFrame]:
    """The ledger in two sheets: rows in/used/left out per side, and answers set to missing per item."""
    side_words, reasons, eng = t["side"], t["reasons"], results.engagement
    overview, columns = [], []
    for clean in (results.customer, results.employee):
        led = clean.ledger
        overview.append({"side": side_words[clean.side], "rows_in": led.rows_in, "rows_used": led.rows_used,
                         **led.exclusion_counts()})
        table = led.column_table()
        # labels as written can be free text (a comment typed into an answer column): scrubbed and cut
        table["unknown_labels"] = [", ".join(f"{_shown_label(k, eng)!r}×{v}" for k, v in c.unknown_labels.most_common())
                                   for c in led.columns]
        table.insert(0, "side", side_words[clean.side])
        columns.append(table)
    overview = pd.DataFrame(overview)
    columns = pd.concat(columns, ignore_index=True) if columns else pd.DataFrame()
    return {"quality": overview, "quality_columns": columns, "_reasons": reasons}


def _header(table: str, column: str, t: dict) -> str:
    key = TABLE_HEADERS.get(table, {}).get(column, column)
    header = t["deck"].get(f"column.{key}")
    if header:
        return header
    text = t.get("reasons", {}).get(key) or key.replace("_", " ")  # reasons are written in lower case
    return text[:1].upper() + text[1:]


def _sheet_name(key: str, t: dict, taken: set[str]) -> str:
    name = t["deck"].get(f"sheet.{key}", key.replace("_", " ").capitalize())
    for bad in '[]:*?/\\':
        name = name.replace(bad, " ")
    name = name[:31]
    base, k = name, 2
    while name.lower() in taken:
        suffix = f" {k}"
        name = base[:31 - len(suffix)] + suffix
        k += 1
    taken.add(name.lower())
    return name


def _width(header: str, values: list, *, wide: bool) -> float:
    if wide:
        return 60
    lengths = [len(str(v)) if not isinstance(v, float) else 7 for v in values[:300]]
    longest_word = max((len(w) for w in str(header).split()), default=8)
    return float(min(45, max(9, longest_word + 2, min(len(str(header)), 18) + 2, *(n + 2 for n in lengths))))


def _write_sheet(ws, name: str, frame: pd.DataFrame, formats: list[str], t: dict, *, hidden_text: str,
                 header_color: str) -> None:
    """One table on one sheet: header row in the consultancy's colour, values with their number
    formats, the marker in grey italics, column widths, frozen header row and label column, a filter."""
    headers = [_header(name, c, t) for c in frame.columns]
    ws.append(headers)
    fill = PatternFill("solid", fgColor=header_color.lstrip("#").upper())
    for cell in ws[1]:
        cell.fill, cell.font = fill, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 32
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is None else
                   (v.item() if hasattr(v, "item") else v) for v in row])
    for idx, (column, fmt) in enumerate(zip(frame.columns, formats), start=1):
        letter = get_column_letter(idx)
        wide = fmt == FORMATS["text"] and column in WIDE_TEXT | set(QUOTES)
        ws.column_dimensions[letter].width = _width(headers[idx - 1], frame[column].tolist(), wide=wide)
        for cell in ws[letter][1:]:
            if cell.value == hidden_text:
                cell.font = MARKER_FONT
                cell.alignment = Alignment(horizontal="right")
            elif isinstance(cell.value, (int, float)):
                cell.number_format = fmt
            elif wide:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2" if frame.shape[1] > 1 else "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{len(frame) + 1}"


def _about(ws, results: Results, t: dict, sheets: list[tuple[str, str]]) -> None:
    eng, a = results.engagement, t["deck"]
    rep = t["report"]
    wave = results.wave if results.wave is not None else rep["all_waves"]
    rows = [
        (a["about.title"], ""),
        (a["about.client"], eng.client),
        (a["about.wave"], wave),
        (f"{a['about.respondents']}: {t['side']['customer']}", results.respondents["customer"]),
        (f"{a['about.respondents']}: {t['side']['employee']}", results.respondents["employee"]),
        ("", ""),
        (a["about.marker"].format(too_few=t["chart"]["too_few"], min_n=eng.analysis.min_n), ""),
        (a["about.pomp"], ""),
        (method_text(eng), ""),
        ("", ""),
        (a["about.contents"], ""),
        *[(title, "") for _, title in sheets],
    ]
    for row in rows:
        ws.append(list(row))
    ws["A1"].font = Font(bold=True, size=14, color="1D3557")
    ws.column_dimensions["A"].width = 100
    ws.column_dimensions["B"].width = 40
    for r in range(2, len(rows) + 1):
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 2).alignment = Alignment(horizontal="left", vertical="top")


def write_workbook(results: Results, path: Path) -> Path:
    """Write the client's workbook (gaps.xlsx).

    results: the run's Results (gaps, nps, the quality ledgers, and whatever `results.tables` holds).
    path: where to write. Returns the path.
    """
    eng = results.engagement
    t = tree(eng.language, metric=eng.analysis.metric)
    hidden_text = t["chart"]["too_few"]
    forbidden = {eng.customer.id_column, eng.employee.id_column, *eng.customer.comment_columns,
                 *eng.employee.comment_columns} - {None}
    tables: dict[str, pd.DataFrame] = {"gaps": results.gaps, "nps": results.nps}
    for name, table in results.tables.items():
        if isinstance(table, pd.DataFrame) and name not in tables:
            tables[name] = table
    order = [n for n in SHEET_ORDER if n in tables] + [n for n in tables if n not in SHEET_ORDER]

    wb = Workbook()
    about = wb.active
    taken: set[str] = set()
    about.title = _sheet_name("about", t, taken)
    written: list[tuple[str, str]] = []
    for name in order:
        frame, formats = sheet_frame(name, tables[name], t, hidden_text=hidden_text, forbidden=forbidden,
                                     scrub_names=eng.scrub_names, language=eng.language)
        title = _sheet_name(name, t, taken)
        _write_sheet(wb.create_sheet(title), name, frame, formats, t, hidden_text=hidden_text,
                     header_color=eng.branding.primary_color)
        written.append((name, title))
    quality = _quality_frames(results, t)
    for name in ("quality", "quality_columns"):
        frame = quality[name]
        title = _sheet_name(name, t, taken)
        formats = [number_format(name, c) if c in COUNT_COLUMNS else FORMATS["text"] for c in frame.columns]
        _write_sheet(wb.create_sheet(title), name, frame, formats, t, hidden_text=hidden_text,
                     header_color=eng.branding.primary_color)
        written.append((name, title))
    _about(about, results, t, written)
    # open on the gap table; the about sheet stays first as the table of contents
    wb.active = 1
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.active
    wb.properties.title = f"{eng.client} — {t['report']['title']}"
    wb.properties.creator = eng.branding.consultancy
    path = Path(path)
    wb.save(path)
    return path
