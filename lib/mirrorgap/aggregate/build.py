"""Anonymised aggregates: answer counts per side × wave × measure × group — the only thing a
client-facing view reads.

Counts are kept for every answer value, so every figure a view shows (means, CIs, top box, gaps, NPS,
distributions) is computed from them with the same functions the report uses. Groups too small to
show are suppressed here, before anything is written: their rows carry `suppressed=True` and no value
and no count — not even how many they are. Which cells are hidden is `analyse.disclosure.decide`:
primary and complementary suppression, then an attacker's audit over all tables of a side × wave ×
measure at the level of each answer value (see that module for the rules). Waves are published one
by one; when the run pools them (`analysis.wave: all`), the pool is written too as wave "all",
audited jointly with the single waves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.aggregate.store import ALL, COLUMNS, RESPONDENTS
from mirrorgap.aggregate.weighted import (
    WEIGHT_COLUMNS,
    fitted_per_wave,
    invited_per_group,
    side_weight_sums,
    weights_meta,
)
from mirrorgap.analyse import disclosure
from mirrorgap.analyse.disclosure import Decision, crossings, dimensions, measures, side_decision
from mirrorgap.analyse.journeys import touchpoint_label
from mirrorgap.analyse.scores import score_specs, scored_side
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.read.headcount import read_headcount
from mirrorgap.read.recode import CleanSide, waves_of

__all__ = ["aggregate_meta", "build_aggregates", "crossings", "decision", "dimensions", "measures"]


assert disclosure.RESPONDENTS == RESPONDENTS  # one name for the headcount measure, decided and stored


def pooled(engagement: Engagement) -> bool:
    """Whether the run publishes its waves pooled next to the single waves."""
    return engagement.analysis.wave == "all"


def decision(engagement: Engagement, clean: CleanSide) -> Decision:
    """The suppression decision the aggregates of a side are written with."""
    return side_decision(clean, engagement, pooled=pooled(engagement))


def _cell_keys(lay) -> np.ndarray:
    """cells × (dimension, group, dimension2, group2) as the aggregates write them: the total's
    dimension and group are ALL."""
    keys = np.empty((len(lay.keys), 4), dtype=object)
    for cell, (dim, group, dim2, group2) in enumerate(lay.keys):
        keys[cell] = (dim or ALL, ALL if dim is None else group, dim2, group2)
    return keys


def _side_columns(clean: CleanSide, engagement: Engagement) -> tuple[list[dict], bool]:
    """A side's count rows as column blocks, one per wave × measure: each published cell's answer
    values with a count (cell by cell, values in order), or one suppressed row for a hidden cell; with
    Σw and Σw² (NaN where not written: `aggregate.weighted`). And whether the side is weighted."""
    d = decision(engagement, clean)
    sums = side_weight_sums(engagement, clean, d)
    blocks = []
    measured = measures(scored_side(clean, engagement))
    for wave, lay in d.layouts.items():
        cells = np.flatnonzero(lay.published)
        keys = _cell_keys(lay)[cells]
        for measure in measured:
            values, counts, hidden = d.values[(wave, measure)], d.counts[(wave, measure)], d.hidden[(wave, measure)]
            n_values = len(values)
            hidden_here = hidden[cells]
            # column 0: the hidden cell's one row; then the shown cell's values with a count
            take = np.concatenate([hidden_here[:, None], (counts[cells, :n_values] > 0) & ~hidden_here[:, None]],
                                  axis=1)
            row, col = np.nonzero(take)
            shown = col > 0
            value_col = np.where(shown, col - 1, 0)
            block = {"keys": keys[row], "wave": ALL if wave is None else wave, "measure": measure,
                     "value": np.where(shown, np.asarray(values, dtype=float)[value_col] if n_values else np.nan,
                                       np.nan),
                     "count": np.where(shown, counts[cells[row], value_col], 0), "suppressed": ~shown}
            written = None if sums is None else sums.get((wave, measure))
            for name, k in (("weight", 0), ("weight2", 1)):
                block[name] = (np.full(len(row), np.nan) if written is None
                               else np.where(shown, written[k][cells[row], value_col], np.nan))
            blocks.append(block)
    return blocks, sums is not None


def build_aggregates(engagement: Engagement, customer: CleanSide, employee: CleanSide) -> pd.DataFrame:
    """All answer counts of both sides, suppressed. Both sides follow the same rule: no client sees a
    group of fewer than min_n people, whoever they are. In a weighted run (either side), Σw and Σw²
    beside each count (`aggregate.weighted`), NaN on a suppressed row and on an unweighted side's."""
    blocks, weighted, sides = [], False, []
    for clean in (customer, employee):
        side_blocks, side_weighted = _side_columns(clean, engagement)
        blocks += side_blocks
        sides += [clean.side] * len(side_blocks)
        weighted |= side_weighted
    sizes = [len(b["value"]) for b in blocks]
    keys = np.concatenate([b["keys"] for b in blocks]) if blocks else np.empty((0, 4), dtype=object)

    def repeated(values: list) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), sizes) if blocks else np.empty(0, dtype=object)

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate([b[name] for b in blocks]).astype(dtype) if blocks else np.empty(0, dtype=dtype)

    suppressed = joined("suppressed", bool)
    columns = {"side": repeated(sides), "wave": repeated([b["wave"] for b in blocks]),
               "dimension": keys[:, 0], "group": keys[:, 1], "dimension2": keys[:, 2], "group2": keys[:, 3],
               "measure": repeated([b["measure"] for b in blocks]), "value": joined("value", float),
               "count": pd.arrays.IntegerArray(joined("count", np.int64), suppressed),
               "suppressed": suppressed}
    if weighted:
        columns |= {name: joined(name, float) for name in WEIGHT_COLUMNS}
    return pd.DataFrame(columns, columns=COLUMNS + (WEIGHT_COLUMNS if weighted else []))


def score_meta(engagement: Engagement, side: str) -> list[dict]:
    """The score measures of a side (`scores.score_specs`) with their label in the engagement
    language and each question's native scale, so a view computes and names them from the counts."""
    lang = engagement.language
    names = {"stage": section(lang, "survey"), "five_i": section(lang, "actions")}
    index_labels = {x.id: x.label.get(lang) or x.id for x in engagement.indices}
    scales = {i.id: getattr(i, f"{side}_scale") for i in engagement.analysed_items}
    scales |= {q.id: q.scale for q in engagement.side_questions(side)}
    out = []
    for spec in score_specs(engagement, side):
        kind, key = spec["kind"], spec["key"]
        label = (index_labels[key] if kind == "index" else names["stage"][f"stage_{key}"] if kind == "stage"
                 else names["five_i"][key] if kind == "five_i" else touchpoint_label(key, lang))
        out.append({**spec, "label": label,
                    "scales": [[scales[q].min, scales[q].max] for q in spec["questions"]]})
    return out


def aggregate_meta(engagement: Engagement, customer: CleanSide, employee: CleanSide, *, run_id: str) -> dict:
    """What a view needs besides the counts: items and scales, the analysis settings, waves, groups;
    with a headcount in the params, the employees invited per wave (`populations`: the headcount is
    not secret), so that the views apply the report's finite-population correction to the whole
    company's employee figures."""
    meta = {
        "client": engagement.client, "language": engagement.language, "run_id": run_id,
        "items": [i.model_dump(mode="json") for i in engagement.analysed_items],
        "analysis": engagement.analysis.model_dump(mode="json"),
        "waves": {c.side: waves_of(c) for c in (customer, employee)},
        "dimensions": {c.side: dimensions(engagement, c.side) for c in (customer, employee)},
        "crossings": {c.side: [list(x) for x in crossings(engagement, c.side)] for c in (customer, employee)},
        "groups": {c.side: {d: sorted(c.frame[d].dropna().unique().tolist()) for d in dimensions(engagement, c.side)}
                   for c in (customer, employee)},
        "tenure_order": engagement.employee.tenure_order,
        "questions": {side: [q.model_dump(mode="json") for q in engagement.side_questions(side)]
                      for side in ("customer", "employee")},
        "scores": {side: score_meta(engagement, side) for side in ("customer", "employee")},
        "branding": engagement.branding.model_dump(mode="json"),
    }
    if (weights := weights_meta(engagement, [(c, decision(engagement, c)) for c in (customer, employee)])) is not None:
        meta["weights"] = weights  # the dashboard says which sides are weighted, and what is shown unweighted
    if engagement.headcount is not None:
        fitted = fitted_per_wave(engagement, employee, read_headcount(engagement.headcount))
        meta["populations"] = {"employee": invited_per_wave(fitted),
                               "employee_groups": invited_per_group(engagement, employee, fitted=fitted)}
    return meta


def invited_per_wave(fitted: dict) -> dict[str, int]:
    """The employees invited in each wave of the employee side (ALL for a side without waves), from the
    headcount fitted to each wave's respondents (`weighted.fitted_per_wave`)."""
    return {ALL if w is None else str(w): int(rows["invited"].sum()) for w, rows in fitted.items()}
