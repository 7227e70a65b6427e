"""An attacker with only what the aggregates publish — read with `aggregate.store` as the dashboard
reads them — tries to recover the suppressed employee groups value by value.

It is written from the published rows alone (not from the library's audit): per side × measure (and
the waves with their pool when a pool is published) it sets up every published table as equations
over the hidden counts — each one-way table adds up to the total, each crossed unit × segment table to
its one-way margins, a pool to its waves, and every cell's answers plus its non-answers to its
respondents (published or hidden themselves) — with counts whole and ≥ 0, and bounds each hidden
count by linear programming, with the integer program where the LP's optimum is fractional (HiGHS).

A judge holding the raw rows counts what it recovered of the small groups (1 to min_n − 1 answers or
respondents): a count of an answer value the group has, its number of answers or respondents, pinned
to one number; or its answers narrowed to a single value although no published group containing it
shows only that value. The counter must be 0 on the current suppression; on the old suppression
(line rules and the linear audit only) and on primary suppression only it is not.
"""
from __future__ import annotations

import itertools

import highspy
import numpy as np
import pandas as pd
import pytest

from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
from mirrorgap.aggregate.store import ALL, RESPONDENTS, read_aggregates, write_aggregates
from mirrorgap.aggregate.views import AggregateViews, Filters
from mirrorgap.analyse import disclosure
from mirrorgap.analyse.pipeline import load_side
from mirrorgap.analyse.scores import scored_side
from mirrorgap.config.params import load_engagement, parse_engagement
from mirrorgap.config.paths import PARAMS_DIR
from test_units import clean_side

TOL = 1e-6


# ------------------------------------------------------------------------------------------------
# the attacker

def possible_scores(scales, min_answered: int, grid: float | None = None) -> list[float]:
    """Every score a respondent can have on a step (an index, stage, I or touchpoint) whose questions
    have these scales, answering at least `min_answered` of them, as published: on the meta's `grid`
    (rounded to its multiples, ties to even) where it gives one. The attacker's own enumeration."""
    options = [[None] + [(v - lo) / (hi - lo) * 100 for v in range(int(lo), int(hi) + 1)] for lo, hi in scales]
    out = set()
    for answers in itertools.product(*options):
        given = [a for a in answers if a is not None]
        if len(given) >= max(1, min_answered):
            score = round(sum(given) / len(given), 6)
            out.add(score if grid is None else round(score / grid) * grid)  # round(): ties to even
    return sorted(out)


def test_the_attackers_grid_is_what_a_many_valued_score_publishes():
    """The engagement index (5 questions 1–5, 3 answered at least): 41 exact scores, 11 on the grid; a
    two-question stage keeps its 9."""
    assert len(possible_scores([(1, 5)] * 5, 3)) == 41
    assert possible_scores([(1, 5)] * 5, 3, 10.0) == [float(v) for v in range(0, 101, 10)]
    assert possible_scores([(1, 5)] * 2, 1, None) == [v * 12.5 for v in range(9)]

class Publication:
    """What the aggregates publish of one side and measure over some waves (a pool is the wave ALL):
    the cells, the published counts of the shown ones and the published respondents."""

    def __init__(self, counts: pd.DataFrame, meta: dict, side: str, measure: str, waves: list[str]):
        part = counts[(counts["side"] == side) & counts["wave"].isin(waves)]
        key = ["wave", "dimension", "group", "dimension2", "group2"]
        part = part.assign(dimension2=part["dimension2"].fillna(""), group2=part["group2"].fillna(""))
        self.side, self.measure, self.waves, self.meta = side, measure, waves, meta
        rows = part[part["measure"] == measure]
        self.cells = list(dict.fromkeys(map(tuple, rows[key].itertuples(index=False))))
        self.shown = {}
        for k, g in rows.groupby(key, sort=False):
            if not g["suppressed"].any():
                self.shown[k] = dict(zip(g["value"].astype(float), g["count"].astype(int)))
        heads = part[(part["measure"] == RESPONDENTS) & ~part["suppressed"]]
        self.respondents = {k: int(g["count"].sum()) for k, g in heads.groupby(key, sort=False)}
        self.values = self._values()
        self.shown = {k: {self.snap(v): c for v, c in shown.items()} for k, shown in self.shown.items()}

    def snap(self, value: float) -> float:
        """The attacker's possible value a published (or true) value is: scores are means rounded to 6
        decimals, which two roundings may leave an ulp apart."""
        j = int(np.argmin(np.abs(np.asarray(self.values) - value)))
        assert abs(self.values[j] - value) < 1e-6, (self.measure, value)
        return self.values[j]

    def _values(self) -> list[float]:
        """The answer values the attacker allows: the item's scale as the meta gives it (NPS 0–10)."""
        if self.measure == RESPONDENTS:
            return [1.0]
        if self.measure == "nps":
            return [float(v) for v in range(11)]
        score = next((s for s in self.meta.get("scores", {}).get(self.side, []) if s["measure"] == self.measure), None)
        if score is not None:  # an index, stage, I or touchpoint: every mean of its questions' POMP values
            return [float(v) for v in possible_scores(score["scales"], score["min_answered"], score.get("grid"))]
        question = next((q for q in self.meta.get("questions", {}).get(self.side, []) if q["id"] == self.measure), None)
        if question is not None:
            scale = question["scale"]
        else:
            scale = next(i for i in self.meta["items"] if i["id"] == self.measure)[f"{self.side}_scale"]
        return [float(v) for v in range(int(scale["min"]), int(scale["max"]) + 1)]

    def sums(self) -> list[tuple[tuple, list[tuple]]]:
        """(parent, children) as the layout of the tables says: the total of each one-way table, each
        one-way group of the crossed cells in its row or column, each pooled cell of its waves.
        A cell not written in a wave holds nobody there."""
        cells, out = set(self.cells), []
        dims = self.meta["dimensions"][self.side]
        for wave in self.waves:
            total = (wave, ALL, ALL, "", "")
            for dim in dims:
                out.append((total, [c for c in self.cells if c[0] == wave and c[1] == dim and c[3] == ""]))
            for d1, d2 in self.meta["crossings"][self.side]:
                crossed = [c for c in self.cells if c[0] == wave and c[1] == d1 and c[3] == d2]
                for g in {c[2] for c in crossed}:
                    out.append(((wave, d1, g, "", ""), [c for c in crossed if c[2] == g]))
                for g in {c[4] for c in crossed}:
                    out.append(((wave, d2, g, "", ""), [c for c in crossed if c[4] == g]))
        if ALL in self.waves:
            for c in self.cells:
                if c[0] == ALL:
                    out.append((c, [(w,) + c[1:] for w in self.waves if w != ALL and (w,) + c[1:] in cells]))
        return [(p, ch) for p, ch in out if p in cells and ch]


class Attack:
    """The attacker's integer program over one publication: x[cell, value] for hidden cells, the
    respondents r[cell] where hidden, and the non-answers m[cell] of every cell."""

    def __init__(self, pub: Publication):
        self.pub = pub
        self.index: dict[tuple, int] = {}
        items = pub.measure != RESPONDENTS
        for c in pub.cells:
            if c not in pub.shown and items:
                for v in pub.values:
                    self._var(("x", c, v))
            if c not in pub.respondents:
                self._var(("r", c))
            if items:
                self._var(("m", c))
        rows, rhs = [], []

        def add(terms):  # Σ sign · quantity = 0 over (sign, quantity) terms
            coef, const = {}, 0.0
            for sign, q in terms:
                for j, value in self.expr(q):
                    if j is None:
                        const += sign * value
                    else:
                        coef[j] = coef.get(j, 0.0) + sign * value
            if coef:
                rows.append(coef)
                rhs.append(-const)

        for parent, children in pub.sums():
            quantities = [("r",)] + ([("m",)] + [("x", v) for v in pub.values] if items else [])
            for q in quantities:
                add([(-1, (parent, q))] + [(1, (ch, q)) for ch in children])
        if items:
            for c in pub.cells:
                add([(1, (c, ("x", v))) for v in pub.values] + [(1, (c, ("m",))), (-1, (c, ("r",)))])
        self.rows, self.rhs = rows, rhs
        self.model = self._model(integer=False)
        self.integer_model = None
        self.solves = 0

    def _var(self, name) -> None:
        self.index[name] = len(self.index)

    def expr(self, q) -> list[tuple[int | None, float]]:
        """A quantity (cell, ("x", v) | ("r",) | ("m",)) as [(variable or None for a constant, coefficient)]."""
        cell, what = q
        if what[0] == "r":
            if self.pub.measure == RESPONDENTS and cell in self.pub.shown:
                return [(None, float(sum(self.pub.shown[cell].values())))]
            if cell in self.pub.respondents:
                return [(None, float(self.pub.respondents[cell]))]
            return [(self.index[("r", cell)], 1.0)]
        if what[0] == "m":
            return [(self.index[("m", cell)], 1.0)]
        if cell in self.pub.shown:
            return [(None, float(self.pub.shown[cell].get(what[1], 0)))]
        return [(self.index[("x", cell, what[1])], 1.0)]

    def _model(self, *, integer: bool):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # one model, many objectives: each solve starts from the last basis
        n = len(self.index)
        for _ in range(n):
            h.addVar(0, highspy.kHighsInf)
        if integer:
            h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
        for coef, b in zip(self.rows, self.rhs):
            idx = np.array(list(coef), dtype=np.int32)
            h.addRow(b, b, len(idx), idx, np.array(list(coef.values())))
        return h

    def bound(self, quantity_terms, sense: int) -> float:
        """max (sense 1) or min (−1) of a sum of quantities over whole-number tables."""
        c, const = np.zeros(len(self.index)), 0.0
        for q in quantity_terms:
            for j, value in self.expr(q):
                if j is None:
                    const += value
                else:
                    c[j] += value
        if not c.any():
            return const
        for integer in (False, True):
            if integer and self.integer_model is None:
                self.integer_model = self._model(integer=True)
            h = self.integer_model if integer else self.model
            h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense > 0 else highspy.ObjSense.kMinimize)
            h.changeColsCost(len(c), np.arange(len(c), dtype=np.int32), c)
            h.run()
            self.solves += 1
            status = h.getModelStatus()
            if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
                return sense * np.inf
            assert status == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(status)
            x = np.asarray(h.getSolution().col_value)
            if integer or np.all(np.abs(x - np.rint(x)) < TOL):
                return float(c @ np.rint(x)) + const
        raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------------------
# the judge

def truth(clean, key: tuple, measure: str) -> tuple[dict[float, int], int]:
    """(answers per value, respondents) of a cell, from the raw rows."""
    wave, dim, group, dim2, group2 = key
    frame = clean.frame if wave == ALL else clean.frame[clean.frame["wave"] == wave]
    if dim != ALL:
        frame = frame[frame[dim] == group]
    if dim2:
        frame = frame[frame[dim2] == group2]
    if measure == RESPONDENTS:
        return {1.0: len(frame)}, len(frame)
    counts = frame[measure].dropna().value_counts()
    return {float(v): int(n) for v, n in counts.items()}, len(frame)


def containing(pub: Publication, key: tuple) -> list[tuple]:
    """The published cells whose group contains the cell's (the total, and a crossed cell's margins)."""
    wave, dim, group, dim2, group2 = key
    out = [(wave, ALL, ALL, "", "")]
    if dim2:
        out += [(wave, dim, group, "", ""), (wave, dim2, group2, "", "")]
    return [c for c in out if c in pub.shown and c != key]


def recovered_figures(counts: pd.DataFrame, meta: dict, clean, *, min_n: int, waves: list[str],
                      measures=None) -> list[tuple]:
    """Every figure of a small hidden group the attacker pins, over the measures of a side (all of them
    unless `measures` names some)."""
    found = []
    for measure in measures or sorted(set(counts.loc[counts["side"] == clean.side, "measure"])):
        pub = Publication(counts, meta, clean.side, measure, waves)
        attack = None
        for key in pub.cells:
            if key in pub.shown and measure != RESPONDENTS or key in pub.respondents and measure == RESPONDENTS:
                continue
            answers, size = truth(clean, key, measure)
            answers = {pub.snap(v): c for v, c in answers.items()}
            n = sum(answers.values())
            if not (0 < n < min_n or 0 < size < min_n):
                continue
            attack = attack or Attack(pub)
            figures = []
            if measure != RESPONDENTS:
                figures += [(f"value {v}", [(key, ("x", v))], c) for v, c in answers.items() if c > 0]
                if n > 0:
                    figures.append(("answers", [(key, ("x", v)) for v in pub.values], n))
            if key not in pub.respondents and 0 < size < min_n:
                figures.append(("respondents", [(key, ("r",))], size))
            for name, terms, true in figures:  # pinned: neither above nor below the truth is possible
                if attack.bound(terms, 1) <= true + TOL and attack.bound(terms, -1) >= true - TOL:
                    found.append((clean.side, measure, key, name, true))
            present = [v for v, c in answers.items() if c > 0]
            if measure != RESPONDENTS and len(present) == 1:
                shown_values = [{v for v, c in pub.shown[p].items() if c > 0} for p in containing(pub, key)]
                if all(len(s) >= 2 for s in shown_values):
                    others = [(key, ("x", v)) for v in pub.values if v != present[0]]
                    if attack.bound(others, 1) < 1 - TOL:
                        found.append((clean.side, measure, key, f"single answer {present[0]}", n))
    return found


def attack_run(counts: pd.DataFrame, meta: dict, sides, *, min_n: int, measures=None) -> list[tuple]:
    """The attacker on a run's aggregates: each wave on its own, and all waves with the pool when a
    pool is published."""
    found = []
    for clean in sides:
        waves = meta["waves"][clean.side] or [ALL]
        pooled = (counts["side"] == clean.side) & (counts["wave"] == ALL)
        groups = [waves + [ALL]] if pooled.any() and waves != [ALL] else [[w] for w in waves]
        for group in groups:
            found += recovered_figures(counts, meta, clean, min_n=min_n, waves=group, measures=measures)
    return found


def published(engagement, customer, employee, tmp_path):
    """The aggregates as a dashboard reads them: written, then read back with the store."""
    folder = write_aggregates(build_aggregates(engagement, customer, employee),
                              aggregate_meta(engagement, customer, employee, run_id="attack"), tmp_path)
    return read_aggregates(folder)


@pytest.fixture
def old_suppression(monkeypatch):
    """The suppression before the attacker's audit: primary, line rules and the linear audit."""
    from mirrorgap.stats.suppression import Protection

    def no_audit(tables, hidden, **_):
        return Protection(hidden=np.asarray(hidden, dtype=bool), added=[], audited=0, solves=0)

    monkeypatch.setattr(disclosure, "protect_linked", no_audit)
    disclosure._CACHE.clear()
    yield
    disclosure._CACHE.clear()


# ------------------------------------------------------------------------------------------------
# engagements

def random_engagement(seed: int, *, waves=("2025", "2026"), pooled=False):
    """Employees in 3–4 units with small departments and tenure bands (groups of 1–4), 2 waves."""
    rng = np.random.default_rng(seed)
    eng = parse_engagement({
        "client": "Attack AB", "language": "en",
        "customer": {"input": {"path": "c.csv"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["ctype"]},
        "employee": {"input": {"path": "e.csv"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["dept", "tenure"], "nps_column": "enps"},
        "items": [{"id": "extra", "label": {"en": "Extra"}, "customer_column": "c_extra", "employee_column": "e_extra"}],
        "analysis": {"min_n": 5, **({"wave": "all"} if pooled else {})},
    })
    units = [f"U{k}" for k in range(int(rng.integers(3, 5)))]
    rows = []
    for wave in waves:
        for unit in units:
            size = int(rng.integers(8, 20))
            rows.append(pd.DataFrame({
                "wave": wave, "unit": unit,
                "dept": rng.choice(["Shop", "Sales", "Board"], size, p=[.6, .3, .1]),
                "tenure": rng.choice(["new", "mid", "old"], size, p=[.15, .5, .35]),
                "extra": rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, np.nan], size, p=[.08, .12, .25, .3, .2, .05]),
                "nps": rng.integers(0, 11, size).astype(float)}))
    emp = pd.concat(rows, ignore_index=True)
    n_c = 60 * len(units) * len(waves)
    cus = pd.DataFrame({"wave": rng.choice(list(waves), n_c), "unit": rng.choice(units, n_c),
                        "ctype": rng.choice(["Private", "Business"], n_c),
                        "extra": rng.integers(1, 6, n_c).astype(float)})
    return eng, clean_side(eng, "customer", cus), clean_side(eng, "employee", emp)


@pytest.fixture(scope="module")
def demo_sides():
    """The demo's sides with their whole-survey scores as columns (`scores.scored_side`), so that the
    judge reads the truth of every measure the aggregates count from the rows."""
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    return eng, *(scored_side(load_side(eng, side), eng) for side in ("customer", "employee"))


@pytest.fixture(scope="module")
def demo_published(demo_sides, tmp_path_factory):
    """The demo's aggregates as written and read back."""
    return published(*demo_sides, tmp_path_factory.mktemp("demo"))


# ------------------------------------------------------------------------------------------------
# the tests

def test_the_demo_aggregates_give_the_attacker_nothing(demo_sides, demo_published):
    """Every employee measure: the mirror items, eNPS, the side-only questions, the indices, stages and
    5 I's (their per-respondent scores counted value by value), the respondents."""
    eng, customer, employee = demo_sides
    counts, meta = demo_published
    attacked = set(counts.loc[counts["side"] == "employee", "measure"])
    assert {q.id for q in eng.questions.employee} <= attacked
    assert {"index:engagement", "stage:introduction", "five_i:inspire"} <= attacked
    assert attack_run(counts, meta, [employee], min_n=eng.analysis.min_n) == []


def test_the_attacker_recovers_question_figures_from_the_old_suppression(demo_sides, tmp_path, old_suppression):
    """The attacker works on the questions and the scores too: without the audit it pins some."""
    eng, customer, employee = demo_sides
    counts, meta = published(eng, customer, employee, tmp_path)
    found = attack_run(counts, meta, [employee], min_n=eng.analysis.min_n,
                       measures=[RESPONDENTS, "proud", "stage:introduction"])
    assert {f[1] for f in found} >= {"proud", "stage:introduction"}


def test_the_attacker_recovers_figures_from_the_old_suppression(demo_sides, tmp_path, old_suppression):
    eng, customer, employee = demo_sides
    counts, meta = published(eng, customer, employee, tmp_path)
    found = attack_run(counts, meta, [employee], min_n=eng.analysis.min_n, measures=[RESPONDENTS, "competence"])
    # e.g. competence 2026, Malmö × > 10 år (4 people): its one answer "2", and that it has 4 answers
    malmo = ("2026", "unit", "Malmö Bulltofta", "anstallningstid", "> 10 år")
    assert ("employee", "competence", malmo, "value 2.0", 1) in found
    assert ("employee", "competence", malmo, "answers", 4) in found


@pytest.mark.parametrize("seed", range(8))
def test_random_engagements_give_the_attacker_nothing(seed, tmp_path):
    eng, customer, employee = random_engagement(seed)
    counts, meta = published(eng, customer, employee, tmp_path)
    assert attack_run(counts, meta, [customer, employee], min_n=5) == []


def test_the_attacker_recovers_figures_from_primary_suppression_only(tmp_path, monkeypatch):
    from mirrorgap.stats.suppression import Protection

    def no_audit(tables, hidden, **_):
        return Protection(hidden=np.asarray(hidden, dtype=bool), added=[], audited=0, solves=0)

    monkeypatch.setattr(disclosure, "protect_linked", no_audit)
    monkeypatch.setattr(disclosure, "_line_rules", lambda lay, answers, min_n: ~lay.published | (answers < min_n))
    disclosure._CACHE.clear()
    found = []
    for seed in range(3):
        eng, customer, employee = random_engagement(seed)
        counts, meta = published(eng, customer, employee, tmp_path / str(seed))
        found += attack_run(counts, meta, [employee], min_n=5)
    disclosure._CACHE.clear()
    assert len(found) > 10


@pytest.mark.parametrize("seed", range(3))
def test_pooled_waves_give_the_attacker_nothing(seed, tmp_path):
    eng, customer, employee = random_engagement(100 + seed, pooled=True)
    counts, meta = published(eng, customer, employee, tmp_path)
    assert (counts["wave"] == ALL).any()  # the pool is published, next to the waves
    views = AggregateViews(counts, meta)
    assert views.waves() == ["2025", "2026", ALL]  # and a dashboard offers it
    assert views.gap_table(Filters(wave=ALL))["employee_n"].notna().all()
    assert attack_run(counts, meta, [employee], min_n=5) == []


def test_the_demo_pooled_run_gives_the_attacker_nothing(demo_sides, tmp_path):
    """Both waves and their pool at once: the headcount and the planted blind spot's item (the attack
    on all thirteen measures takes minutes; the random pooled engagements above attack every measure)."""
    eng, customer, employee = demo_sides
    eng = eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"wave": "all"})})
    counts, meta = published(eng, customer, employee, tmp_path)
    assert (counts["wave"] == ALL).any()
    assert attack_run(counts, meta, [employee], min_n=eng.analysis.min_n,
                      measures=[RESPONDENTS, "extra_mile", "proud", "index:engagement"]) == []


def test_no_count_of_a_suppressed_cell_is_written(demo_published):
    counts, _ = demo_published
    hidden = counts[counts["suppressed"]]
    assert len(hidden) and hidden["count"].isna().all() and hidden["value"].isna().all()
    key = ["side", "wave", "dimension", "group", "dimension2", "group2", "measure"]
    assert (hidden.groupby(key, dropna=False).size() == 1).all()  # one marker row per cell: no count by rows


# ------------------------------------------------------------------------------------------------
# the report's index tables (issue 13): per unit and segment, per wave and pooled, with the total

def index_table_attack(tables: dict, groups_by: list[str], index: str = "engagement") -> list[tuple]:
    """An attacker with the report's employee index tables of several publications (`tables`: wave ->
    `questions.index_table` rows, the key "pool" for the pooled run) bounds each hidden group's n and
    sum of scores (n × mean) by LP: per table and breakdown the groups add up to the total; a pooled
    group is the sum of its waves; 1 ≤ n (a listed group has someone), 0 ≤ sum ≤ 100 n. Returns
    (table, by, group, what) for every n or sum pinned to one number."""
    from scipy.optimize import linprog

    var, bounds = {}, []

    def v(name):
        if name not in var:
            var[name] = len(var)
            bounds.append((1, None) if name[-1] == "n" else (0, None))
        return var[name]

    rows = {}
    for table, frame in tables.items():
        part = frame[(frame["side"] == "employee") & (frame["index"] == index)]
        total = part[part["by"] == ""].iloc[0]
        rows[table] = part
        for by in groups_by:
            for r in part[(part["by"] == by) & part["suppressed"]].itertuples():
                v((table, by, r.group, "n")), v((table, by, r.group, "s"))
    eq, rhs, ub, ub_rhs = [], [], [], []

    def quantity(table, by, r, what):  # (coefficients, constant) of a group's n or sum
        if r.suppressed:
            return {var[(table, by, r.group, what)]: 1.0}, 0.0
        return {}, float(r.n) if what == "n" else float(r.n) * float(r.mean)

    for table, part in rows.items():
        total = part[part["by"] == ""].iloc[0]
        for by in groups_by:
            for what in ("n", "s"):
                coef, const = {}, 0.0
                for r in part[part["by"] == by].itertuples():
                    c, k = quantity(table, by, r, what)
                    for j, x in c.items():
                        coef[j] = coef.get(j, 0.0) + x
                    const += k
                if coef:
                    eq.append(coef)
                    rhs.append((float(total["n"]) if what == "n" else float(total["n"]) * float(total["mean"])) - const)
            for r in part[(part["by"] == by) & part["suppressed"]].itertuples():
                ub.append({var[(table, by, r.group, "s")]: 1.0, var[(table, by, r.group, "n")]: -100.0})
                ub_rhs.append(0.0)
    if "pool" in rows:
        waves = [t for t in rows if t != "pool"]
        for by in groups_by:
            for r in rows["pool"][rows["pool"]["by"] == by].itertuples():
                for what in ("n", "s"):
                    coef, const = {}, 0.0
                    c, k = quantity("pool", by, r, what)
                    coef.update(c)
                    const += k
                    for w in waves:
                        match = rows[w][(rows[w]["by"] == by) & (rows[w]["group"] == r.group)]
                        for m in match.itertuples():
                            c, k = quantity(w, by, m, what)
                            for j, x in c.items():
                                coef[j] = coef.get(j, 0.0) - x
                            const -= k
                    if coef:
                        eq.append(coef)
                        rhs.append(-const)
    if not var:
        return []

    def dense(rows_):
        out = np.zeros((len(rows_), len(var)))
        for i, coef in enumerate(rows_):
            for j, x in coef.items():
                out[i, j] = x
        return out

    a_eq, a_ub = dense(eq), dense(ub)
    found = []
    for name, j in var.items():
        c = np.zeros(len(var))
        c[j] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=rhs, A_ub=a_ub, b_ub=ub_rhs, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=rhs, A_ub=a_ub, b_ub=ub_rhs, bounds=bounds, method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        if hi.status == 0 and -hi.fun - lo.fun < 1e-6:
            found.append(name)
    return found


def test_the_reports_index_tables_give_the_attacker_no_hidden_n_or_sum(demo_sides):
    """Each wave's index per unit and segment, and the pooled run's, differenced against each other and
    the totals: no hidden group's n or sum of scores is pinned (they are hidden as the audited
    aggregates hide the index measure, which publish more than these tables)."""
    from mirrorgap.analyse.questions import index_table

    eng, customer, employee = demo_sides
    pooled = eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"wave": "all"})})
    tables = {w: index_table(customer, employee, eng, wave=w) for w in ("2025", "2026")}
    tables["pool"] = index_table(customer, employee, pooled, wave=None)
    by = ["unit", *eng.employee.segment_columns]
    assert any(t["suppressed"].any() for t in tables.values())
    assert index_table_attack(tables, by) == []


def test_the_index_table_attacker_pins_a_lone_hidden_group():
    """The attacker itself: one hidden group in a breakdown gives its n and sum away."""
    frame = pd.DataFrame({"side": "employee", "index": "engagement", "by": ["", "unit", "unit", "unit"],
                          "group": ["all", "A", "B", "C"], "n": [20, 8, 9, 3], "mean": [50.0, 40.0, 60.0, np.nan],
                          "suppressed": [False, False, False, True]})
    assert set(index_table_attack({"2026": frame}, ["unit"])) == {("2026", "unit", "C", "n"), ("2026", "unit", "C", "s")}
