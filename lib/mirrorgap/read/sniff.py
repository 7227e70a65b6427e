"""Sniffing how a survey file is laid out: its kind, text encoding, delimiter, header row and decimal mark.

Pure functions on bytes and text; `readers` does the file I/O and turns problems into `InputFileError`s.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from mirrorgap.errors import LayoutMismatch
from mirrorgap.read.encoding import UTF16_BOMS, utf16_order
from mirrorgap.read.labels import AGREE_SCALE, DONT_KNOW_LABELS, normalise_label

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
MIN_SAMPLE_LINES = 30
FOOTER_SCAN = 200  # at most this many trailing short records can be a text footer

_IMPORT_ID = re.compile(r"""^\s*\{\s*["']ImportId["']\s*:\s*["']([^"']*)["']""")
_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:[ .\u00a0]\d{3})+|\d+),\d+$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
_MAGIC: tuple[tuple[bytes, str, str | None], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls) or another Office file", None),
    (b"$FL2", "an SPSS data file (.sav)", "sav"),
    (b"$FL3", "an SPSS compressed data file (.zsav)", "sav"),
    (b"%PDF", "a PDF document", None),
)


def binary_kind(head: bytes) -> tuple[str, str | None] | None:
    """What non-text file `head` (its first bytes) starts, and the `format:` that reads it; None for text
    (UTF-16 text, with or without a byte-order mark, is text)."""
    for magic, kind, fmt in _MAGIC:
        if head.startswith(magic):
            return kind, fmt
    if not head.startswith(UTF16_BOMS) and b"\x00" in head[:8192] and utf16_order(head) is None:
        return "a binary file, not text", None
    return None


def sample_text(data: bytes, size: int = SAMPLE_BYTES, min_lines: int = MIN_SAMPLE_LINES,
                encoding: str = "utf-8") -> tuple[str, bool]:
    """The first whole lines of `data` (text in `encoding`, about `size` bytes, more if that holds
    fewer than `min_lines` lines) and whether the sample is shorter than the data."""
    while True:
        if len(data) <= size:
            return bytes(data).decode(encoding), False
        cut = data.rfind(b"\n", 0, size) + 1
        if cut > 0 and data.count(b"\n", 0, cut) >= min_lines:
            return data[:cut].decode(encoding), True
        size *= 4


@dataclass(frozen=True)
class Record:
    """One CSV record of the sample: the file lines it spans (1-based) and its fields."""

    first_line: int
    last_line: int
    fields: list[str]

    @property
    def nonempty(self) -> int:
        return sum(1 for f in self.fields if f.strip())


def records(sample: str, delimiter: str, truncated: bool) -> list[Record]:
    """The records of a text sample split on `delimiter` (the last one dropped when the sample is cut)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    out: list[Record] = []
    last = 0
    try:
        for fields in reader:
            out.append(Record(last + 1, reader.line_num, fields))
            last = reader.line_num
    except csv.Error:
        pass  # sniff on what could be read; the full parse reports the problem
    if truncated and out:
        out.pop()
    return out


def header_index(nonempty: Sequence[int]) -> int | None:
    """Index of the header row among rows with these non-empty cell counts, None if all are empty.

    The header is the first row that fills at least 60% of the widest row (and 2 cells when the table
    is wider than one), preferring one that is followed by a non-empty row; rows above it are titles.
    """
    width = max(nonempty, default=0)
    if width == 0:
        return None
    need = max(min(2, width), math.ceil(0.6 * width))
    wide = [i for i, n in enumerate(nonempty) if n >= need]
    followed = [i for i in wide if any(nonempty[i + 1:])]
    return (followed or wide)[0]


def _fits(fields: list[str], n: int) -> bool:
    """A record fits a header of n fields: same count, or extra fields that are all empty."""
    return len(fields) == n or (len(fields) > n and not any(f.strip() for f in fields[n:]))


def _table_rows(recs: list[Record]) -> list[int]:
    """Indices of the records that can belong to the table: not wider than the most common width of
    the records with 2+ fields (a row with a stray delimiter is wider; titles and notes have 1 field)."""
    widths = Counter(len(r.fields) for r in recs if len(r.fields) > 1)
    if not widths:
        return [i for i, r in enumerate(recs) if r.fields]
    usual = max(widths, key=lambda w: (widths[w], w))
    return [i for i, r in enumerate(recs) if r.fields and len(r.fields) <= usual]


def _header_at(recs: list[Record], skip_rows: int | None) -> int | None:
    """Index into `recs` of the header: the first non-blank record below `skip_rows` lines, or sniffed."""
    if skip_rows is not None:
        return next((i for i, r in enumerate(recs) if r.first_line > skip_rows and r.nonempty), None)
    rows = _table_rows(recs)
    found = header_index([recs[i].nonempty for i in rows])
    return None if found is None else rows[found]


def _delimiter_score(recs: list[Record], skip_rows: int | None) -> tuple[bool, float, int]:
    """How well a delimiter splits the sample: whether it splits the header at all, the share of rows
    below the header that fit it, and the header's width."""
    h = _header_at(recs, skip_rows)
    if h is None:
        return False, 0.0, 0
    n = len(recs[h].fields)
    below = [r for r in recs[h + 1:] if r.fields]
    share = sum(_fits(r.fields, n) for r in below) / len(below) if below else 0.5
    return n > 1, round(share, 1), n


def sniff_decimal(cells: Iterable[object], delimiter: str | None) -> str:
    """',' when numeric-looking text cells use a decimal comma (and ',' is not the delimiter), else '.'."""
    if delimiter == ",":
        return "."
    comma = dot = 0
    for cell in cells:
        if isinstance(cell, str):
            text = cell.strip()
            comma += bool(_COMMA_DECIMAL.match(text))
            dot += bool(_DOT_DECIMAL.match(text))
    return "," if comma > dot else "."


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text file is laid out, as sniffed (or as given in the params)."""

    delimiter: str
    skip_rows: int              # lines above the header row
    header_lines: int           # last line of the header block (1, 2 or 3 records)
    names: list[str]            # header fields, raw
    labels: list[str] | None    # question texts (Qualtrics row 2)
    import_ids: list[str] | None  # Qualtrics row 3: the ImportId in each cell ('' where there is none)
    qualtrics: bool
    decimal: str
    surveymonkey: bool = False  # two header rows: questions (blank where one continues), answer options
    r_export: bool = False      # R's write.csv: every header field quoted, missing values as a bare NA


def _import_id(cell: str) -> str:
    """The ImportId in a Qualtrics row-3 cell such as {"ImportId":"QID1"}, '' when there is none."""
    found = _IMPORT_ID.match(cell)
    return found.group(1) if found else ""


def _qualtrics_rows(recs: list[Record], h: int, forced: bool) -> int:
    """How many header records a Qualtrics export has at `h`: 3 (with ImportId row), 2 (legacy), else 1."""
    second = recs[h + 1].fields if h + 1 < len(recs) else []
    third = recs[h + 2].fields if h + 2 < len(recs) else []
    filled = [f for f in third if f.strip()]
    if filled and sum(bool(_IMPORT_ID.match(f)) for f in filled) >= 0.5 * len(filled):
        return 3
    legacy = [f.strip() for f in recs[h].fields[:3]] == ["V1", "V2", "V3"]
    if legacy and second[:1] == ["ResponseID"]:
        return 2
    if forced and second and looks_like_data(second, [r.fields for r in recs[h + 2:h + 52]]):
        raise LayoutMismatch(recs[h + 1].first_line, second)
    return 2 if forced and second else 1




_DATA_CELL = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$|^\d{4}-\d\d-\d\d|^\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def shape(text: str) -> str:
    """A value's shape: runs of letters as 'a', runs of digits as '9' ('K-000123' and 'K-9' alike)."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", text.strip()))


_ANSWER_LABELS = frozenset(normalise_label(x) for x in (*AGREE_SCALE, *DONT_KNOW_LABELS))


def looks_like_data(row: list[str], below: list[list[str]]) -> bool:
    """Whether a row holds answers rather than question texts: most of its filled cells are numbers,
    dates, answer labels, values that recur in the same column below, or ids shaped like the ids below
    (R_1 over R_2, R_3). Question texts are none of these."""
    filled = [(i, f.strip()) for i, f in enumerate(row) if f.strip()]
    if not filled:
        return False
    seen = [{r[i].strip() for r in below if i < len(r) and r[i].strip()} for i in range(len(row))]
    shapes = [{shape(v) for v in col} for col in seen]

    def data(i: int, f: str) -> bool:
        same_shape = len(shapes[i]) == 1 and shape(f) in shapes[i] and any(c.isdigit() for c in f)
        return bool(_DATA_CELL.match(f)) or f in seen[i] or normalise_label(f) in _ANSWER_LABELS or same_shape
    return sum(data(i, f) for i, f in filled) >= 0.5 * len(filled)


_MONKEY_ROW2 = {"response", "open-ended response", "svar", "öppet svar", "other (please specify)"}


def _surveymonkey(recs: list[Record], h: int, forced: bool) -> bool:
    """SurveyMonkey's two header rows: questions (blank where a matrix or multiple-choice question
    continues), then 'Response', 'Open-Ended Response' or the answer options, blank under metadata."""
    if h + 1 >= len(recs):
        return False
    first, second = recs[h].fields, recs[h + 1].fields
    marked = any(f.strip().casefold() in _MONKEY_ROW2 for f in second)
    gaps = any(not f.strip() for f in first[1:]) and bool(first[0].strip())
    return bool(forced or (marked and gaps and not second[0].strip()))


def _r_export(lines: list[str], delimiter: str) -> bool:
    """R's write.csv: every header field quoted, and a bare NA (unquoted) among the data."""
    if not lines:
        return False
    fields = lines[0].rstrip("\r\n").split(delimiter)
    if len(fields) < 2 or not all(len(f) >= 2 and f.startswith('"') and f.endswith('"') for f in fields):
        return False
    bare = re.compile(rf"(?:^|{re.escape(delimiter)})NA(?:{re.escape(delimiter)}|\r?$)")
    return any(bare.search(line) for line in lines[1:200])


def sniff_layout(sample: str, truncated: bool, *, delimiter: str | None = None,
                 skip_rows: int | None = None, decimal: str | None = None,
                 qualtrics: bool = False, surveymonkey: bool = False) -> TextLayout | None:
    """Sniff delimiter, header row, Qualtrics header rows and decimal mark from a text sample.

    Given values are used as they are. `qualtrics=True` means the params said so: without an ImportId
    row, two header rows (column ids, question texts) are assumed, and a second row that holds answers
    raises LayoutMismatch. `surveymonkey=True`: two header rows (questions, answer options). Returns
    None for a sample with no non-blank line.
    """
    candidates = (delimiter,) if delimiter else DELIMITERS
    parsed = {d: records(sample, d, truncated) for d in candidates}
    best = max(candidates, key=lambda d: _delimiter_score(parsed[d], skip_rows))  # first wins a tie
    recs = parsed[best]
    h = _header_at(recs, skip_rows)
    if h is None:
        return None
    monkey = not qualtrics and _surveymonkey(recs, h, surveymonkey)
    n_header = 2 if monkey else _qualtrics_rows(recs, h, qualtrics)
    data_cells = (c for r in recs[h + n_header:h + n_header + 200] for c in r.fields)
    lines = sample.split("\n")[recs[h].first_line - 1:]
    return TextLayout(
        delimiter=best,
        skip_rows=recs[h].first_line - 1,
        header_lines=recs[min(h + n_header, len(recs)) - 1].last_line,
        names=recs[h].fields,
        labels=recs[h + 1].fields if n_header > 1 else None,
        import_ids=[_import_id(f) for f in recs[h + 2].fields] if n_header > 2 else None,
        qualtrics=n_header > 1 and not monkey,
        decimal=decimal or sniff_decimal(data_cells, best),
        surveymonkey=monkey,
        r_export=_r_export(lines, best),
    )


# ---------------------------------------------------------------- the records of a whole CSV body

def record_starts(body: bytes | memoryview, first_line: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Byte offsets and 1-based line numbers of the non-blank CSV records in `body`, and whether any
    quoted field spans lines. A newline ends a record when an even number of quotes precede it."""
    a = np.frombuffer(body, dtype=np.uint8)
    with ThreadPoolExecutor(2) as pool:  # numpy scans without the GIL: line ends and quotes at once
        nl, quotes = pool.map(lambda byte: _positions(a, byte), (10, 34))
    ends_at = np.flatnonzero(np.searchsorted(quotes, nl) % 2 == 0) if quotes.size else np.arange(nl.size)
    ends = nl[ends_at]
    starts = np.concatenate(([0], ends + 1))
    lines = np.concatenate(([0], ends_at + 1)) + first_line
    stops = np.concatenate((ends, [a.size]))
    size = stops - starts
    lone_cr = (size == 1) & (a[np.minimum(starts, max(a.size - 1, 0))] == 13) if a.size else size < 0
    keep = (size > 0) & ~lone_cr
    return starts[keep], lines[keep], ends.size < nl.size


def _positions(a: np.ndarray, byte: int, chunk: int = 16 << 20) -> np.ndarray:
    """The offsets of `byte` in `a`, found a chunk at a time (no file-sized boolean temporary)."""
    parts = [np.flatnonzero(a[lo:lo + chunk] == byte) + lo for lo in range(0, a.size, chunk)]
    return np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else np.zeros(0, dtype=np.intp)


def field_counts(body: bytes | memoryview, starts: np.ndarray, delimiter: str) -> np.ndarray:
    """How many fields each record (starting at `starts`) has, counting the delimiters outside quotes
    (by the parity of the quotes before them, as `record_starts` does)."""
    a = np.frombuffer(body, dtype=np.uint8)
    delims = np.flatnonzero(a == ord(delimiter))
    quotes = np.flatnonzero(a == 34)
    outside = delims[np.searchsorted(quotes, delims) % 2 == 0] if quotes.size else delims
    edges = np.searchsorted(outside, starts)
    return np.diff(np.append(edges, outside.size)) + 1


def record_fields(body: bytes | memoryview, starts: np.ndarray, i: int, delimiter: str,
                  encoding: str = "utf-8") -> list[str]:
    """The fields of record `i` of a CSV body (text in `encoding`) whose records start at `starts`."""
    stop = int(starts[i + 1]) if i + 1 < starts.size else len(body)
    record = bytes(body[int(starts[i]):stop]).decode(encoding)
    return next(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter), [])


def footer_start(body: bytes | memoryview, starts: np.ndarray, delimiter: str, n: int,
                 encoding: str = "utf-8") -> tuple[int, int]:
    """How many records (of those at `starts`) come before a text footer, and how many footer lines
    hold text. A footer is notes of one field per line under a table of 3+ columns: the table's own
    rows have all their fields. (len(starts), 0) when there is none."""
    k, text = starts.size, 0
    while k > 0:
        if starts.size - k >= FOOTER_SCAN:
            return starts.size, 0
        fields = record_fields(body, starts, k - 1, delimiter, encoding)
        filled = sum(1 for f in fields if f.strip())
        if filled and (n < 3 or len(fields) >= n or filled > 1):
            break
        text += bool(filled)
        k -= 1
    return (starts.size, 0) if k == 0 or not text else (k, text)
