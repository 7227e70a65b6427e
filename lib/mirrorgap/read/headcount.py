"""The headcount file: how many employees were invited per unit (× segment group × wave).

Every row is used or refused with the file, row, column, value and fix; a unit of the survey that
the file lacks, or a unit in the file that the survey lacks, is an error too (a response rate
against the wrong denominator is worse than none)."""
from __future__ import annotations

import pandas as pd

from mirrorgap.config.params import HeadcountSpec
from mirrorgap.errors import InputFileError
from mirrorgap.read.readers import read_survey

KEYS = ("unit", "group", "wave")


def read_headcount(spec: HeadcountSpec) -> pd.DataFrame:
    """The invited counts as a frame (unit, group, wave, invited); group / wave are None when the
    file has no such column."""
    raw = read_survey(spec.input, side="headcount")
    frame, path = raw.frame, raw.path
    cols = {"unit": spec.unit_column, "invited": spec.invited_column, "group": spec.segment_column,
            "wave": spec.wave_column}
    for key, col in cols.items():
        if col and col not in frame.columns:
            raise InputFileError(path, f"no column {col!r} (the headcount's {key} column)", column=col,
                                 fix=f"name the column in `headcount: {key if key != 'group' else 'segment'}_column:` "
                                     f"as the file spells it; the file has {', '.join(map(str, frame.columns))}")
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        record = dict(zip(frame.columns, row))
        at = int(raw.source_rows[i])
        value = record[spec.invited_column]
        try:
            invited = float(str(value).replace(",", ".").strip())
        except ValueError:
            invited = float("nan")
        if not (invited == invited and invited == int(invited)) or invited < 0:
            problem = "a negative number invited" if invited == invited and invited < 0 else "not a whole number"
            raise InputFileError(path, problem, row=at, column=spec.invited_column, value=value,
                                 fix="write the number of employees invited as a whole number, 0 or more")
        unit = record[spec.unit_column]
        if pd.isna(unit) or not str(unit).strip():
            raise InputFileError(path, "a row without a unit", row=at, column=spec.unit_column, value=None,
                                 fix="give every row its unit, spelt as in the employee survey")
        rows.append({"unit": str(unit).strip(), "invited": int(invited),
                     "group": str(record[spec.segment_column]).strip() if spec.segment_column else None,
                     "wave": str(record[spec.wave_column]).strip() if spec.wave_column else None, "row": at})
    out = pd.DataFrame(rows, columns=[*KEYS, "invited", "row"])
    dup = out.duplicated(list(KEYS), keep="first")
    if dup.any():
        first = out[dup].iloc[0]
        raise InputFileError(path, "the same unit (× group × wave) twice", row=int(first.row), column=spec.unit_column,
                             value=first.unit, fix="keep one row per unit (× group × wave)")
    out.attrs["path"] = str(path)
    return out


def check_against(headcount: pd.DataFrame, responded: pd.DataFrame, *, path: str, column: str) -> None:
    """Refuse a headcount that does not fit the survey: a unit missing on either side, or fewer invited
    than answered. responded: (unit, group, wave, n) counted from the employee rows."""
    known = set(headcount["unit"])
    for unit in sorted(set(responded["unit"]) - known):
        raise InputFileError(path, "a unit of the employee survey has no headcount", column=column, value=unit,
                             fix="add a row with the number invited to this unit")
    for unit in sorted(known - set(responded["unit"])):
        raise InputFileError(path, "a unit that the employee survey does not have", column=column, value=unit,
                             fix="spell the unit as the employee survey does, or remove the row")
    keys = [k for k in KEYS if headcount[k].notna().any()]
    merged = responded.groupby(keys, dropna=False)["n"].sum().reset_index().merge(headcount, on=keys, how="left")
    over = merged[merged["invited"].notna() & (merged["n"] > merged["invited"])]
    if len(over):
        r = over.iloc[0]
        raise InputFileError(path, f"fewer invited ({int(r.invited)}) than answered ({int(r.n)})", row=int(r.row),
                             column=column, value=r.unit, fix="correct the number invited (it counts everyone asked)")
