"""A side's (or the pulse's) weight column (`weight_column:` in the params): one design weight per respondent.

The weights go with the clean rows as the column WEIGHT. A used row whose weight is blank, not a
number, negative or infinite stops the run with the file, row, column, value and fix: a respondent
without a weight cannot be left out quietly (that would change the estimate) nor given 1 (that would
too).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import CleanSide

__all__ = ["WEIGHT", "attach_weights", "read_weights"]

WEIGHT = "_weight"  # the clean rows' weight column (no item id or file column starts with "_" here)


def _number(value, decimal: str) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).replace("\u00a0", "").replace(" ", "").strip()
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".") if "," in text else text
    try:
        return float(text)
    except ValueError:
        return np.nan


def read_weights(raw, frame: pd.DataFrame, column: str, who: str) -> np.ndarray:
    """The weights of `frame`'s rows (matched to the raw file by their `source_row`), read from
    `column` of the raw file. who: the params section the column is set in ("customer", "employee",
    "pulse"), for the messages. Raises InputFileError naming the first row without a usable weight."""
    present = [str(c) for c in raw.frame.columns]
    if column not in present:
        raise InputFileError(raw.path, f"the {who} weight column {column!r} is not in the file",
                             column=column, row=raw.skip_rows + 1,
                             fix=f"set `{who}: weight_column:` to the column as the file spells it, or leave "
                                 f"it out for unweighted results; columns found: {', '.join(map(repr, present[:30]))}")
    position = pd.Series(np.arange(len(raw.source_rows)), index=np.asarray(raw.source_rows))
    at = position.loc[frame["source_row"].to_numpy()].to_numpy()
    cells = raw.frame[column].iloc[at]
    weights = np.array([_number(v, raw.decimal) for v in cells], dtype=float)
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        k = int(np.argmax(bad))
        raise InputFileError(raw.path, f"a {who} respondent without a usable weight ({int(bad.sum())} such row(s))",
                             row=int(frame["source_row"].iloc[k]), column=column, value=cells.iloc[k],
                             fix="give every respondent a weight of 0 or more (a number), or leave `weight_column:` "
                                 "out for unweighted results")
    if weights.sum() <= 0:
        raise InputFileError(raw.path, f"every {who} weight is 0", column=column,
                             fix="give the respondents their weights, or leave `weight_column:` out")
    return weights


def attach_weights(raw, clean: CleanSide, column: str | None) -> CleanSide:
    """The clean side with its respondents' weights (column WEIGHT), read from `column` of the raw
    file; unchanged when column is None. Only the used rows' weights are checked."""
    if not column:
        return clean
    frame = clean.frame.assign(**{WEIGHT: read_weights(raw, clean.frame, column, clean.side)})
    return dataclasses.replace(clean, frame=frame)
