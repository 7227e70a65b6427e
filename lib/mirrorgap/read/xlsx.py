"""What an Excel workbook holds besides the cells pandas reads: which sheets are hidden, what the
other sheets' headers are, and which formula cells have no saved result.

A hidden sheet is a lookup table or last year's answers, never the survey unless the params name it.
A formula cell in a workbook that a program wrote and nobody opened in Excel has no cached value:
openpyxl (and so pandas) reads it as empty, which would silently turn answers into blanks.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string

from mirrorgap.errors import InputFileError
from mirrorgap.read import sniff

_HEADER_SCAN = 30
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")


@dataclass
class SheetFacts:
    """The chosen sheet's name and what else the workbook says about it."""

    name: str
    notes: list[str] = field(default_factory=list)
    other_headers: dict[str, list[str]] = field(default_factory=dict)  # sheet -> header names
    hidden: list[str] = field(default_factory=list)
    formulas_without_value: list[tuple[int, int, str]] = field(default_factory=list)  # (row, 0-based col, 'C5')


def _states(book) -> dict[str, str]:
    return {ws.title: ws.sheet_state for ws in book.worksheets}


def pick_sheet(path: Path, book, wanted: str | int | None) -> tuple[str, list[str]]:
    """The sheet to read and notes: by default the first visible sheet (hidden ones are never read
    unless `sheet:` names them). Raises for a sheet that is not there, or no visible sheet."""
    states = _states(book)
    names = list(states)
    hidden = [s for s in names if states[s] != "visible"]
    if wanted is None:
        shown = [s for s in names if states[s] == "visible"] or names  # Excel keeps one sheet visible
        notes = [f"hidden sheet(s) not read: {', '.join(repr(s) for s in hidden)}"] if hidden else []
        return shown[0], notes
    chosen = names[wanted] if isinstance(wanted, int) and 0 <= wanted < len(names) else wanted
    if chosen not in states:
        listed = ", ".join(repr(s) + (" (hidden)" if s in hidden else "") for s in names)
        raise InputFileError(path, f"the workbook has no sheet {wanted!r}; it has: {listed}",
                             fix="set `sheet:` to one of those names (or a 0-based sheet number)")
    notes = [f"sheet {chosen!r} is hidden in the workbook; read because `sheet:` names it"
             ] if chosen in hidden else []
    return chosen, notes


def header_names(ws, name) -> list[str]:
    """The header of a sheet as the reader would find it (the first row wide enough), for messages."""
    rows = [list(r) for r in ws.iter_rows(max_row=_HEADER_SCAN, values_only=True)]
    top = sniff.header_index([sum(c is not None and str(c).strip() != "" for c in r) for r in rows])
    return [] if top is None else [n for n in map(name, rows[top]) if n]


def other_headers(book, chosen: str, name) -> dict[str, list[str]]:
    """Header names of every sheet but `chosen` (name: the reader's header-cell-to-name function)."""
    return {ws.title: header_names(ws, name) for ws in book.worksheets if ws.title != chosen}


def formulas_without_value(path: Path, ws) -> list[tuple[int, int, str]]:
    """(Excel row, 0-based column, 'C5') of every formula cell of the sheet that has no saved result."""
    part = getattr(ws, "_worksheet_path", None)
    if not part:
        return []
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part.lstrip("/"))
    if b"<f" not in xml and b":f" not in xml:
        return []
    out = []
    for attrs, body in _CELL.findall(xml):
        if not re.search(rb"<(?:\w+:)?f[\s>/]", body) or _VALUE.search(body):
            continue
        ref = _REF.search(attrs)
        if ref:
            col, row = ref.group(1).decode(), int(ref.group(2))
            out.append((row, column_index_from_string(col) - 1, f"{col}{row}"))
    return out


def sheet_facts(path: Path, book, wanted: str | int | None, name) -> SheetFacts:
    """Everything about the sheet to read that the cells alone do not say."""
    chosen, notes = pick_sheet(path, book, wanted)
    states = _states(book)
    return SheetFacts(name=chosen, notes=notes, other_headers=other_headers(book, chosen, name),
                      hidden=[s for s, st in states.items() if st != "visible"],
                      formulas_without_value=formulas_without_value(path, book[chosen]))
