"""The whole survey's scores per respondent, as measures of their own: each index, each stage of the
employee journey, each of the 5 I's and each customer touchpoint.

A respondent's score of such a *step* is the mean POMP (0–100) of the step's questions they answered
(an index needs at least half of its questions answered, `MIN_SHARE_ANSWERED`; a step one). The
report's whole-survey tables (`analyse.questions`) and the anonymised aggregates (`aggregate.build`)
read the same scores, so the dashboard's stage, I, touchpoint and index figures are the report's, and
the aggregates count each score value like an answer value — suppressed and audited like any item
(`analyse.disclosure`). Scores are rounded to 6 decimals so that equal means are one value.

A step with more possible scores than a 0–10 answer has values (`MAX_EXACT_VALUES`, 11) is scored on
the 10-point grid (`SCORE_GRID`: each respondent's score rounded to 0, 10, … 100, a tie to the even
ten) — in the report and the aggregates alike, so the dashboard and the report show the same figure.
Why: the audit protects every value count of a small group, and a score with many rare values (the
demo's 5-question engagement index can take 41, 25 of them given in 2026) is pinned value by value
through chains of hidden cells that rare values cannot close, which costs whole units and departments
as complements (7 of 18 employee groups in 2026 where an item costs 2). On the grid the index costs
what an eNPS question costs (2). This is *global recoding*, the statistical offices' non-perturbative
disclosure control for a continuous variable before it is tabulated. The price: a respondent's score
moves by at most 5 points, and a mean by what the rounding does not cancel — on the demo at most 1.0
points for a whole wave, 1.6 for a unit (ties to the even ten: rounding them up moved the engagement
index by 2.3). The step's questions (their α, ω and drivers) are untouched.

A score measure is named "<kind>:<key>" (kinds `KINDS`; question and item ids cannot hold a colon).
"""
from __future__ import annotations

import math
import weakref
from dataclasses import replace

import numpy as np
import pandas as pd

from mirrorgap.config.params import FIVE_IS, JOURNEY_STAGES, Engagement
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.estimators import pomp

__all__ = ["KINDS", "MAX_EXACT_VALUES", "MIN_SHARE_ANSWERED", "SCORE_GRID", "ScoreSpec", "answers_needed", "on_grid", "score_grid",
           "score_specs", "scored_side", "step_grid", "step_scores"]

MIN_SHARE_ANSWERED = 0.5  # a respondent gets an index score when they answered at least this share of its questions
KINDS = ("index", "stage", "five_i", "touchpoint")
DECIMALS = 6
SCORE_GRID = 10.0  # POMP points: the grid of a step with many possible scores
MAX_EXACT_VALUES = 11  # a step with at most this many possible scores (a 0–10 answer's) keeps them exact


def answers_needed(n_questions: int, min_share: float) -> int:
    """How many of a step's questions a respondent must answer to get its score."""
    return max(1, math.ceil(min_share * n_questions))


def on_grid(scores, grid: float | None):
    """Scores rounded to multiples of `grid`, a tie to the even multiple (None: as they are); NaN stays
    NaN. Ties to the even multiple, not up: a 5-question index's many scores of 45, 55, 65… would
    otherwise all move up and its mean with them."""
    if grid is None:
        return scores
    return np.round(np.asarray(scores, dtype=float) / grid) * grid


def score_grid(scales: list[tuple[float, float]], min_answered: int) -> float | None:
    """The grid a step's scores are given on: `SCORE_GRID` when its questions' scales allow more than
    `MAX_EXACT_VALUES` scores, else None (exact)."""
    return SCORE_GRID if len(score_values(scales, min_answered)) > MAX_EXACT_VALUES else None


def step_grid(clean: CleanSide, ids: list[str], *, min_share: float = 0.0) -> float | None:
    """`score_grid` of a step of a cleaned side (its questions' and mirror items' scales)."""
    scales = {q.id: (q.scale.min, q.scale.max) for q in clean.questions}
    scales |= {i.id: (clean.scales[i.id].min, clean.scales[i.id].max) for i in clean.items}
    return score_grid([scales[i] for i in ids], answers_needed(len(ids), min_share))


def step_scores(rows: pd.DataFrame, ids: list[str], *, min_share: float = 0.0, grid: float | None = None) -> pd.Series:
    """Per respondent the mean POMP over the answered questions of `ids` (rows hold POMP scores);
    NaN with none answered (or, with `min_share`, fewer than that share of them). Rounded to 6 decimals,
    then to `grid` (`step_grid`) when given."""
    answered = rows[ids].notna().sum(axis=1)
    means = rows[ids].mean(axis=1, skipna=True).where(answered >= answers_needed(len(ids), min_share)).round(DECIMALS)
    return means if grid is None else pd.Series(on_grid(means, grid), index=means.index)


def _spec(kind: str, key: str, ids: list[str], scales: list, need: int = 1) -> dict:
    return {"measure": f"{kind}:{key}", "kind": kind, "key": key, "questions": ids, "min_answered": need,
            "grid": score_grid(scales, need)}


ScoreSpec = dict  # {"measure", "kind", "key", "questions", "min_answered", "grid"}


def score_specs(engagement: Engagement, side: str) -> list[ScoreSpec]:
    """The score measures of one side, in display order: indices (params order), then the employee
    journey's stages and the 5 I's (their fixed order), or the customer touchpoints (first appearance:
    mirror items, then questions). Each names its questions and how many must be answered."""
    questions = engagement.side_questions(side)
    scales = {i.id: getattr(i, f"{side}_scale") for i in engagement.analysed_items}
    scales |= {q.id: q.scale for q in questions}

    def spec(kind, key, ids, need=1):
        return _spec(kind, key, ids, [(scales[i].min, scales[i].max) for i in ids], need)

    out = []
    for index in engagement.indices:
        ids = [q.id for q in questions if q.index == index.id]
        if ids:
            out.append(spec("index", index.id, ids, answers_needed(len(ids), MIN_SHARE_ANSWERED)))
    if side == "employee":
        for kind, keys in (("stage", JOURNEY_STAGES), ("five_i", FIVE_IS)):
            for key in keys:
                ids = [q.id for q in questions if getattr(q, kind, None) == key]
                if ids:
                    out.append(spec(kind, key, ids))
    else:
        steps: dict[str, list[str]] = {}
        for item in engagement.analysed_items:
            if item.touchpoint:
                steps.setdefault(item.touchpoint, []).append(item.id)
        for q in questions:
            if getattr(q, "touchpoint", None):
                steps.setdefault(q.touchpoint, []).append(q.id)
        out += [spec("touchpoint", tp, ids) for tp, ids in steps.items()]
    return out


def _pomp_rows(clean: CleanSide) -> pd.DataFrame:
    """The side's questions and mirror items on POMP (0–100)."""
    cols = {}
    for q in clean.questions:
        cols[q.id] = pomp(clean.frame[q.id], q.scale.min, q.scale.max)
    for item in clean.items:
        scale = clean.scales[item.id]
        cols[item.id] = pomp(clean.frame[item.id], scale.min, scale.max)
    return pd.DataFrame(cols, index=clean.frame.index)


_CACHE: dict[int, tuple[weakref.ref, dict]] = {}  # id(frame) -> (the frame, its scored sides by engagement)


def scored_side(clean: CleanSide, engagement: Engagement) -> CleanSide:
    """The side with one column per score measure (`score_specs`) added to its frame (POMP, NaN where
    the respondent has no score). The same object for the same frame and params (cached), so that the
    suppression decision made for it is made once per run."""
    specs = score_specs(engagement, clean.side)
    if not specs or all(s["measure"] in clean.frame for s in specs):
        return clean
    key = tuple((s["measure"], tuple(s["questions"]), s["min_answered"], s["grid"]) for s in specs)
    held = _CACHE.get(id(clean.frame))
    if held is None or held[0]() is not clean.frame:
        held = _CACHE[id(clean.frame)] = (weakref.ref(clean.frame), {})
        weakref.finalize(clean.frame, _CACHE.pop, id(clean.frame), None)
    if key not in held[1]:
        rows = _pomp_rows(clean)
        scores = {s["measure"]: step_scores(rows, s["questions"], min_share=MIN_SHARE_ANSWERED
                                            if s["kind"] == "index" else 0.0, grid=s["grid"]).to_numpy(dtype=float)
                  for s in specs}
        frame = pd.concat([clean.frame, pd.DataFrame(scores, index=clean.frame.index)], axis=1)
        held[1][key] = replace(clean, frame=frame)
    return held[1][key]


def score_measures(clean: CleanSide) -> list[str]:
    """The score measures a (scored) side's frame holds."""
    return [c for c in clean.frame.columns if isinstance(c, str) and c.split(":", 1)[0] in KINDS and ":" in c]


def score_values(scales: list[tuple[float, float]], min_answered: int) -> np.ndarray:
    """Every exact score a respondent can have on a step whose questions have these native scales
    (whole answer values) when at least `min_answered` are answered: the means of their POMP values."""
    sums = {(0, 0.0)}
    for lo, hi in scales:
        points = [(v - lo) / (hi - lo) * 100 for v in range(int(lo), int(hi) + 1)]
        sums = sums | {(k + 1, s + p) for k, s in sums for p in points}
    return np.unique(np.round([s / k for k, s in sums if k >= min_answered], DECIMALS))
