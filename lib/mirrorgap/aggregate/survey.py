"""The whole survey from the anonymised aggregates: the employee journey measured by stage, the 5 I's
scorecard, the customer journey by touchpoint and the indices, for any filter a dashboard offers.

Each step's score is a measure of the aggregates (`analyse.scores`): every respondent's mean POMP over
the step's questions they answered, counted value by value. So a step's n, mean and t-interval here
are the report's (`analyse.questions`) for the same rows — computed from counts, never from raw rows —
and a step the aggregates suppress reads as suppressed (the dashboard says "too few answers").
The 5 I's focus and driver shares need the respondent-level eNPS model and are the report's only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.stats.estimators import mean_ci_from_summary
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["STEP_COLUMNS", "step_table"]

STEP_COLUMNS = ["side", "kind", "key", "measure", "label", "n_questions", "n", "mean", "ci_low", "ci_high",
                "suppressed"]
SIDE_OF = {"stage": "employee", "five_i": "employee", "touchpoint": "customer"}


def step_table(views: AggregateViews, filters: Filters, kind: str) -> pd.DataFrame:
    """One row per step of a kind ("stage", "five_i", "touchpoint", or "index" for both sides' indices)
    in the run's order: n (respondents with a score), mean POMP and its t-interval; suppressed rows
    have no figures. Columns `STEP_COLUMNS`."""
    conf = 1 - views.analysis.alpha
    sides = [SIDE_OF[kind]] if kind in SIDE_OF else ["customer", "employee"]
    rows = []
    for side in sides:
        for spec in views.meta.get("scores", {}).get(side, []):
            if spec["kind"] != kind:
                continue
            row = {"side": side, "kind": kind, "key": spec["key"], "measure": spec["measure"],
                   "label": spec["label"], "n_questions": len(spec["questions"])}
            summary = views.measure_summary(side, filters, spec["measure"])
            if summary is None or hidden_for(side, summary[0], views.analysis.min_n) or summary[0] == 0:
                rows.append({**row, "n": np.nan, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                             "suppressed": True})
                continue
            m = mean_ci_from_summary(*summary, conf=conf, design=views.measure_design(side, filters, spec["measure"]))
            rows.append({**row, "n": m.n, "mean": m.mean, "ci_low": m.ci_low, "ci_high": m.ci_high,
                         "suppressed": False})
    return pd.DataFrame(rows, columns=STEP_COLUMNS).astype({"n": "Float64", "suppressed": bool})
