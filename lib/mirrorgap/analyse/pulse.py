"""Pulse checks: short, frequent employee waves ("where are you on a 1–10 scale this week?") as a
time series per period (ISO week), overall and per unit or segment, with anonymity per period.

Reading (`load_pulse` → `clean_pulse`) keeps a ledger: every input row is either used or left out
with a reason (rows_in == rows_used + excluded). `pulse_series` aggregates per period.

Anonymity: in each period the groups of `by` partition that period's respondents, whose total is
shown (the group "(all)"), so each period goes through `anonymity.hidden_groups` with the total
shown (primary + complementary suppression). No figure pooled over periods per group is produced:
hidden cells of different periods share no published equation, so combining periods recovers
nothing either (tests check both with a linear-algebra attacker).

Weights (`pulse: weight_column:` and/or `rake_to:`): each period's answers are raked to the margins on
their own, and every mean and interval is a weighted one with Kish's n_eff of the group's weights
(`group_design.RowsDesign.summary`, as the sides' breakdowns); n stays the number of answers, and
suppression is decided on it.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from mirrorgap.analyse.group_design import RowsDesign, rake_frame
from mirrorgap.config.params import Engagement, PulseSpec, SideSpec
from mirrorgap.errors import InputFileError, ParamsError
from mirrorgap.read.ledger import MISSING_REASONS, ColumnLedger
from mirrorgap.read.readers import RawSurvey, read_survey
from mirrorgap.read.recode import BLANK, _as_text, _Coding, coding_for, score_column
from mirrorgap.read.weights import WEIGHT, read_weights
from mirrorgap.stats.estimators import mean_ci_from_summary, pomp
from mirrorgap.stats.small_groups import too_small
from mirrorgap.stats.suppression import TOTAL, hidden_groups

# Why a pulse row is left out (besides the score's missing reasons from `ledger.MISSING_REASONS`).
ROW_REASONS = ("no_respondent_id", "no_period", "duplicate_in_period")
SERIES_COLUMNS = ["period", "group", "n", "mean", "sd", "ci_low", "ci_high",
                  "mean_pomp", "ci_low_pomp", "ci_high_pomp", "suppressed"]

_ISO_WEEK = re.compile(r"^(\d{4})\s*-?\s*W\s*(\d{1,2})$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T].*)?$")


# ---------------------------------------------------------------------------------------------- periods

def normalise_period(value) -> str | None:
    """A period label as written in the pulse file, made consistent: "2026-w5" / "2026W05" → "2026-W05";
    a date (cell or "2026-02-03") → its ISO week; anything else kept as clean text; blank → None."""
    if isinstance(value, (_dt.date, pd.Timestamp)) and not pd.isna(value):
        year, week, _ = pd.Timestamp(value).isocalendar()
        return f"{year}-W{week:02d}"
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    m = _ISO_WEEK.match(text)
    if m:
        return f"{m.group(1)}-W{int(m.group(2)):02d}"
    if _ISO_DATE.match(text):
        try:
            return normalise_period(pd.Timestamp(text))
        except ValueError:
            return text
    return text


def period_key(period: str) -> tuple:
    """Natural sort key: numbers compare as numbers, so 2026-W5 < 2026-W12 and 2025-W52 < 2026-W01."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", str(period)) if part)


def sorted_periods(periods) -> list[str]:
    """The distinct periods in natural order."""
    return sorted(set(periods), key=period_key)


# ---------------------------------------------------------------------------------------------- reading

def _coding(spec: PulseSpec, raw: RawSurvey) -> _Coding:
    """The score column's coding, built as the sides' outcome questions are: numbers on the pulse
    scale ("10 - Mycket bra" too), the built-in don't-know labels, the file's user-missing codes."""
    as_side = SideSpec(input=spec.input, id_column=spec.id_column)  # no client labels: the pulse is numeric
    return coding_for(as_side, spec.scale, raw.decimal, raw.user_missing.get(spec.score_column, ()), outcome=True)


def _check_columns(raw: RawSurvey, spec: PulseSpec) -> None:
    wanted = [spec.id_column, spec.period_column, spec.score_column, spec.unit_column, *spec.segment_columns]
    present = [str(c) for c in raw.frame.columns]
    missing = [c for c in dict.fromkeys(wanted) if c and c not in present]
    if missing:
        raise InputFileError(raw.path, f"pulse column(s) named in the params are not in the file: {missing}",
                             row=raw.skip_rows + 1,
                             fix=f"correct the column names under `pulse:` in the params. Columns found: "
                                 f"{', '.join(present[:40])}")


def clean_pulse(raw: RawSurvey, spec: PulseSpec) -> tuple[pd.DataFrame, dict]:
    """Raw pulse answers → one row per used answer, and the ledger.

    raw: the pulse file as read by `readers.read_survey`. spec: the engagement's `pulse:` params.
    Returns (frame, ledger). frame columns: respondent_id, source_row, period, [unit], segment
    columns under their own names, score (on `spec.scale`), and WEIGHT (`read.weights`) with a
    `weight_column`. The ledger is a dict: file, rows_in,
    rows_used, excluded_by_reason (row reasons `ROW_REASONS`, then the score's `MISSING_REASONS`),
    excluded (row, respondent_id, reason), score (the score column's ColumnLedger as a dict, over
    all rows) and reader_notes (what the reader itself left out, e.g. empty lines).
    A respondent answering twice in one period keeps the first answer. Raises InputFileError for
    missing columns, when no row is usable, or for a used row without a usable weight.
    """
    _check_columns(raw, spec)
    df = raw.frame
    codes, uniques = pd.factorize(df[spec.period_column], use_na_sentinel=True)
    periods = np.array([normalise_period(u) for u in uniques] + [None], dtype=object)  # once per distinct value
    out = pd.DataFrame({"respondent_id": _as_text(df[spec.id_column]), "source_row": raw.source_rows,
                        "period": periods[codes]}, index=df.index)
    if spec.unit_column:
        out["unit"] = _as_text(df[spec.unit_column]).fillna(BLANK)
    for col in spec.segment_columns:
        out[col] = _as_text(df[col]).fillna(BLANK)
    scored = score_column(df[spec.score_column], _coding(spec, raw))
    out["score"] = scored.scores
    reason = pd.Series("", index=df.index, dtype=object)
    cell_reason = np.array([*scored.reasons, "blank"], dtype=object)[scored.codes]  # code -1 (empty) -> "blank"
    # first reason wins, in the order a consultant fixes them
    reason[out["respondent_id"].isna()] = "no_respondent_id"
    reason[(reason == "") & out["period"].isna()] = "no_period"
    no_score = (reason == "") & ~np.isfinite(out["score"].to_numpy())
    reason[no_score] = cell_reason[no_score.to_numpy()]
    # duplicates only among rows still in use: a blank first answer does not shadow a valid second one
    in_use = reason == ""
    dup = out[in_use].duplicated(["respondent_id", "period"], keep="first").reindex(out.index, fill_value=False)
    reason[dup.to_numpy(dtype=bool)] = "duplicate_in_period"

    used = (reason == "").to_numpy()
    score_ledger = ColumnLedger(name="pulse", column=spec.score_column)
    scored.count_into(score_ledger, np.ones(len(df), dtype=bool))
    left_out = out.loc[~used]
    excluded = [{"row": int(r), "respondent_id": rid, "reason": why}
                for r, rid, why in zip(left_out["source_row"], left_out["respondent_id"], reason[~used])]
    counts = Counter(e["reason"] for e in excluded)
    ledger = {"file": str(raw.path), "rows_in": len(df), "rows_used": int(used.sum()),
              "excluded_by_reason": {r: counts.get(r, 0) for r in (*ROW_REASONS, *MISSING_REASONS)},
              "excluded": excluded, "score": score_ledger.to_dict(), "reader_notes": list(raw.notes)}
    if not used.any():
        raise InputFileError(raw.path, f"no usable pulse answers ({len(df)} rows read; "
                             f"{', '.join(f'{r}: {n}' for r, n in counts.items()) or 'file has no data rows'})",
                             column=spec.score_column,
                             fix=f"check that `pulse.score_column` names the score and that `pulse.scale` "
                                 f"({spec.scale.min:g}–{spec.scale.max:g}) matches the answers")
    frame = out.loc[used].reset_index(drop=True)
    frame["score"] = frame["score"].astype(float)
    if spec.weight_column:  # only the used answers' weights are checked, as the sides' are
        frame[WEIGHT] = read_weights(raw, frame, spec.weight_column, "pulse")
    return frame, ledger


def load_pulse(engagement: Engagement) -> tuple[pd.DataFrame, dict]:
    """Read and clean the engagement's pulse file (`pulse:` in the params); see `clean_pulse`."""
    if engagement.pulse is None:
        raise ParamsError("pulse", ["the params have no `pulse:` section; add one to show a pulse time series"])
    return clean_pulse(read_survey(engagement.pulse.input, side="pulse"), engagement.pulse)


# ---------------------------------------------------------------------------------------------- series

def group_column(spec: PulseSpec, by: str) -> str:
    """The frame column for `by`: "unit" or the unit column's own name → "unit"; a segment column as is."""
    if by in ("unit", spec.unit_column) and spec.unit_column:
        return "unit"
    if by in spec.segment_columns:
        return by
    choices = (["unit"] if spec.unit_column else []) + list(spec.segment_columns)
    raise ParamsError("pulse", [f"cannot break the pulse down by {by!r}; choose one of {choices}"])


def period_design(week: pd.DataFrame, spec: PulseSpec) -> RowsDesign:
    """The design of one period's answers (rows numbered from 0): the weight column's weights, raked
    to `rake_to` within the period; no weights without either."""
    base = week[WEIGHT].to_numpy(dtype=float) if WEIGHT in week else None
    if spec.rake_to:
        return RowsDesign(weights=rake_frame(week, spec.rake_to, base=base, who="pulse"))
    return RowsDesign(weights=base)


def _stats_row(period: str, group: str, values: pd.Series, *, spec: PulseSpec, conf: float,
               hidden: bool, design: RowsDesign) -> dict:
    """One period's (or group's) figures; values: its answered scores, indexed by position in the period."""
    if design.weights is None:
        v = values.to_numpy(dtype=float)
        n = int(v.size)
        m = mean_ci_from_summary(n, v.mean() if n else math.nan, v.std(ddof=1) if n > 1 else math.nan, conf=conf)
    else:
        m = design.summary(values, conf=conf)
    row = {"period": period, "group": group, "n": m.n, "mean": m.mean, "sd": m.sd, "ci_low": m.ci_low,
           "ci_high": m.ci_high, "suppressed": hidden}
    for k in ("mean", "ci_low", "ci_high"):
        row[f"{k}_pomp"] = pomp(row[k], spec.scale.min, spec.scale.max) if np.isfinite(row[k]) else math.nan
    if hidden:  # every figure goes, n too: the exact size of a group too small to show is not shown
        row.update({k: math.nan for k in SERIES_COLUMNS if k not in ("period", "group", "suppressed")})
    return row


def pulse_series(pulse_frame: pd.DataFrame, engagement: Engagement, *, by: str | None = None) -> pd.DataFrame:
    """The pulse per period: n, mean on the pulse scale and on POMP, with t-based CIs (weighted, with
    Kish's n_eff, when the pulse has a `weight_column` or `rake_to`: see the module's docstring).

    pulse_frame: `clean_pulse`'s frame. engagement: supplies `pulse` (scale, columns),
    `analysis.alpha` and `analysis.min_n`. by: None for the total only, or "unit" / a pulse segment
    column: then per period one row per group plus the period's total (group "(all)").
    Columns: `SERIES_COLUMNS` (period, group, n, mean, sd, ci_low, ci_high, mean_pomp, ci_low_pomp,
    ci_high_pomp, suppressed), periods in natural order, groups by name within a period, the total
    first. A period's total under min_n is suppressed; so are groups that `hidden_groups` hides in
    their period (figures and n missing: `n` is a nullable integer).
    """
    spec = engagement.pulse
    if spec is None:
        raise ParamsError("pulse", ["the params have no `pulse:` section"])
    conf, min_n = 1 - engagement.analysis.alpha, engagement.analysis.min_n
    col = group_column(spec, by) if by is not None else None
    rows = []
    for period in sorted_periods(pulse_frame["period"].dropna()):
        week = pulse_frame[pulse_frame["period"] == period].reset_index(drop=True)
        design = period_design(week, spec)
        scores = week["score"][np.isfinite(week["score"].to_numpy(dtype=float))]
        rows.append(_stats_row(period, TOTAL, scores, spec=spec, conf=conf, hidden=too_small(len(scores), min_n),
                               design=design))
        if col is None:
            continue
        values = {g: v[np.isfinite(v.to_numpy(dtype=float))] for g, v in week.groupby(col, sort=True)["score"]}
        hidden = hidden_groups(pd.Series({g: v.size for g, v in values.items()}, dtype=int),
                               min_n=min_n, total_shown=True)
        for group, v in values.items():
            rows.append(_stats_row(period, str(group), v, spec=spec, conf=conf, hidden=bool(hidden[group]),
                                   design=design))
    table = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    table["suppressed"] = table["suppressed"].astype(bool)
    table["n"] = table["n"].astype("Int64")
    return table
