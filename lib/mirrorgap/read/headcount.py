"""The headcount file: how many employees were invited, per unit and/or department, optionally per wave.

Every row is used or refused with the file, row, column, value and fix. A group of the employee survey
that the file lacks, or a group with more respondents than invited, is an error naming the group: a
response rate against the wrong denominator, or a finite-population correction from it, is worse than
none. A group in the file without respondents is fine (nobody answered there).
"""
from __future__ import annotations

import pandas as pd

from mirrorgap.config.params import HeadcountSpec
from mirrorgap.errors import InputFileError
from mirrorgap.read.readers import read_survey
from mirrorgap.read.recode import BLANK, _as_text

__all__ = ["KEYS", "read_headcount", "check_against", "keys_of"]

KEYS = ("wave", "unit", "group")  # the columns of the headcount frame besides `invited` and `row`


def keys_of(spec: HeadcountSpec) -> list[str]:
    """The keys the headcount counts by, of KEYS."""
    return [k for k, col in zip(KEYS, (spec.wave_column, spec.unit_column, spec.segment_column)) if col]


def _invited(value) -> int | None:
    """A whole number of invited employees ≥ 0 (text with spaces or a decimal comma accepted), else None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number == int(number) and number >= 0 else None


def read_headcount(spec: HeadcountSpec) -> pd.DataFrame:
    """The invited counts: one row per (wave, unit, group) the file has, columns KEYS (None where the
    file has no such column), `invited` and `row` (the spreadsheet row, for messages)."""
    raw = read_survey(spec.input, side="headcount")
    frame, path = raw.frame, raw.path
    present = [str(c) for c in frame.columns]
    named = {"invited_column": spec.invited_column, "unit_column": spec.unit_column,
             "segment_column": spec.segment_column, "wave_column": spec.wave_column}
    for key, col in named.items():
        if col and col not in present:
            raise InputFileError(path, f"the headcount file has no column {col!r}", column=col,
                                 row=raw.skip_rows + 1,
                                 fix=f"set `headcount: {key}:` to the column as the file spells it; "
                                     f"columns found: {', '.join(map(repr, present))}")
    texts = {k: _as_text(frame[col]) for k, col in zip(KEYS, (spec.wave_column, spec.unit_column,
                                                               spec.segment_column)) if col}
    rows = []
    for i in range(len(frame)):
        at = int(raw.source_rows[i])
        value = frame[spec.invited_column].iloc[i]
        invited = _invited(value)
        if invited is None:
            raise InputFileError(path, "the number invited is not a whole number of 0 or more", row=at,
                                 column=spec.invited_column, value=value,
                                 fix="write how many employees were invited as a whole number (0 or more)")
        record = {"invited": invited, "row": at}
        for key, text in texts.items():
            group = text.iloc[i]
            col = named[{"wave": "wave_column", "unit": "unit_column", "group": "segment_column"}[key]]
            if group is None or pd.isna(group):
                raise InputFileError(path, f"a headcount row without its {key}", row=at, column=col, value=None,
                                     fix=f"give every row its {key}, spelt as in the employee survey")
            record[key] = group
        rows.append(record)
    out = pd.DataFrame(rows, columns=[*KEYS, "invited", "row"]).astype({"invited": "int64", "row": "int64"})
    keys = keys_of(spec)
    dup = out.duplicated(keys, keep="first")
    if dup.any():
        first = out[dup].iloc[0]
        raise InputFileError(path, f"the same {' × '.join(keys)} twice", row=int(first.row),
                             value=" × ".join(str(first[k]) for k in keys),
                             fix=f"keep one row per {' × '.join(keys)} (add the numbers up)")
    out.attrs["path"] = str(path)
    return out


def check_against(headcount: pd.DataFrame, employees: pd.DataFrame, spec: HeadcountSpec, *,
                  wave: str | None = None) -> pd.DataFrame:
    """Refuse a headcount that does not fit one wave's used employee rows; return the wave's invited and
    responded counts per (unit, group) of the headcount (`responded` 0 where nobody answered).

    employees: the clean employee rows of `wave` (all rows when the side has no waves), with `unit` and
    the segment column as the reader gives them. wave: the wave these rows are (for a headcount per wave).
    Errors: a wave without a headcount; a group of the survey that the headcount lacks (respondents
    without a value — "(blank)" — belong to no group and count only in the total); more respondents
    than invited in a group, or in all.
    """
    path = headcount.attrs.get("path", spec.input.path)
    keys = [k for k in keys_of(spec) if k != "wave"]
    invited = headcount
    if spec.wave_column:
        invited = headcount[headcount["wave"] == wave]
        if invited.empty:
            raise InputFileError(path, f"wave {wave!r} of the employee survey has no headcount", value=wave,
                                 column=spec.wave_column, fix="add the wave's rows to the headcount file")
    source = {"unit": "unit", "group": spec.segment}
    respondents = pd.DataFrame({k: employees[source[k]].astype("object") for k in keys}, index=employees.index)
    stated = ~respondents.isin([BLANK]).any(axis=1) & respondents.notna().all(axis=1)
    responded = respondents[stated].groupby(keys, sort=False).size().rename("responded").reset_index()
    merged = responded.merge(invited[[*keys, "invited", "row"]], on=keys, how="left")
    in_wave = f" in wave {wave!r}" if wave is not None else ""
    missing = merged[merged["invited"].isna()]
    if len(missing):
        first = missing.iloc[0]
        group = " × ".join(f"{source[k]} {first[k]!r}" for k in keys)
        raise InputFileError(path, f"the employee survey has respondents in {group}{in_wave}, which the headcount "
                                   f"lacks ({len(missing)} such group(s))", value=str(first[keys[-1]]),
                             fix="add a row with the number invited, the group spelt as in the employee survey")
    over = merged[merged["responded"] > merged["invited"]]
    if len(over):
        first = over.iloc[0]
        group = " × ".join(f"{source[k]} {first[k]!r}" for k in keys)
        raise InputFileError(path, f"fewer invited ({int(first.invited)}) than answered ({int(first.responded)}) "
                                   f"in {group}{in_wave}", row=int(first.row), column=spec.invited_column,
                             value=int(first.invited), fix="correct the number invited: it counts everyone asked")
    if len(employees) > invited["invited"].sum():
        raise InputFileError(path, f"fewer invited in all ({int(invited['invited'].sum())}) than answered "
                                   f"({len(employees)}){in_wave}", column=spec.invited_column,
                             fix="correct the numbers invited: they count everyone asked, in every unit and department")
    out = invited.drop(columns=["wave"]).merge(responded, on=keys, how="left").fillna({"responded": 0})
    return out.astype({"responded": "int64"}).reset_index(drop=True)
