"""Checks that no survey row vanishes while a delimited text file is parsed.

A CSV parser pads a short row and merges records without a word: an inch mark (") that opens a
quote swallows the rows after it, a file cut off mid-row loses its end, two exports pasted together
mix delimiters, a line break inside an unquoted comment splits one answer into two half rows. Each of
those is an `InputFileError` naming the file and the row here; a row that is merely short (a tool
that leaves out empty fields at the end) is kept, padded, and listed in the quality ledger.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mirrorgap.errors import InputFileError
from mirrorgap.read.sniff import shape

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SHOWN = 5


@dataclass(frozen=True)
class ShortRecord:
    """A record with fewer fields than the header: its index among the records, its first file line,
    and its fields as parsed."""

    index: int
    line: int
    fields: list[str]


def _rows_text(lines: list[int]) -> str:
    """'row 3' or 'rows 3, 7, …' (with the count when not all are shown)."""
    shown = ", ".join(map(str, lines[:_SHOWN])) + (f", … ({len(lines)} rows)" if len(lines) > _SHOWN else "")
    return ("row " if len(lines) == 1 else "rows ") + shown


def _split(text: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def _fits(fields: list[str], n: int) -> bool:
    return len(fields) == n or (len(fields) > n and not any(f.strip() for f in fields[n:]))


def check_short_records(path: Path, short: list[ShortRecord], n: int, delimiter: str, *, n_records: int,
                        ends_with_newline: bool) -> list[str]:
    """Raise for short records that are something else in disguise; else the ledger note for the rest.

    short: the records with fewer than `n` fields, in file order. n_records: how many records the table
    has. ends_with_newline: whether the file's last record is followed by a line end.
    """
    if not short:
        return []
    name = DELIMITER_NAMES[delimiter]
    for rec in short:
        text = delimiter.join(rec.fields)
        for other in DELIMITER_NAMES:
            if other != delimiter and other in text and _fits(_split(text, other), n):
                same = [r.line for r in short if _fits(_split(delimiter.join(r.fields), other), n)]
                raise InputFileError(
                    path, f"this row is separated by {DELIMITER_NAMES[other]}s while the header and the rows "
                          f"above use {name}s ({_rows_text(same)}): two exports pasted together?",
                    row=rec.line, value=text[:80],
                    fix=f"save every part of the file with the same delimiter ({name}), or ask for one "
                        "export of all responses")
    for a, b in zip(short, short[1:]):
        if b.index == a.index + 1 and b.line == a.line + 1 and len(a.fields) + len(b.fields) - 1 == n:
            raise InputFileError(
                path, f"rows {a.line} and {b.line} look like one row broken in two by a line break inside "
                      f"an unquoted field ({len(a.fields)} + {len(b.fields)} fields, the header has {n})",
                row=a.line, value=a.fields[-1][:80],
                fix="put quotes around fields that contain line breaks (export again with quoting on), or "
                    "join the two lines in a copy of the file")
    last = short[-1]
    if last.index == n_records - 1 and not ends_with_newline and len(short) == 1:
        raise InputFileError(
            path, f"the file ends in the middle of row {last.line}: it has {len(last.fields)} of the header's "
                  f"{n} fields and no line end, while every other row is complete (cut off?)",
            row=last.line, value=last.fields[-1][:80] if last.fields else None,
            fix="ask for the file again (the export or the copy was cut off; rows after it may be missing)")
    widths = sorted({len(r.fields) for r in short})
    return [f"{len(short)} row(s) with fewer fields than the header ({', '.join(map(str, widths))} of {n}): "
            f"{_rows_text([r.line for r in short])}; their missing last fields read as blank"]


def check_tail_quote(path: Path, tail: str, line: int, delimiter: str) -> None:
    """Raise when the file ends inside a quoted field: `tail` is the text of the last record, which
    starts on file line `line`."""
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return
        lines = tail.count("\n") + (not tail.endswith("\n"))
        spans = f"rows {line}–{line + lines - 1} would read as one answer" if lines > 1 else "the row is cut off"
        raise InputFileError(
            path, f"a quote (\") opens a field in row {line} and is never closed: the file ends inside it, "
                  f"so {spans}",
            row=line, value=tail[:80],
            fix="the file was cut off, or a stray quote (an inch mark?) opens a field: ask for the file "
                "again, or export it with quotes doubled inside fields") from None


def row_start_shapes(first_cells) -> frozenset[str]:
    """The shapes that open a row of this table: those of its first column, when that column is
    regular (one shape for 80% of the rows, as ids, numbers and time stamps are); else none."""
    counts = Counter(shape(str(c)) for c in first_cells if isinstance(c, str) and c.strip())
    total = sum(counts.values())
    if not total or counts.most_common(1)[0][1] < 0.8 * total:
        return frozenset()
    return frozenset(s for s, k in counts.items() if k >= 2 or k == total)


def swallowed(cell: str, delimiter: str, starts: frozenset[str]) -> str | None:
    """The first line inside a multi-line field that opens like a row of the table (a delimiter, and
    a first field shaped like the table's first column), else None."""
    for inner in cell.split("\n")[1:]:
        if delimiter in inner and shape(inner.split(delimiter, 1)[0]) in starts:
            return inner
    return None


def check_swallowed(path: Path, cell: str, line: int, column: str, delimiter: str,
                    starts: frozenset[str]) -> None:
    """Raise when a quoted field that starts on file line `line` holds what look like whole records."""
    inner = swallowed(cell, delimiter, starts)
    if inner is None:
        return
    lines = cell.count("\n")
    raise InputFileError(
        path, f"a quoted field runs over {lines + 1} lines (rows {line}–{line + lines}) and holds what look "
              f"like whole rows ({inner[:60]!r}): a quote (\") that opens the field and is closed only "
              "much later, such as an inch mark, swallows those answers",
        row=line, column=column, value=cell[:80],
        fix="put the field in quotes with its inner quotes doubled (\"24\"\" screen\"), or remove the stray "
            "quote in a copy of the file; then the rows it swallowed are read again")
