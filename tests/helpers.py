"""Small builders shared by the tests: a raw survey from a DataFrame, a tiny engagement, and the
demo engagement analysed or aggregated."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mirrorgap.config.params import parse_engagement
from mirrorgap.read.readers import RawSurvey


def raw_survey(frame: pd.DataFrame, *, path="survey.csv", decimal=".", skip_rows=0, user_missing=None) -> RawSurvey:
    """A RawSurvey as a reader would return it for a file whose header is on row skip_rows + 1."""
    frame = frame.reset_index(drop=True)
    return RawSurvey(frame=frame, source_rows=np.arange(len(frame)) + skip_rows + 2, path=Path(path),
                     format="csv", encoding="utf-8", delimiter=";", decimal=decimal, skip_rows=skip_rows,
                     sheet=None, column_labels={}, value_labels={}, user_missing=user_missing or {})


def engagement(**overrides):
    """A two-item engagement; keyword overrides replace top-level sections."""
    data = {
        "client": "Test AB", "language": "sv",
        "customer": {"input": {"path": "c.csv"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["seg"], "nps_column": "nps", "answer_labels": {"Delvis": 3},
                     "dont_know": ["Vet ej"]},
        "employee": {"input": {"path": "e.xlsx"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["dept"], "nps_column": "enps", "dont_know": [9]},
        "items": [
            {"id": "extra", "label": {"sv": "Gör det lilla extra"}, "customer_column": "c1", "employee_column": "e1"},
            {"id": "stress", "label": {"sv": "Personalen verkar stressad"}, "customer_column": "c2",
             "employee_column": "e2", "reversed": True},
        ],
    }
    data.update(overrides)
    return parse_engagement(data)


def raked_weights(frame: pd.DataFrame, margins: dict, *, rounds: int = 200) -> pd.Series:
    """Weights that rake `frame`'s rows to population `margins` ({column: {group: count or share}}),
    by iterative proportional fitting written out here with pandas, independently of
    `mirrorgap.stats.raking`: the reference the demo's weighted customers are checked against (the
    demo rakes each wave's customers to `rake_to: Kundtyp` in params/demo.yaml). Scaled to sum to the
    number of rows; indexed like `frame`."""
    keys = {column: frame[column].astype(str) for column in margins}
    targets = {column: pd.Series(margin, dtype=float) / sum(margin.values()) for column, margin in margins.items()}
    w = pd.Series(1.0, index=frame.index)
    for _ in range(rounds):
        for column, key in keys.items():
            w = w * key.map(targets[column] / (w.groupby(key).sum() / w.sum()))
        if all(((w.groupby(key).sum() / w.sum()) - targets[column]).abs().max() < 1e-12 for column, key in keys.items()):
            return w * len(w) / w.sum()
    raise AssertionError("the reference raking did not converge")


def kish(weights) -> float:
    """Kish's effective n, (Σw)²/Σw², written out."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum())


def demo_results(**analysis):
    """The demo engagement analysed with every insight table, as a run makes it (analysis overrides
    allowed); its segments include the department Ledning (3–4 employees), suppressed with a complement."""
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import analyse, load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR

    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    if analysis:
        eng = eng.model_copy(update={"analysis": eng.analysis.model_copy(update=analysis)})
    return add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))


def demo_aggregates():
    """The demo engagement's clean sides and their anonymised aggregates with the views on them, as a
    dashboard gets them: engagement, customer, employee, counts, meta, views."""
    from types import SimpleNamespace

    from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
    from mirrorgap.aggregate.views import AggregateViews
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR

    engagement = load_engagement(PARAMS_DIR / "demo.yaml")
    customer, employee = load_side(engagement, "customer"), load_side(engagement, "employee")
    counts = build_aggregates(engagement, customer, employee)
    meta = aggregate_meta(engagement, customer, employee, run_id="20261123-101500")
    return SimpleNamespace(engagement=engagement, customer=customer, employee=employee, counts=counts, meta=meta,
                           views=AggregateViews(counts, meta))
