"""gaps.xlsx: the client's workbook — every table of the run on its own sheet, in the engagement language.

One sheet per table (gap table, NPS/eNPS, and whatever `results.tables` holds: drivers, priority,
units, linkage, touchpoints, journeys, trends, pulse, themes, actions), the data-quality ledger and
an "about" sheet. Each sheet: localized name and headers, frozen header row and first column, an
autofilter, number formats by kind of figure and column widths that fit. What each table shows of
itself, and the client-facing rules (suppressed cells, no ids, no raw comments), are `sheets`'.
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
from mirrorgap.deliver.quality import client_ledger
from mirrorgap.deliver.sheets import COUNT_COLUMNS, FORMATS, QUOTES, WIDE_TEXT, number_format, sheet_frame
from mirrorgap.read.ledger import overview
from mirrorgap.read.scrub import scrub_text
from mirrorgap.render.findings import method_text, respondents_words
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["SHEET_ORDER", "write_workbook"]

# The sheets in the order a reader meets them; tables not listed here follow, under their own name.
SHEET_ORDER = ("gaps", "nps", "touchpoints", "drivers", "question_drivers", "priority", "units", "segments",
               "linkage", "journeys", "journey_measured", "indices", "five_is", "trends", "pulse", "themes", "actions")

# where a column means something more specific than its usual header says
TABLE_HEADERS = {"nps": {"label": "side"}, "touchpoints": {"label": "touchpoint"},
                 "themes": {"label": "theme"}, "quality_columns": {"name": "item"},
                 "indices": {"label": "index"}, "journey_measured": {"label": "step"}, "five_is": {"label": "i"},
                 "question_drivers": {"label": "question"}}
HEADER_FONT = Font(bold=True, color="FFFFFF")
MARKER_FONT = Font(italic=True, color="8C8C8C")


SHOWN_LABEL_CHARS = 40  # an unknown label longer than this is cut: labels are short, comments are not


def _shown_label(label: str, engagement) -> str:
    text = scrub_text(str(label), names=engagement.scrub_names, language=engagement.language)
    return text if len(text) <= SHOWN_LABEL_CHARS else text[: SHOWN_LABEL_CHARS - 1].rstrip() + "…"


def _quality_frames(results: Results, t: dict, hidden_text: str) -> dict[str, pd.DataFrame]:
    """The ledger in two sheets: rows in/used/left out per side, and answers set to missing per item;
    `hidden_text` where a count would give a hidden group's size (`deliver.quality`)."""
    sides = (results.customer, results.employee)
    shown = client_ledger(results)
    rows = overview([clean.ledger for clean in sides]).reset_index().astype(object)
    for i, clean in enumerate(sides):
        if blanked := [k for k in ("rows_in", "rows_used") if shown[clean.side][k] is None]:
            rows.loc[i, blanked] = hidden_text
    rows["side"] = rows["side"].map(t["side"])
    columns = [clean.ledger.column_table().astype(object) for clean in sides]
    for clean, table in zip(sides, columns):
        for i, column in enumerate(shown[clean.side]["columns"]):
            counts = {"valid": column["valid"], **column["missing"]}
            if blanked := [k for k, v in counts.items() if v is None]:  # (an empty .loc assignment costs as much)
                table.loc[i, blanked] = hidden_text
        # labels as written can be free text (a comment typed into an answer column): scrubbed and cut
        table["unknown_labels"] = [", ".join(f"{_shown_label(k, results.engagement)!r}×{v}"
                                             for k, v in c.unknown_labels.most_common()) for c in clean.ledger.columns]
        table.insert(0, "side", t["side"][clean.side])
    return {"quality": rows, "quality_columns": pd.concat(columns, ignore_index=True)}


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
    columns = [frame.iloc[:, k].tolist() for k in range(frame.shape[1])]
    for row in zip(*columns) if columns else ((),) * len(frame):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is None else
                   (v.item() if hasattr(v, "item") else v) for v in row])
    marker_alignment, wide_alignment = Alignment(horizontal="right"), Alignment(wrap_text=True, vertical="top")
    for idx, (column, fmt) in enumerate(zip(frame.columns, formats), start=1):
        letter = get_column_letter(idx)
        wide = fmt == FORMATS["text"] and column in WIDE_TEXT | set(QUOTES)
        ws.column_dimensions[letter].width = _width(headers[idx - 1], columns[idx - 1], wide=wide)
        for (cell,) in ws.iter_rows(min_row=2, max_row=len(frame) + 1, min_col=idx, max_col=idx):
            if cell.value == hidden_text:
                cell.font = MARKER_FONT
                cell.alignment = marker_alignment
            elif isinstance(cell.value, (int, float)):
                cell.number_format = fmt
            elif wide:
                cell.alignment = wide_alignment
    ws.freeze_panes = "B2" if frame.shape[1] > 1 else "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{len(frame) + 1}"


def _about(ws, results: Results, t: dict, sheets: list[tuple[str, str]]) -> None:
    eng, a = results.engagement, t["deck"]
    rep = t["report"]
    wave = results.wave if results.wave is not None else rep["all_waves"]
    shown = respondents_words(results.respondents, min_n=eng.analysis.min_n, language=eng.language)
    rows = [
        (a["about.title"], ""),
        (a["about.client"], eng.client),
        (a["about.wave"], wave),
        *[(f"{a['about.respondents']}: {t['side'][side]}",
           shown[side] if n is None or hidden_for(side, n, eng.analysis.min_n) else n)
          for side, n in results.respondents.items()],
        ("", ""),
        (a["about.marker"].format(too_few=t["chart"]["too_few"], min_n=eng.analysis.min_n), ""),
        (a["about.pomp"], ""),
        (method_text(eng, results), ""),
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
    quality = _quality_frames(results, t, hidden_text)
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
