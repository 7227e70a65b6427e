"""The whole survey, not only the mirror: indices, the measured journeys and the 5 I's scorecard from
the side-only questions (`questions:` in the params).

- **Indices** (`indices:`; a question joins one with `index:`). A respondent's index score is the mean
  POMP (0–100) of the index's questions they answered, when they answered at least half of them
  (`MIN_SHARE_ANSWERED`); else they have no score. Per index: the mean with its t-interval, in total and
  per unit and segment of that side, and the index's reliability (Cronbach's α with Feldt's interval,
  McDonald's ω from a one-factor model; `stats.reliability`) on the respondents who answered every
  question of it.
- **The journeys measured.** The employee journey by stage (introduction, expectations, feedback,
  development, ideas) from the employee questions given a `stage`; the customer journey by touchpoint
  from the customer questions and the customers' mirror items given a `touchpoint`. Per step, every
  respondent who answered one of its questions gets the mean POMP of those; the step's score is the mean
  of those with its t-interval. (The tenure-band proxy, `journeys.employee_journey_table`, stays.)
- **The 5 I's scorecard.** The employee questions given a `five_i` area, scored like a journey step;
  next to each I the share of eNPS its questions explain (their relative weights in
  `drivers.question_drivers_table`, % of R²) and a focus score, (100 − score) × that share: how much
  room there is to improve where it matters for eNPS. The I's with the highest focus lead the action
  plan (`actions.ground_actions`).

**Anonymity.** Employee figures are never shown from fewer than `analysis.min_n` respondents: a total
under min_n is hidden; an index's total and breakdowns per unit and segment are hidden exactly as the
anonymised aggregates hide the index's score measure (`disclosure.side_decision`: complements, then
the attacker's audit over every table of the wave — total, one-way, unit × segment, respondents —
value by value, the pool jointly with the waves), and respondents without a group value ("not
stated") are always hidden; a hidden group shows no n either.
Reliability is given for the total only. Customer figures are shown as they are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mirrorgap.analyse.disclosure import TOTAL_KEY, report_decision
from mirrorgap.analyse.group_design import RowsDesign, rows_design
from mirrorgap.analyse.journeys import touchpoint_label
from mirrorgap.analyse.scores import MIN_SHARE_ANSWERED, step_grid, step_scores
from mirrorgap.config.params import FIVE_IS, JOURNEY_STAGES, Engagement
from mirrorgap.config.texts import section
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.estimators import pomp
from mirrorgap.stats.reliability import reliability
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["FIVE_I_COLUMNS", "INDEX_COLUMNS", "JOURNEY_MEASURED_COLUMNS", "MIN_SHARE_ANSWERED", "five_i_table",
           "index_scores", "index_table", "journey_measured_table", "question_label", "question_rows"]

TOTAL = {"customer": "(all customers)", "employee": "(all employees)"}  # the total row's group, per side
INDEX_COLUMNS = ["side", "index", "label", "by", "group", "n_questions", "questions", "n", "mean", "ci_low",
                 "ci_high", "n_complete", "alpha", "alpha_ci_low", "alpha_ci_high", "omega", "suppressed"]
JOURNEY_MEASURED_COLUMNS = ["side", "step", "label", "n_questions", "questions", "n", "mean", "ci_low", "ci_high",
                            "suppressed"]
FIVE_I_COLUMNS = ["i", "label", "n_questions", "questions", "n", "mean", "ci_low", "ci_high", "driver_pct",
                  "focus", "focus_rank", "suppressed"]
_FIGURES = ("n", "mean", "ci_low", "ci_high")


def question_label(question, language: str) -> str:
    """A question's label in the engagement language (else English, else its id)."""
    return question.label.get(language) or question.label.get("en") or question.id


def question_rows(clean: CleanSide, wave: str | None) -> pd.DataFrame:
    """The side's respondents in one wave (all when wave is None), the side-only questions and the
    mirror items on POMP (0–100), with the grouping columns."""
    frame = clean.frame.copy()
    for q in clean.questions:
        frame[q.id] = pomp(frame[q.id], q.scale.min, q.scale.max)
    for item in clean.items:
        scale = clean.scales[item.id]
        frame[item.id] = pomp(frame[item.id], scale.min, scale.max)
    if wave is not None and "wave" in frame:
        frame = frame[frame["wave"].astype(str) == str(wave)]
    return frame.reset_index(drop=True)


def _step_scores(clean: CleanSide, rows: pd.DataFrame, ids: list[str], *, min_share: float = 0.0) -> pd.Series:
    """Each respondent's score of a step: one definition, `analyse.scores` (on its grid where it has one)."""
    return step_scores(rows, ids, min_share=min_share, grid=step_grid(clean, ids, min_share=min_share))


def _summary(scores: pd.Series, conf: float, design: RowsDesign, population: int | None = None) -> dict:
    """n, mean and t-interval of the scores (indexed by row of `question_rows`), weighted and corrected
    by the side's design (`group_design`)."""
    m = design.summary(scores, conf=conf, population=population)
    return {"n": m.n, "mean": m.mean, "ci_low": m.ci_low, "ci_high": m.ci_high}


def _hide(row: dict) -> dict:
    row.update({k: np.nan for k in _FIGURES}, suppressed=True)
    return row


def _indices(engagement: Engagement, side: str) -> dict[str, list[str]]:
    """Index id -> its question ids on one side, in params order (indices without questions there left out)."""
    out: dict[str, list[str]] = {}
    for index in engagement.indices:
        ids = [q.id for q in engagement.side_questions(side) if q.index == index.id]
        if ids:
            out[index.id] = ids
    return out


def index_scores(clean: CleanSide, engagement: Engagement, *, wave: str | None = None) -> pd.DataFrame:
    """Per respondent of the side (in `wave`; None = all rows) the score of each of its indices on POMP
    (one column per index id; NaN where fewer than half of the index's questions were answered)."""
    rows = question_rows(clean, wave)
    return pd.DataFrame({index: _step_scores(clean, rows, ids, min_share=MIN_SHARE_ANSWERED)
                         for index, ids in _indices(engagement, clean.side).items()}, index=rows.index)


def _group_columns(clean: CleanSide) -> list[tuple[str, str]]:
    """(by, frame column) of the side's breakdowns: the unit, then every segment column."""
    out = [("unit", "unit")] if "unit" in clean.frame.columns else []
    return out + [(c, c) for c in clean.segments if c in clean.frame.columns]


def index_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                wave: str | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every index of either side (indices.csv, columns `INDEX_COLUMNS`): per index a total row
    (by "", group "(all customers)" / "(all employees)") with the reliability, then one row per unit and per segment group.

    customer, employee: the cleaned sides. engagement: indices, questions, language, analysis.min_n and
    alpha. wave: None = all rows. Employee cells from too few respondents are hidden as the module says.
    headcount: the employees' headcount. Means are weighted (Kish's n_eff in the interval) and the
    employees' corrected for the finite population — the total by the wave's invited count, a unit or
    department by its own (`group_design`). α and ω are unweighted (the respondents' own consistency).
    """
    a, lang = engagement.analysis, engagement.language
    conf = 1 - a.alpha
    not_stated = section(lang, "units")["not_stated"]
    labels = {x.id: x.label.get(lang) or x.id for x in engagement.indices}
    rows = []
    for clean in (customer, employee):
        side_rows = question_rows(clean, wave)
        design = rows_design(clean, engagement, wave, headcount=headcount)
        for index, ids in _indices(engagement, clean.side).items():
            scores = _step_scores(clean, side_rows, ids, min_share=MIN_SHARE_ANSWERED)
            base = {"side": clean.side, "index": index, "label": labels[index], "n_questions": len(ids),
                    "questions": ", ".join(ids)}
            rel = reliability(side_rows[ids].to_numpy(dtype=float), conf=conf)
            total = {**base, "by": "", "group": TOTAL[clean.side], **_summary(scores, conf, design, design.population()),
                     "n_complete": rel.n,
                     "alpha": rel.alpha, "alpha_ci_low": rel.alpha_ci_low, "alpha_ci_high": rel.alpha_ci_high,
                     "omega": rel.omega, "suppressed": False}
            decided = report_decision(clean, engagement, wave) if clean.side == "employee" else None
            measure = f"index:{index}"
            if hidden_for(clean.side, total["n"], a.min_n) or (
                    decided is not None and decided[1].cell_hidden(decided[0], measure, TOTAL_KEY)):
                total = _hide(total)
                total.update(n_complete=np.nan, alpha=np.nan, alpha_ci_low=np.nan, alpha_ci_high=np.nan,
                             omega=np.nan)
            rows.append(total)
            for by, column in _group_columns(clean):
                groups = side_rows[column].astype("object")
                groups = groups.where(groups.notna(), not_stated).map(str)
                order = list(dict.fromkeys(engagement.side(clean.side).tenure_order
                                           if column == engagement.side(clean.side).tenure_column else []))
                order = [g for g in order if g in set(groups)] + sorted(set(groups) - set(order) - {not_stated})
                order += [not_stated] if not_stated in set(groups) else []
                counts = pd.Series({g: int(scores[groups == g].notna().sum()) for g in order}, dtype=int)
                hidden = (pd.Series({g: decided[1].cell_hidden(decided[0], measure, (by, g, None, None))
                                     for g in order}, dtype=bool) if decided is not None
                          else pd.Series(False, index=counts.index))
                for g in order:
                    population = None if g == not_stated else design.population(by, g)
                    row = {**base, "by": by, "group": g, **_summary(scores[groups == g], conf, design, population),
                           "n_complete": np.nan,
                           "alpha": np.nan, "alpha_ci_low": np.nan, "alpha_ci_high": np.nan, "omega": np.nan,
                           "suppressed": False}
                    rows.append(_hide(row) if hidden[g] else row)
    table = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    return table.astype({"n": "Int64", "n_complete": "Int64", "suppressed": bool})


def _employee_steps(employee: CleanSide, engagement: Engagement, attribute: str, keys, *,
                    wave: str | None, headcount: pd.DataFrame | None) -> list[tuple[str, list[str], dict]]:
    """The employee questions grouped by `attribute` (`stage`, `five_i`), one group per key of `keys` that
    some question carries, in that order, each scored as a journey step: (key, its question ids, its
    figures n_questions, questions, n, mean, ci_low, ci_high, suppressed). Weighted and corrected by the
    wave's invited count (`headcount`); a group answered by fewer than `analysis.min_n` is hidden."""
    conf, min_n = 1 - engagement.analysis.alpha, engagement.analysis.min_n
    rows = question_rows(employee, wave)
    design = rows_design(employee, engagement, wave, headcount=headcount)
    out = []
    for key in keys:
        ids = [q.id for q in employee.questions if getattr(q, attribute, None) == key]
        if not ids:
            continue
        row = {"n_questions": len(ids), "questions": ", ".join(ids),
               **_summary(_step_scores(employee, rows, ids), conf, design, design.population()), "suppressed": False}
        out.append((key, ids, _hide(row) if hidden_for("employee", row["n"], min_n) else row))
    return out


def journey_measured_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                           wave: str | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """The journeys measured (journey_measured.csv, columns `JOURNEY_MEASURED_COLUMNS`): the employee
    journey by stage (in `JOURNEY_STAGES` order) from the employee questions with a `stage`, then the
    customer journey by touchpoint (in the order touchpoints first appear: mirror items, then
    questions) from the customer questions and mirror items with a `touchpoint`.

    Per step: respondents with at least one answer, mean POMP with its t-interval. An employee stage
    answered by fewer than `analysis.min_n` is hidden. wave: None = all rows. Weighted, and the
    employees' stages corrected by the wave's invited count (`headcount`), as in `index_table`.
    """
    a, lang = engagement.analysis, engagement.language
    conf = 1 - a.alpha
    names = section(lang, "survey")
    rows = [{"side": "employee", "step": stage, "label": names[f"stage_{stage}"], **row}
            for stage, _, row in _employee_steps(employee, engagement, "stage", JOURNEY_STAGES,
                                                 wave=wave, headcount=headcount)]
    c_rows = question_rows(customer, wave)
    c_design = rows_design(customer, engagement, wave)
    steps: dict[str, list[str]] = {}
    for item in customer.items:
        if item.touchpoint:
            steps.setdefault(item.touchpoint, []).append(item.id)
    for q in customer.questions:
        if getattr(q, "touchpoint", None):
            steps.setdefault(q.touchpoint, []).append(q.id)
    for tp, ids in steps.items():
        rows.append({"side": "customer", "step": tp, "label": touchpoint_label(tp, lang), "n_questions": len(ids),
                     "questions": ", ".join(ids), **_summary(_step_scores(customer, c_rows, ids), conf, c_design),
                     "suppressed": False})
    return pd.DataFrame(rows, columns=JOURNEY_MEASURED_COLUMNS).astype({"n": "Int64", "suppressed": bool})


def five_i_table(employee: CleanSide, engagement: Engagement, *, drivers: pd.DataFrame | None = None,
                 wave: str | None = None, headcount: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 5 I's scorecard (five_is.csv, columns `FIVE_I_COLUMNS`), one row per I that has questions,
    in the order Inspire, Involve, Inform, Instruct, Incentives.

    mean: the I's score (POMP, as a journey step). driver_pct: the summed relative weights (% of R²)
    of the I's questions for eNPS, from `drivers` (`drivers.question_drivers_table`, its employee rows;
    NaN when there is no model to read). focus: (100 − mean) × driver_pct / 100 (an I without a weight
    counts as 0), or 100 − mean when no driver weight is known at all; focus_rank 1 = where to act first. An I answered by fewer than
    `analysis.min_n` employees is hidden (and gets no focus). Scores weighted and corrected as in
    `journey_measured_table`.
    """
    names = section(engagement.language, "actions")
    weights = {}
    if drivers is not None and len(drivers):
        emp = drivers[(drivers["side"] == "employee") & drivers["weight_pct"].notna()]
        weights = dict(zip(emp["item"], emp["weight_pct"].astype(float)))
    rows = []
    for i, ids, row in _employee_steps(employee, engagement, "five_i", FIVE_IS, wave=wave, headcount=headcount):
        known = [weights[q] for q in ids if q in weights]
        # a hidden I shows no figure of its own, its driver share included
        row["driver_pct"] = float(sum(known)) if known and not row["suppressed"] else np.nan
        rows.append({"i": i, "label": names[i], **row})
    table = pd.DataFrame(rows, columns=FIVE_I_COLUMNS)
    room = 100.0 - table["mean"].astype(float)
    if table["driver_pct"].notna().any():  # an I whose questions are not in the model counts as weight 0
        table["focus"] = room * table["driver_pct"].astype(float).fillna(0.0) / 100.0
    else:
        table["focus"] = room
    table["focus_rank"] = table["focus"].rank(ascending=False, method="min").astype("Int64")
    return table.astype({"n": "Int64", "suppressed": bool})
