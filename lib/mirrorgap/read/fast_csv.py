"""The fast path of the CSV reader: pyarrow parses the body in pieces on all cores, and the columns
become pandas categoricals (plain text for ids and free text) on all cores.

Cells are parsed as dictionary-encoded bytes and only each column's distinct values are decoded, so
a cell costs a byte or two instead of a string, and a cp1252 file is never decoded as a whole.
The body is cut only where a record starts (as `sniff.record_starts` found them, quotes counted), and
each piece must give exactly the records found in it, so the rows and their file line numbers are
those of one parse of the whole body.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

# A piece below this is not worth a thread. Each running piece's parser (one Arrow thread) holds one
# block in memory; Arrow's own threaded parse reads many blocks ahead (a third of the file again).
MIN_PIECE_BYTES = 8 << 20
PIECES_PER_CORE = 4
_BYTES = pa.dictionary(pa.int32(), pa.binary())
_TEXT_DICT = pa.dictionary(pa.int32(), pa.string())


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pieces(starts: np.ndarray, size: int, wanted: int) -> list[tuple[int, int, int]]:
    """Cut a body of `size` bytes whose records start at `starts` into at most `wanted` pieces of
    whole records: (first byte, end byte, records in the piece). The first piece starts at byte 0 (blank
    lines before the first record stay with it), each later one at a record start."""
    k = max(1, min(wanted, starts.size, size // MIN_PIECE_BYTES))
    first = [starts.size * i // k for i in range(k)]
    lo = [0] + [int(starts[r]) for r in first[1:]]
    return [(a, b, n) for a, b, n in zip(lo, lo[1:] + [size], np.diff(first + [starts.size]).tolist())]


def parse(body: memoryview, starts: np.ndarray, n: int, delimiter: str, multiline: bool
          ) -> dict[str, pa.ChunkedArray] | None:
    """The body's n columns (c0 … c{n-1}) as dictionary<binary> columns, parsed in pieces on all cores;
    None when pyarrow cannot parse it (ragged rows) or a piece does not hold the records `starts` says."""
    # more pieces than cores: a core that is done early (the machine is shared) takes the next piece
    cuts = pieces(starts, len(body), PIECES_PER_CORE * cores())
    with ThreadPoolExecutor(min(len(cuts), cores())) as pool:  # pyarrow parses without the GIL
        tables = list(pool.map(lambda cut: _parse_piece(body[cut[0]:cut[1]], n, delimiter, multiline), cuts))
    if any(t is None or t.num_rows != cut[2] for t, cut in zip(tables, cuts)):
        return None
    pa.default_memory_pool().release_unused()  # the parsers' scratch memory, which the pool would keep
    return {name: pa.chunked_array([c for t in tables for c in t.column(name).chunks], _BYTES)
            for name in tables[0].column_names}


def _parse_piece(piece: memoryview, n: int, delimiter: str, multiline: bool) -> pa.Table | None:
    cols = [f"c{i}" for i in range(n)]
    try:
        return pacsv.read_csv(
            pa.py_buffer(piece),
            # One Arrow thread per piece: Arrow's own parallel parse holds many blocks in memory at once.
            read_options=pacsv.ReadOptions(column_names=cols, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(cols, _BYTES),
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=True))
    except pa.ArrowException:
        return None


def to_frame(columns: dict[str, pa.ChunkedArray], codec: str, rows: int) -> pd.DataFrame:
    """The parsed columns as a DataFrame of categoricals (plain text for `many`-valued columns), a column
    per core at a time. Consumes `columns`: each is dropped from the dict, and freed, once converted."""
    names = list(columns)

    def convert(name: str) -> pd.Series:
        return decoded(columns.pop(name), codec, rows).to_pandas()

    with ThreadPoolExecutor(min(cores(), max(1, len(names)))) as pool:
        out = dict(zip(names, pool.map(convert, names)))
    pa.default_memory_pool().release_unused()
    return pd.DataFrame(out, copy=False)


def many(distinct: int, rows: int) -> bool:
    """Whether a column has so many distinct values (ids, free text) that a categorical would cost
    more than it saves: such columns stay plain text."""
    return 2 * distinct > rows


def decoded(column: pa.ChunkedArray, codec: str, rows: int) -> pa.ChunkedArray:
    """A dictionary<binary> column as dictionary<string> (plain string when `many` values): the
    distinct values decoded from `codec`; ASCII or UTF-8 values are cast in Arrow, others one by one."""
    if column.num_chunks == 0:
        return pa.chunked_array([], _TEXT_DICT)
    column = pa.table([column], names=["x"]).unify_dictionaries().column(0)
    values = column.chunk(0).dictionary
    if codec == "utf-8" or _ascii(values):
        text = values.cast(pa.string())
    else:
        text = pa.array([v.decode(codec) for v in values.to_pylist()], pa.string())
    out = pa.chunked_array([pa.DictionaryArray.from_arrays(c.indices, text) for c in column.chunks], _TEXT_DICT)
    return out.cast(pa.string()) if many(len(text), rows) else out


def _ascii(values: pa.Array) -> bool:
    """Whether every byte of a binary array's values is ASCII."""
    data = values.buffers()[2]
    return data is None or not (np.frombuffer(data, dtype=np.uint8) >= 0x80).any()
