"""The anonymised aggregates on disk: the folder layout, its columns, and reading and writing it.

A client-facing view reads the aggregates through this module alone, so loading them pulls in none of
the reading or cleaning code that builds them (`aggregate.build`)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

ALL = "all"
RESPONDENTS = "respondents"  # a measure of its own: every respondent of a cell counted once (value 1)
COLUMNS = ["side", "wave", "dimension", "group", "dimension2", "group2", "measure", "value", "count", "suppressed"]
COUNTS_FILE, META_FILE = "counts.parquet", "meta.json"


def write_aggregates(counts: pd.DataFrame, meta: dict, out_dir: Path) -> Path:
    """Write aggregates/counts.parquet and aggregates/meta.json; returns the folder."""
    folder = Path(out_dir) / "aggregates"
    folder.mkdir(parents=True, exist_ok=True)
    counts.to_parquet(folder / COUNTS_FILE, index=False)
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def read_meta(folder: Path) -> dict:
    """The meta of one run's aggregates folder."""
    return json.loads((Path(folder) / META_FILE).read_text(encoding="utf-8"))


def read_aggregates(folder: Path) -> tuple[pd.DataFrame, dict]:
    """The counts (as a frame) and meta of one run's aggregates folder."""
    return pd.read_parquet(Path(folder) / COUNTS_FILE), read_meta(folder)


def read_count_columns(folder: Path) -> dict:
    """The counts as `count_index.CountIndex` takes them, read column by column without a frame: key
    columns as (codes, names) straight from Parquet's dictionary encoding, the rest as arrays. A
    dashboard kernel holds only these arrays (a frame of 300,000 rows of strings would keep ~100 MB)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = COLUMNS[:7]
    source = pq.ParquetFile(Path(folder) / COUNTS_FILE, read_dictionary=keys, memory_map=True, pre_buffer=False)
    columns = {}
    for name in COLUMNS:
        column = source.read(columns=[name], use_threads=False).column(0).combine_chunks()
        if name in keys:
            if not pa.types.is_dictionary(column.type):  # not strings (e.g. an all-empty column): encode here
                column = column.cast(pa.string()).dictionary_encode()
            codes = column.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
            columns[name] = (codes, [str(v) for v in column.dictionary.to_pylist()])
        elif name == "count":
            columns[name] = column.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            columns[name] = column.to_numpy(zero_copy_only=False).copy()
    names = set(source.schema_arrow.names)
    for name in ("weight", "weight2"):  # a weighted run's sums of weights (`aggregate.weighted`)
        if name in names:
            columns[name] = source.read(columns=[name], use_threads=False).column(0).combine_chunks().to_numpy(
                zero_copy_only=False).astype(float)
    pa.default_memory_pool().release_unused()  # the decoding buffers go back, not kept by the kernel
    return columns
