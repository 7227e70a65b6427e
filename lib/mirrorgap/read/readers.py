"""Reading one side's raw survey file (CSV, Qualtrics CSV, Excel, SPSS) into a `RawSurvey`.

Cells stay raw (text from text files, as categoricals: each distinct text stored once; native values
from xlsx/sav); the recoder turns them into answers. The file is only read, never modified. Every problem is an `InputFileError` that names the
file, the row as a spreadsheet program numbers it, and the fix.
"""
from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from openpyxl.utils import get_column_letter

from mirrorgap.config.params import InputFile
from mirrorgap.config.paths import resolve_input
from mirrorgap.errors import EncodingMismatch, InputFileError, LayoutMismatch
from mirrorgap.read import fast_csv, records, sniff, xlsx
from mirrorgap.read.encoding import open_text
from mirrorgap.read.mapped import file_bytes
from mirrorgap.read.pages import small_pages

_XLS_FIX = ("open it in Excel and save it as .xlsx (Excel Workbook) or as CSV UTF-8; the old binary .xls "
            "format is not read (no maintained reader for it is part of mirrorgap)")
_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".sav": "sav", ".zsav": "sav"}


@dataclass
class RawSurvey:
    """One survey file as read: raw cells plus everything the reader resolved about the file."""

    frame: pd.DataFrame
    source_rows: np.ndarray
    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    decimal: str
    skip_rows: int
    sheet: str | None
    column_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict] = field(default_factory=dict)
    user_missing: dict[str, list] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rows or columns left out, for the quality ledger
    other_sheets: dict[str, list[str]] = field(default_factory=dict)  # Excel: the other sheets' header names
    hidden_sheets: list[str] = field(default_factory=list)  # Excel: sheets hidden in the workbook
    formulas_without_value: dict[str, list[str]] = field(default_factory=dict)  # column -> cells ('C5')
    duplicate_columns: dict[str, list[str]] = field(default_factory=dict)  # repeated name -> numbered names


@small_pages
def read_survey(spec: InputFile, *, side: str, base_dir: Path | None = None) -> RawSurvey:
    """Read the survey file described by `spec`.

    spec: the side's `input:` params (path, and optionally format, sheet, skip_rows, delimiter,
    encoding, decimal; whatever is absent is sniffed). side: "customer" or "employee", for messages.
    base_dir: resolve a relative `spec.path` against this folder instead of the project root.
    Raises InputFileError for anything that keeps the file from being read as a table.
    """
    path = Path(base_dir, spec.path) if base_dir is not None else resolve_input(spec.path)
    _check_exists(path, side)
    fmt = spec.format or _format_of(path, side)
    if fmt == "xlsx":
        return _read_xlsx(path, spec, side)
    if fmt == "sav":
        return _read_sav(path, spec, side)
    return _read_text(path, spec, side)


# ---------------------------------------------------------------- the file itself

def _check_exists(path: Path, side: str) -> None:
    """Raise if the file is missing or a folder."""
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputFileError(path, f"the {side} survey file {what}",
                             fix=f"check `{side}: input: path:` in params/<client>.yaml "
                                 "(relative paths start at the project root)")


def _read_bytes(path: Path, side: str) -> bytes:
    """The file's bytes (a big file's mapped: `mapped.file_bytes`); raises for unreadable or empty files."""
    try:
        raw = file_bytes(path)
    except OSError as exc:
        raise InputFileError(path, f"the {side} survey file cannot be read ({exc.strerror})",
                             fix="check the file's permissions, or copy it again from the delivery") from None
    if not raw or raw.isspace():
        raise InputFileError(path, f"the {side} survey file is empty",
                             fix="ask for the export again; the file has no header and no rows")
    return raw


def _format_of(path: Path, side: str) -> str:
    """The format from the file extension, else from the first bytes. An '.xls' is looked into: web
    tools save .xlsx, HTML and plain text under that name; the old binary format itself is refused."""
    suffix = path.suffix.lower()
    if suffix in _FORMATS:
        return _FORMATS[suffix]
    with path.open("rb") as fh:
        head = fh.read(512)
    if suffix == ".xls":
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputFileError(path, f"the {side} survey is an old-style Excel .xls workbook", fix=_XLS_FIX)
        if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
            raise InputFileError(path, f"the {side} survey is a web page or XML file (an HTML table or Excel "
                                       "2003 XML) saved under an .xls name, as web tools' 'Excel' exports are",
                                 fix="open it in Excel and save it as .xlsx (Excel Workbook), or export the "
                                     "responses as CSV from the survey tool")
    return "xlsx" if head[:4] == b"PK\x03\x04" else "sav" if head[:4] in (b"$FL2", b"$FL3") else "csv"


def _not_text(path: Path, raw: bytes, side: str) -> None:
    """Raise when a file that should be delimited text is an Excel, SPSS or other binary file."""
    found = sniff.binary_kind(raw[:8192])
    if found is None:
        return
    kind, fmt = found
    fix = (f"this is an {'Excel' if fmt == 'xlsx' else 'SPSS'} file: set `format: {fmt}` in params"
           if fmt else "export the survey again as CSV (or as .xlsx / .sav and set `format:`)")
    raise InputFileError(path, f"the {side} survey should be a CSV text file but is {kind}", fix=fix)


# ---------------------------------------------------------------- delimited text

def _decode(path: Path, raw: bytes, encoding: str | None, side: str) -> tuple[bytes, str, str]:
    """The file's text, the encoding it was read with, and the codec of the returned bytes (utf-8,
    or the file's own single-byte code page, whose cells are decoded once parsed); undecodable bytes,
    or bytes that decode into nonsense, are an error naming the row, the real bytes and the
    `encoding:` to set."""
    try:
        data, name, codec = open_text(raw, encoding)
        return data, name, codec or "utf-8"
    except LookupError:
        raise InputFileError(path, f"unknown text encoding {encoding!r}",
                             fix="set `encoding:` to utf-8 or cp1252, or leave it out to sniff it") from None
    except EncodingMismatch as exc:
        raise InputFileError(path, f"the {side} survey {exc.reason}", row=_row_at(raw, exc.offset, exc.tried),
                             value=raw[exc.offset:exc.offset + exc.length], fix=_encoding_fix(side, exc.suggestion)
                             ) from None
    except UnicodeDecodeError as exc:
        tried = encoding or "UTF-8 or Windows-1252 (cp1252)"
        suggestion = getattr(exc, "suggestion", None)
        fix = (_encoding_fix(side, suggestion) if suggestion else
               "set `encoding:` to the file's encoding (Excel's 'CSV UTF-8' export is utf-8; older Nordic "
               "Excel writes cp1252), or save it again as CSV UTF-8")
        raise InputFileError(path, f"the {side} survey cannot be decoded as {tried}",
                             row=_row_at(raw, exc.start, exc.encoding), value=raw[exc.start:exc.end], fix=fix
                             ) from None


def _row_at(raw: bytes, offset: int, encoding: str) -> int:
    """The file line (1-based) that byte `offset` is on."""
    if "16" in encoding or "32" in encoding:
        return raw[:offset].decode(encoding, errors="replace").count("\n") + 1
    return raw.count(b"\n", 0, offset) + 1


def _encoding_fix(side: str, suggestion: str | None) -> str:
    if suggestion is None:
        return ("set `encoding:` to the file's encoding under `" + side + ": input:` (ask the sender which "
                "one), or have it saved again as CSV UTF-8")
    return (f"set `encoding: {suggestion}` under `{side}: input:` in the params (or have the file saved "
            "again as CSV UTF-8)")


def _read_text(path: Path, spec: InputFile, side: str) -> RawSurvey:
    """Read a delimited text file (plain or Qualtrics CSV)."""
    raw = _read_bytes(path, side)
    if not (spec.encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32")):
        _not_text(path, raw, side)
    data, encoding, codec = _decode(path, raw, spec.encoding, side)
    del raw  # `data` is the file itself or its decoded copy: keep one file-sized buffer, not two
    if b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # old Mac line ends
    sample, truncated = sniff.sample_text(data, min_lines=sniff.MIN_SAMPLE_LINES + (spec.skip_rows or 0),
                                          encoding=codec)
    try:
        layout = sniff.sniff_layout(sample, truncated, delimiter=spec.delimiter, skip_rows=spec.skip_rows,
                                    decimal=spec.decimal, qualtrics=spec.format == "qualtrics",
                                    surveymonkey=spec.format == "surveymonkey")
    except LayoutMismatch as exc:
        shown = ", ".join(repr(f) for f in exc.fields if f.strip())[:120]
        raise InputFileError(path, f"`format: qualtrics` says rows 2–3 hold question texts, but row {exc.line} "
                                   f"holds answers ({shown}): it is a respondent, and would be lost",
                             row=exc.line, fix="remove `format: qualtrics` from the params (this export has one "
                                               "header row, e.g. re-saved in Excel without Qualtrics' extra rows)"
                             ) from None
    if layout is None:
        raise InputFileError(path, f"the {side} survey file has only blank lines", fix="ask for the export again")
    names, notes = (_qualtrics_names(layout) if layout.qualtrics else _surveymonkey_names(layout)
                    if layout.surveymonkey else (layout.names, []))
    names, duplicates, dup_notes = _clean_names(path, names)
    notes = notes + dup_notes
    body_start = _offset_of_line(data, layout.header_lines + 1)
    parsed = _parse_body(path, memoryview(data)[body_start:], layout, names, side, codec)
    del data  # the parsed cells no longer need the file: free it before they become a frame
    frame = _cells_frame(path, parsed, names, layout.delimiter, codec)
    rows, footer = parsed.rows, parsed.notes
    del parsed
    frame, rows, empty = _finish(path, frame, rows, names, lambda i: f"column {i + 1}")
    if frame.empty:
        raise InputFileError(path, f"the {side} survey has a header row but only empty rows below it",
                             row=layout.header_lines, fix="ask for an export that includes the responses")
    labels = dict(zip(names, layout.labels or [])) if layout.labels and layout.qualtrics else {}
    if path.suffix.lower() == ".xls":
        notes.append("the .xls file is delimited text, not a workbook: read as CSV")
    if layout.r_export:
        bare = frame == "NA"
        count = int(bare.to_numpy().sum())
        if count:
            frame = frame.mask(bare)
            notes.append(f"R export (write.csv): {count} cell(s) written as NA read as blank")
    return RawSurvey(frame=frame, source_rows=rows, path=path,
                     format="qualtrics" if layout.qualtrics else "surveymonkey" if layout.surveymonkey else "csv",
                     encoding=encoding,
                     delimiter=layout.delimiter, decimal=layout.decimal, skip_rows=layout.skip_rows,
                     sheet=None, notes=notes + footer + empty, duplicate_columns=duplicates,
                     column_labels={k: v.strip() for k, v in labels.items() if k in frame and v.strip()})


def _qualtrics_names(layout: sniff.TextLayout) -> tuple[list[str], list[str]]:
    """Column ids of a Qualtrics export made unique: Qualtrics repeats ids in side-by-side questions,
    and the export cannot be fixed by hand, so repeats get their ImportId (or their number) added."""
    names = [c.strip() for c in layout.names]
    dups = {x for x in names if x and names.count(x) > 1}
    if not dups:
        return names, []
    ids = layout.import_ids or [""] * len(names)
    seen: dict[str, int] = {}
    out = []
    for name, qid in zip(names, ids + [""] * (len(names) - len(ids))):
        seen[name] = seen.get(name, 0) + 1
        out.append(f"{name} [{qid or seen[name]}]" if name in dups else name)
    shown = ", ".join(repr(d) for d in sorted(dups)[:5]) + (" …" if len(dups) > 5 else "")
    return out, [f"{len(dups)} column id(s) repeat in the Qualtrics header ({shown}); each repeat was "
                 "named 'id [ImportId]' (or 'id [n]' without ImportIds)"]


def _surveymonkey_names(layout: sniff.TextLayout) -> tuple[list[str], list[str]]:
    """SurveyMonkey's two header rows as one: a question that spans columns (blank cells after it)
    gives each column 'question - option'; 'Response' and 'Open-Ended Response' add nothing."""
    second = layout.labels or []
    names, question = [], ""
    for i, cell in enumerate(layout.names):
        question = cell.strip() or question
        option = second[i].strip() if i < len(second) else ""
        plain = not option or option.casefold() in ("response", "open-ended response", "svar", "öppet svar")
        names.append(question if plain else f"{question} - {option}")
    return names, ["SurveyMonkey export: its two header rows read as one ('question - answer option')"]


def _offset_of_line(data: bytes, line: int) -> int:
    """Byte offset where 1-based `line` starts (len(data) when the data has fewer lines)."""
    pos = 0
    for _ in range(line - 1):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return len(data)
    return pos


class _Parsed(NamedTuple):
    """A body's data rows as parsed: the careful parsers' frame, or the fast parser's columns (to be
    converted once the file's bytes are freed); their file line numbers; notes for the ledger."""

    cells: pd.DataFrame | dict[str, pa.ChunkedArray]
    rows: np.ndarray
    notes: list[str]
    multiline_unchecked: bool  # quoted fields span lines, and their cells are still to be checked


def _parse_body(path: Path, body: memoryview, layout: sniff.TextLayout, names: list[str],
                side: str, codec: str = "utf-8") -> _Parsed:
    """The data rows under the header as strings (NA for empty), with their file line numbers, and
    notes for the ledger. Rows that are not what they seem (merged, cut off, mixed delimiters) are an
    error naming the row; rows that are only short are padded and listed in a note. `body` is text in
    `codec` (UTF-8 or a single-byte code page)."""
    n, delimiter = len(names), layout.delimiter
    starts, lines, multiline = sniff.record_starts(body, layout.header_lines + 1)
    keep, text = sniff.footer_start(body, starts, delimiter, n, codec)
    notes = [f"rows {int(lines[keep])}-{int(lines[-1])}: {text} line(s) of text below the table left out"
             ] if text else []
    if keep == 0:
        raise InputFileError(path, f"the {side} survey has a header row but no data rows",
                             row=layout.header_lines, fix="ask for an export that includes the responses")
    end = int(starts[keep]) if keep < starts.size else len(body)
    rows = lines[:keep].astype(np.int64)
    short, tail_at = [], int(starts[keep - 1])
    columns = _parse_fast(body[:end], starts[:keep], n, delimiter, multiline)
    if columns is not None:  # every record has its n fields: none short, none too long
        records.check_tail_quote(path, bytes(body[tail_at:end]).decode(codec), int(rows[-1]), delimiter)
        return _Parsed(columns, rows, notes, multiline)
    frame = _parse_ragged(body[:end], n, delimiter, codec)
    if frame is not None and len(frame) == keep:
        short = _short_records(body[:end], starts[:keep], rows, n, delimiter, codec)
    if frame is None or len(frame) != keep:
        frame, rows, short, tail_at = _parse_slow(path, body[:end], n, delimiter, layout.header_lines + 1,
                                                  codec)
        multiline = True
    frame = _categorical(frame)
    spare = frame.pop(f"c{n}") if f"c{n}" in frame else None
    if spare is not None and spare.notna().any():
        i = int(np.flatnonzero(spare.notna().to_numpy())[0])
        _too_long(path, sniff.record_fields(body, starts, i, delimiter, codec), n, int(rows[i]), delimiter)
    records.check_tail_quote(path, bytes(body[tail_at:end]).decode(codec), int(rows[-1]), delimiter)
    if multiline:
        _check_multiline_cells(path, frame, rows, names, delimiter)
    notes += records.check_short_records(path, short, n, delimiter, n_records=len(frame),
                                         ends_with_newline=bytes(body[end - 1:end]) in (b"\n", b"\r"))
    return _Parsed(frame, rows, notes, False)


def _cells_frame(path: Path, parsed: _Parsed, names: list[str], delimiter: str, codec: str) -> pd.DataFrame:
    """The parsed cells as a frame: the fast parser's columns converted (a column per core), and their
    cells with line breaks checked; the careful parsers' frame as it is."""
    if isinstance(parsed.cells, pd.DataFrame):
        return parsed.cells
    frame = fast_csv.to_frame(parsed.cells, codec, len(parsed.rows))
    if parsed.multiline_unchecked:
        _check_multiline_cells(path, frame, parsed.rows, names, delimiter)
    return frame


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categoricals with their values in order of appearance (plain text for columns
    of `fast_csv.many` values), as the fast parser gives them, whichever parser read the file."""
    out = {}
    for col in frame.columns:
        cells = frame[col]
        if isinstance(cells.dtype, pd.CategoricalDtype):
            out[col] = cells
            continue
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        if fast_csv.many(len(uniques), len(cells)):
            out[col] = cells
            continue
        out[col] = pd.Series(pd.Categorical.from_codes(codes, categories=uniques), index=frame.index)
    return pd.DataFrame(out, index=frame.index)


def _short_records(body: memoryview, starts: np.ndarray, rows: np.ndarray, n: int,
                   delimiter: str, codec: str = "utf-8") -> list[records.ShortRecord]:
    """The records with fewer than n fields: counted for all records at once, each candidate then
    split exactly (a stray quote inside a field can fool the count, never the split)."""
    out = []
    for i in np.flatnonzero(sniff.field_counts(body, starts, delimiter) < n):
        fields = sniff.record_fields(body, starts, int(i), delimiter, codec)
        if len(fields) < n:
            out.append(records.ShortRecord(int(i), int(rows[i]), fields))
    return out


def _check_multiline_cells(path: Path, frame: pd.DataFrame, rows: np.ndarray, names: list[str],
                           delimiter: str) -> None:
    """Raise for a quoted field that swallowed whole records (cells with line breaks are checked)."""
    starts = None
    for k, col in enumerate(frame.columns):
        cells = frame[col]
        if isinstance(cells.dtype, pd.CategoricalDtype):  # the fast parser's columns: look at each value once
            values = cells.cat.categories
            if not pd.api.types.is_string_dtype(values.dtype):
                continue
            with_break = np.flatnonzero(np.asarray(values.str.contains("\n", regex=False), dtype=bool))
            if not with_break.size:
                continue
            broken = np.isin(cells.cat.codes.to_numpy(), with_break)
        elif pd.api.types.is_string_dtype(cells.dtype):
            broken = cells.str.contains("\n", regex=False).fillna(False).to_numpy(dtype=bool)
        else:
            continue
        if broken.any() and starts is None:
            starts = records.row_start_shapes(frame.iloc[:1000, 0].dropna().tolist())
        for i in np.flatnonzero(broken):
            records.check_swallowed(path, cells.iat[i], int(rows[i]), names[k] or f"column {k + 1}",
                                    delimiter, starts)


def _parse_fast(body: memoryview, starts: np.ndarray, n: int, delimiter: str, multiline: bool
                ) -> dict[str, pa.ChunkedArray] | None:
    """Parse with pyarrow, in pieces on all cores; None when it cannot (ragged rows), so the careful parsers
    take over."""
    return fast_csv.parse(body, starts, n, delimiter, multiline)


def _parse_ragged(body: memoryview, n: int, delimiter: str, codec: str = "utf-8") -> pd.DataFrame | None:
    """Parse with pandas' C parser, which pads short rows; a spare column c{n} catches one extra field
    (a trailing delimiter). None when a row has even more fields."""
    try:
        return pd.read_csv(io.BytesIO(body), sep=delimiter, header=None, names=[f"c{i}" for i in range(n + 1)],
                           dtype=str, keep_default_na=False, na_values=[""], index_col=False, engine="c",
                           encoding=codec)
    except (pd.errors.ParserError, ValueError):
        return None


def _parse_slow(path: Path, body: memoryview, n: int, delimiter: str, first_line: int, codec: str = "utf-8"
                ) -> tuple[pd.DataFrame, np.ndarray, list[records.ShortRecord], int]:
    """Parse row by row: pads short rows (and lists them), allows empty extra fields, and names a row
    that is too long. Also returns the byte offset of the last record (for the end-of-file check)."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(bytes(body).decode(codec), newline=""), delimiter=delimiter)
    rows, lines, short, last = [], [], [], 0
    for fields in reader:
        line, last = first_line + last, reader.line_num
        if not fields:
            continue
        if len(fields) > n:
            _too_long(path, fields, n, line, delimiter)
        if len(fields) < n:
            short.append(records.ShortRecord(len(rows), line, fields))
        rows.append(fields[:n] + [""] * (n - len(fields)))
        lines.append(line)
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(n)], dtype="str")
    tail_at = _offset_of_line(bytes(body), lines[-1] - first_line + 1) if lines else 0
    return frame.mask(frame == ""), np.asarray(lines, dtype=np.int64), short, tail_at


def _too_long(path: Path, fields: list[str], n: int, line: int, delimiter: str) -> None:
    """Raise for a record with non-empty fields beyond the header's width."""
    extras = [f for f in fields[n:] if f.strip()]
    if not extras:
        return
    name = records.DELIMITER_NAMES[delimiter]
    raise InputFileError(path, f"this row has {len(fields)} fields but the header has {n} "
                               f"(an unquoted {name} inside a field?)", row=line, value=extras[0],
                         fix=f"put quotes around fields that contain a {name}, or set `delimiter:` "
                             "in params if the file uses another delimiter")


# ---------------------------------------------------------------- columns and rows, all formats

def _clean_names(path: Path, cells: list, hint: str = "") -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Header names with white space folded; repeated names are numbered ('svar [1]', 'svar [2]') and
    noted, so a repeat the params do not use costs nothing. Returns names, {name: numbered names}, notes."""
    names = [_name(c) for c in cells]
    dups = sorted({x for x in names if x and names.count(x) > 1})
    if not dups:
        return names, {}, []
    seen: dict[str, int] = {}
    numbered: dict[str, list[str]] = {d: [] for d in dups}
    for i, x in enumerate(names):
        if x in numbered:
            seen[x] = seen.get(x, 0) + 1
            names[i] = f"{x} [{seen[x]}]"
            numbered[x].append(names[i])
    shown = ", ".join(f"{d!r} ({', '.join(repr(n) for n in numbered[d])})" for d in dups[:5]) + (
        " …" if len(dups) > 5 else "")
    return names, numbered, [f"the header repeats column name(s) {shown}{hint}; the repeats are numbered "
                             "and only an error if the params use them"]


def _name(cell: object) -> str:
    """A header cell as a column name: text with white space folded ('Hur nöjd  är du?\\xa0' is
    'Hur nöjd är du?'), whole numbers without '.0', '' for empty."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _row_numbers(values: pd.Series) -> bool:
    """Whether a column holds the row numbers 1, 2, 3, … (R's write.csv writes them unnamed)."""
    try:
        numbers = pd.to_numeric(values, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        return False
    return bool(numbers.size) and bool((numbers == np.arange(1, numbers.size + 1)).all())


def _finish(path: Path, frame: pd.DataFrame, rows: np.ndarray, names: list[str],
            where: Callable[[int], str], hint: str = "") -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Name the columns, drop unnamed columns and empty rows; unnamed columns with data are noted
    (the params cannot name them), R's unnamed row numbers recognised as such."""
    notes = []
    for i in (i for i, x in enumerate(names) if not x):
        cells = frame.iloc[:, i]
        first = cells.first_valid_index()
        if first is None:
            continue
        if i == 0 and _row_numbers(cells):
            notes.append(f"{where(i)} has no name and holds the row numbers 1–{len(cells)} (as R's write.csv "
                         "writes them): left out")
        else:
            notes.append(f"{where(i)} has data but no name in the header row (a blank or merged header "
                         f"cell?){hint}: left out (first value {cells.iat[first]!r} in row {int(rows[first])})")
    keep = [i for i in range(len(names)) if names[i]]
    frame = frame.iloc[:, keep].set_axis([names[i] for i in keep], axis=1)
    filled = frame.notna().to_numpy().any(axis=1)
    empty = rows[~filled]
    notes += [f"{empty.size} empty row(s) left out (rows " + ", ".join(map(str, empty[:5]))
              + (", …)" if empty.size > 5 else ")")] if empty.size else []
    return frame[filled].reset_index(drop=True), rows[filled], notes


# ---------------------------------------------------------------- Excel

def _read_xlsx(path: Path, spec: InputFile, side: str) -> RawSurvey:
    """Read one sheet of an Excel workbook (the first visible one by default); title rows above the
    header are sniffed."""
    grid, facts = _load_sheet(path, spec.sheet, side)
    sheet = facts.name
    counts = grid.head(200).notna().sum(axis=1).tolist()
    top = spec.skip_rows if spec.skip_rows is not None else sniff.header_index(counts)
    if top is None or top >= len(grid):
        raise InputFileError(path, f"sheet {sheet!r} of the {side} survey is empty",
                             fix="choose the sheet with the responses with `sheet:` in params")
    hint = (f"; the header seems to span several rows (rows {top} and {top + 1}, merged cells?)"
            if top > 0 and grid.iloc[top - 1].notna().sum() >= 2 else "")
    names, duplicates, dup_notes = _clean_names(path, grid.iloc[top].tolist(), hint)
    body = grid.iloc[top + 1:].reset_index(drop=True)
    rows = np.arange(top + 2, top + 2 + len(body), dtype=np.int64)
    frame, rows, notes = _finish(path, body, rows, names, lambda i: f"column {get_column_letter(i + 1)}",
                                 hint)
    if frame.empty:
        raise InputFileError(path, f"sheet {sheet!r} has a header row but no data rows", row=top + 1,
                             fix="choose the sheet with the responses with `sheet:` in params")
    uncached: dict[str, list[str]] = {}
    for row, col, ref in facts.formulas_without_value:
        if row > top + 1 and col < len(names) and names[col]:
            uncached.setdefault(names[col], []).append(ref)
    cells = frame.head(200).to_numpy().ravel()
    return RawSurvey(frame=frame, source_rows=rows, path=path, format="xlsx", encoding=None,
                     delimiter=None, decimal=spec.decimal or sniff.sniff_decimal(cells, None),
                     skip_rows=top, sheet=sheet, notes=facts.notes + dup_notes + notes,
                     other_sheets=facts.other_headers, hidden_sheets=facts.hidden,
                     formulas_without_value=uncached, duplicate_columns=duplicates)


def _load_sheet(path: Path, wanted: str | int | None, side: str) -> tuple[pd.DataFrame, xlsx.SheetFacts]:
    """All cells of the wanted sheet (native values, NaN for empty; row i is Excel row i + 1) and
    what the workbook says about it (its name, hidden sheets, other sheets' headers, formulas)."""
    with _open_workbook(path, side) as book:
        facts = xlsx.sheet_facts(path, book.book, wanted, _name)
        try:
            return pd.read_excel(book, sheet_name=facts.name, header=None, dtype=object), facts
        except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
            raise InputFileError(path, f"sheet {facts.name!r} cannot be read ({type(exc).__name__}: {exc})",
                                 fix="open the workbook in Excel and save it again as .xlsx") from None


def _open_workbook(path: Path, side: str) -> pd.ExcelFile:
    """The workbook, or an error saying what the file is instead."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.startswith(b"PK\x03\x04"):
        kind = (sniff.binary_kind(head) or ("a text file (CSV?)",))[0]
        fix = (_XLS_FIX if head.startswith(b"\xd0\xcf\x11\xe0") else
               "set `format:` to match the file (csv for text), or save it as .xlsx")
        raise InputFileError(path, f"the {side} survey should be an Excel .xlsx workbook but is {kind}", fix=fix)
    try:
        # openpyxl refuses a workbook by its name alone (an .xlsx saved as '.xls'): give it the bytes
        source = path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())
        return pd.ExcelFile(source, engine="openpyxl")
    except Exception as exc:  # zipfile, KeyError, openpyxl's InvalidFileException, …
        raise InputFileError(path, f"the {side} survey cannot be opened as an Excel workbook "
                                   f"({type(exc).__name__}: {exc})",
                             fix="open it in Excel and save it again as .xlsx (Excel Workbook)") from None


# ---------------------------------------------------------------- SPSS

def _read_sav(path: Path, spec: InputFile, side: str) -> RawSurvey:
    """Read an SPSS .sav/.zsav as codes, with value labels and user-missing codes kept apart."""
    import pyreadstat

    with path.open("rb") as fh:
        head = fh.read(4)
    if head not in (b"$FL2", b"$FL3"):
        kind = (sniff.binary_kind(head) or ("a text file (CSV?)",))[0]
        raise InputFileError(path, f"the {side} survey should be an SPSS .sav file but is {kind}",
                             fix="set `format:` to match the file, or ask for the .sav again")
    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True,
                                          **({"encoding": spec.encoding} if spec.encoding else {}))
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputFileError(path, f"the {side} survey cannot be read as an SPSS file "
                                   f"({type(exc).__name__}: {exc})",
                             fix="ask for the .sav again, or open it in SPSS/PSPP and save it again") from None
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].mask(frame[col] == "")
    return RawSurvey(frame=frame, source_rows=np.arange(1, len(frame) + 1, dtype=np.int64), path=path,
                     format="sav", encoding=None, delimiter=None, decimal=".", skip_rows=0, sheet=None,
                     column_labels={k: v for k, v in meta.column_names_to_labels.items() if v},
                     value_labels=dict(meta.variable_value_labels),
                     user_missing=_user_missing(frame, meta))


def _user_missing(frame: pd.DataFrame, meta) -> dict[str, list]:
    """Per column the user-missing codes: single codes as declared, ranges as the codes met in the
    data or the value labels."""
    out: dict[str, list] = {}
    for col, ranges in meta.missing_ranges.items():
        known = set(frame[col].dropna().tolist()) | set(meta.variable_value_labels.get(col, {}))
        codes: set = set()
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            codes |= {lo} if lo == hi else {
                c for c in known if isinstance(c, str) == isinstance(lo, str) and lo <= c <= hi}
        out[col] = sorted(codes)
    return out
