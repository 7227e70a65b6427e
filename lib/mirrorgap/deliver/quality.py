"""The data-quality ledger as the client's deliverables show it (quality.json, the report's and the
deck's quality tables, the workbook's quality sheets): every count of the ledger, except those that
would give the size of an employee group too small to show. Those are None ("för få svar").

What is hidden on the employee side, by the one small-group rule (`stats.small_groups`):
- rows in and rows used, when the side, or one of its waves, is under `min_n` (rows used is the sum of
  the waves' respondents, so a shown total minus the shown waves would give a hidden wave back; rows
  in is rows used plus the rows left out, which are shown);
- an answered column's valid answers and its blanks, when its answers in any wave are under `min_n`
  or the rows are hidden (valid + the missing answers = rows in, so the blanks go with them).

The rows left out are listed by their place in the file and their reason, without the respondent
id (an employee id names a person), and the input file by its name, not the consultant's path.

The consultant's own view of the ledger (`make check`) keeps every count: it never leaves the machine.
"""
from __future__ import annotations

from pathlib import PurePath

import numpy as np
import pandas as pd

from mirrorgap.analyse.pipeline import Results
from mirrorgap.read.ledger import MISSING_REASONS
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["client_ledger", "missing_totals"]

_OUTCOME_COLUMNS = {"nps": "nps", "enps": "nps"}  # ledger names of the outcome questions → clean columns


def _wave_codes(frame) -> np.ndarray | None:
    """Each row's wave as a code (a missing wave a code of its own); None for a side without waves.
    Made once per side: grouping a million rows by the wave again for every column cost seconds."""
    if "wave" not in frame:
        return None
    return pd.factorize(frame["wave"], use_na_sentinel=False)[0]


def _per_wave(frame, waves: np.ndarray | None, column: str | None = None) -> list[int]:
    """Respondents (or answers to `column`) in each wave of a side's clean rows (`waves`: `_wave_codes`);
    one number without waves."""
    answered = np.ones(len(frame), dtype=bool) if column is None else frame[column].notna().to_numpy()
    if waves is None:
        return [int(answered.sum())]
    return [int(v) for v in np.bincount(waves, weights=answered)] or [0]


def _hidden(side: str, counts: list[int], min_n: int) -> bool:
    return any(hidden_for(side, n, min_n) for n in counts)


def client_ledger(results: Results) -> dict[str, dict]:
    """Both sides' ledgers (`SideLedger.to_dict`) with the counts that would show a hidden group's size
    set to None: rows_in, rows_used, and per column valid and missing["blank"]; left-out rows without
    their respondent ids, the file by its name (see the module docstring)."""
    min_n = results.engagement.analysis.min_n
    out = {}
    for clean in (results.customer, results.employee):
        ledger = clean.ledger.to_dict()
        ledger["file"] = PurePath(ledger["file"]).name
        ledger["excluded"] = [{k: v for k, v in row.items() if k != "respondent_id"} for row in ledger["excluded"]]
        frame = clean.frame
        waves = _wave_codes(frame)
        rows_hidden = _hidden(clean.side, _per_wave(frame, waves), min_n)
        if rows_hidden:
            ledger["rows_in"] = ledger["rows_used"] = None
        for column in ledger["columns"]:
            name = _OUTCOME_COLUMNS.get(column["name"], column["name"])
            if rows_hidden or (name in frame and _hidden(clean.side, _per_wave(frame, waves, name), min_n)):
                column["valid"] = None
                column["missing"] = {**column["missing"], "blank": None}
        out[clean.side] = ledger
    return out


def missing_totals(ledger: dict) -> dict[str, int]:
    """Answers set to missing per reason, summed over a side's columns (a hidden count is left out)."""
    return {r: sum(c["missing"][r] for c in ledger["columns"] if c["missing"][r] is not None) for r in MISSING_REASONS}
