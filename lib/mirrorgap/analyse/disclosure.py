"""Which cells of a side's tables may be published: the one suppression decision that the anonymised
aggregates (and so the dashboard) and the report's breakdowns share.

A side's tables in one wave are its *cells*: the total, the one-way groups of the unit and of each
segment, the crossed unit × segment groups — and, never published, the respondents without a group
value ("not stated"), which a subtraction would otherwise give back. Per measure (each mirror item,
NPS, the respondents themselves) a cell holds a count per answer value and a count of respondents who
gave no answer.

The rules, in order (`stats.suppression`, `stats.audit`):
1. Primary: a cell with fewer than min_n answers is hidden; a total under min_n hides everything.
2. Lines: one-way groups get complements until the hidden ones together reach min_n
   (`hidden_groups`); crossed tables get the line rules and the linear audit (`hidden_cells`), with
   their margins fixed to what the one-way tables show.
3. The attacker's audit: over every table of the wave and measure at once, with the respondent counts
   of the cells (decided first, the same way), an attacker solving for the hidden counts value by
   value (counts whole and ≥ 0) must not pin any count a small group has, nor its number of answers or
   respondents, nor narrow its answers to a single value (`audit.Attacker`). Complements are added
   greedily until it passes.
4. Pools: when a run publishes waves pooled next to the single waves (`analysis.wave: all`), the pooled
   cells go through 1–3 together with every wave's cells as published (those stay as they are): a
   group is shown pooled only if the audit passes jointly.
5. Distributions: a published cell publishes its whole answer distribution (the views compute means,
   SDs and top box from it; with n, mean, SD and top box a 5-point distribution is known anyway), so
   the audit runs on the distributions themselves and what it proves holds for the item drill-down.
   No further rule for distributions is needed, and none would protect: a threshold for showing a
   distribution alone would hide nothing the figures shown next to it do not give away.
"""
from __future__ import annotations

import pickle
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mirrorgap.analyse.scores import score_measures, scored_side
from mirrorgap.config.cores import Forked, second_core
from mirrorgap.config.params import Engagement
from mirrorgap.read.recode import CleanSide, waves_of
from mirrorgap.stats.audit import LinkedTables, load_solver
from mirrorgap.stats.small_groups import too_small
from mirrorgap.stats.suppression import hidden_cells_array, hidden_in_partition, protect_linked, small_cells

__all__ = ["RESPONDENTS", "Decision", "Layout", "audit_waves", "crossings", "decide", "dimensions", "hidden_totals", "measures",
           "report_decision", "side_decision"]

TOTAL_KEY = (None, None, None, None)  # the key of a side's total cell in a layout
RESPONDENTS = "respondents"  # the headcount measure (the aggregates' `store.RESPONDENTS`)


def dimensions(engagement: Engagement, side: str) -> list[str]:
    """One-way breakdowns of a side: the unit, then each segment column."""
    spec = engagement.side(side)
    return (["unit"] if spec.unit_column else []) + list(spec.segment_columns)


def crossings(engagement: Engagement, side: str) -> list[tuple[str, str]]:
    """Crossed breakdowns a dashboard filters by at once: unit × each segment."""
    spec = engagement.side(side)
    return [("unit", seg) for seg in spec.segment_columns] if spec.unit_column else []


def measures(clean: CleanSide) -> list[str]:
    """What is counted: the mirror items, NPS/eNPS, the side-only questions, the whole survey's scores
    (indices, stages, 5 I's, touchpoints — when `clean` is `scores.scored_side`), and the respondents
    themselves (so a view's headcount is the report's, not the count of the most-answered question)."""
    return ([i.id for i in clean.items] + (["nps"] if "nps" in clean.frame else [])
            + [q.id for q in clean.questions] + score_measures(clean) + [RESPONDENTS])


def side_decision(clean: CleanSide, engagement: Engagement, *, pooled: bool) -> "Decision":
    """The decision for every measure of a side (its scores included: `scores.scored_side`), as the
    aggregates are written with it (cached)."""
    clean = scored_side(clean, engagement)
    return decide(clean, engagement, measures=measures(clean), respondents=RESPONDENTS, pooled=pooled)


def report_decision(employee: CleanSide, engagement: Engagement, wave: str | None = None) -> tuple:
    """(wave key, decision): the aggregates' suppression decision for the rows a report table describes —
    one wave, or all waves pooled (audited jointly with the single waves), or a side without waves.
    employee: the side's rows the table describes (`pipeline.in_wave`); wave: one of its waves, or None."""
    waves = [wave] if wave is not None else waves_of(employee)
    pooled = len(waves) >= 2
    return (None if pooled or not waves else waves[0]), side_decision(employee, engagement, pooled=pooled)


def audit_waves(clean: CleanSide, engagement: Engagement) -> None:
    """Every wave of a side audited now, together: spread over two processes when a core is idle
    (`_audit_spread`), where the run's decisions would audit them one by one as each is asked for (the
    analysed wave for the report, the others for the response rates and the aggregates). Each later
    decision on a wave's rows takes its audit from the cache (`_wave_audits`)."""
    side_decision(clean, engagement, pooled=False)


def hidden_totals(employee: CleanSide, engagement: Engagement) -> set[str]:
    """The measures (item ids, "nps", RESPONDENTS) whose total over the rows a report describes the
    aggregates hide: the report hides them too. A pooled total the report showed next to the dashboard's
    single waves would otherwise give a hidden wave back (pool − the shown waves)."""
    key, decision = report_decision(employee, engagement)
    return {m for m in measures(employee) if decision.cell_hidden(key, m, TOTAL_KEY)}


@dataclass
class Layout:
    """The cells of one side's tables over some rows, and how they add up.

    keys: per cell (dimension, group, dimension2, group2): the total is TOTAL_KEY, a one-way group
        (dim, group, None, None), a crossed group (dim, group, dim2, group2); a group None is the
        respondents without a value ("not stated"), a cell that is never published.
    member: per table (the total, each dimension, each crossing), the cell of each row.
    sums: (parent, children) — the parent's counts are its children's summed.
    tables: per table name (None for the total, a dimension, or a (dim, dim2) crossing), its cells.
    """

    keys: list[tuple]
    member: list[np.ndarray]
    sums: list[tuple[int, list[int]]]
    tables: dict = field(default_factory=dict)

    @property
    def published(self) -> np.ndarray:
        """Cells the aggregates hold (shown or marked suppressed): every cell but the not-stated ones."""
        return np.array([not ((k[0] is not None and k[1] is None) or (k[2] is not None and k[3] is None))
                         for k in self.keys])

    def count(self, codes: np.ndarray, n_columns: int) -> np.ndarray:
        """cells × columns: how many rows of each cell have each column code (codes per row, 0-based)."""
        out = np.zeros(len(self.keys) * n_columns, dtype=np.int64)
        for member in self.member:
            out += np.bincount(member * n_columns + codes, minlength=len(out))
        return out.reshape(len(self.keys), n_columns)


def layout(frame: pd.DataFrame, dims: list[str], crosses: list[tuple[str, str]]) -> Layout:
    """The cells of the tables over `frame`'s rows: groups in sorted order, a not-stated cell only
    where some row has no value."""
    keys, member, sums, tables = [TOTAL_KEY], [np.zeros(len(frame), dtype=np.int64)], [], {None: [0]}
    one_way = {}
    for dim in dims:
        codes, names = pd.factorize(frame[dim], sort=True)
        cells = list(range(len(keys), len(keys) + len(names)))
        keys += [(dim, g, None, None) for g in names]
        if (codes < 0).any():
            cells.append(len(keys))
            keys.append((dim, None, None, None))
        member.append(np.array(cells, dtype=np.int64)[np.where(codes >= 0, codes, len(cells) - 1)])
        sums.append((0, cells))
        tables[dim] = cells[:len(names)]
        one_way[dim] = (codes, list(names), cells)
    for d1, d2 in crosses:
        (c1, n1, cells1), (c2, n2, cells2) = one_way[d1], one_way[d2]
        rows, cols = len(cells1), len(cells2)  # incl. not stated, last, where present
        grid = np.arange(len(keys), len(keys) + rows * cols).reshape(rows, cols)
        keys += [(d1, n1[i] if i < len(n1) else None, d2, n2[j] if j < len(n2) else None)
                 for i in range(rows) for j in range(cols)]
        member.append(grid[np.where(c1 >= 0, c1, rows - 1), np.where(c2 >= 0, c2, cols - 1)])
        sums += [(cells1[i], grid[i].tolist()) for i in range(rows)]
        sums += [(cells2[j], grid[:, j].tolist()) for j in range(cols)]
        tables[(d1, d2)] = grid[:len(n1), :len(n2)]
    return Layout(keys=keys, member=member, sums=sums, tables=tables)


# What hiding a cell costs, per answer in it: a crossed cell is what a viewer sees least of, a one-way
# group (a unit, a department) is a filter of its own, the total is the headline.
LEVEL_COST = {"crossed": 1.0, "one_way": 25.0, "total": 1000.0}


SIZE_COST = 2.0  # a cell's respondent count (the dashboard's headcount) costs twice its answers' figures


def _cost(lay: Layout, answers: np.ndarray) -> np.ndarray:
    """Per cell what the audit pays per answer for hiding it (`LEVEL_COST`); 1 per empty cell."""
    level = np.array([LEVEL_COST["total" if k == TOTAL_KEY else "one_way" if k[2] is None else "crossed"]
                      for k in lay.keys])
    return level * np.maximum(answers, 1)


def _line_rules(lay: Layout, answers: np.ndarray, min_n: int) -> np.ndarray:
    """Hidden per cell after rules 1–2 (primary suppression and the line rules)."""
    hidden = ~lay.published | too_small(answers, min_n)
    if too_small(answers[0], min_n):
        return np.ones(len(answers), dtype=bool)
    hidden_one_way = {}  # arrays, not Series: this runs once per measure and wave (the groups are in name order)
    for name, cells in lay.tables.items():
        if name is None or isinstance(name, tuple):
            continue
        hidden_one_way[name] = hidden_in_partition(answers[cells], min_n=min_n)
        hidden[cells] = hidden_one_way[name]
    for name, grid in lay.tables.items():
        if not isinstance(name, tuple):
            continue
        d1, d2 = name
        mask = hidden_cells_array(answers[grid], min_n=min_n, row_hidden=hidden_one_way[d1],
                                  col_hidden=hidden_one_way[d2])
        hidden[grid] = mask[:-1, :-1]
    return hidden


@dataclass
class Decision:
    """The suppression decision of one side: per (wave, measure) the cells' counts and hidden state.
    The wave None stands for the side's only rows when it has no wave column, or for the pool.

    layouts: wave -> Layout; values: (wave, measure) -> the answer values of the count columns;
    counts: (wave, measure) -> cells × (values, then no answer); hidden: (wave, measure) -> per cell.
    audited, added, solves: small cells audited, complements the audit added, solver calls — of the
    audits the decision rests on, a wave's taken from the cache (`_wave_audits`) included.
    """

    layouts: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)
    audited: int = 0
    added: int = 0
    solves: int = 0

    def cell_hidden(self, wave, measure: str, key: tuple) -> bool:
        """Whether a cell (key as in `Layout.keys`) is hidden for a measure; a cell without rows is."""
        lay = self.layouts.get(wave)
        if lay is None or (wave, measure) not in self.hidden:
            return True
        try:
            return bool(self.hidden[(wave, measure)][lay.keys.index(key)])
        except ValueError:
            return True


def _codes(scores: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per row the column of its answer: the value's position, or len(values) for no answer."""
    ok = np.isfinite(scores)
    codes = np.full(len(scores), len(values), dtype=np.int64)
    codes[ok] = np.searchsorted(values, scores[ok])
    return codes


def _tables(lay: Layout, scores: np.ndarray | None, values: np.ndarray | None) -> LinkedTables:
    """The linked tables of one measure: scores None counts the respondents (one column)."""
    if scores is None:
        return LinkedTables(lay.count(np.zeros(len(lay.member[0]), dtype=np.int64), 1), lay.sums, 1)
    return LinkedTables(lay.count(_codes(scores, values), len(values) + 1), lay.sums, len(values))


class _Held:
    """The decisions this process made: per frame (while it lives) and per wave by what its audit
    reads (`_wave_content`), so that a wave audited once — in a run's decision for all its waves and
    again in the one for the analysed wave alone — is not audited again."""

    WAVES = 16  # waves' audits kept, the most recently used

    def __init__(self):
        self.frames: dict[int, tuple[weakref.ref, dict]] = {}  # id(frame) -> (the frame, its decisions)
        self.waves: OrderedDict[bytes, _WaveAudit] = OrderedDict()

    def clear(self) -> None:
        self.frames.clear()
        self.waves.clear()


_CACHE = _Held()


def decide(clean: CleanSide, engagement: Engagement, *, measures: list[str], respondents: str,
           pooled: bool, width: int = 1) -> Decision:
    """The suppression decision of a side for every wave and measure (and the pool when `pooled` and
    the side has two waves or more). measures: frame columns counted, and `respondents`, the name of
    the headcount measure (decided first: its hidden cells' respondent counts are what the items'
    audits may not learn). Cached per frame: the report's breakdowns and the aggregates ask alike;
    and per wave by its counts (`_wave_audits`)."""
    min_n = engagement.analysis.min_n
    key = (len(clean.frame), tuple(measures), respondents, pooled, width, min_n, tuple(dimensions(engagement, clean.side)),
           tuple(crossings(engagement, clean.side)))
    frames = _CACHE.frames
    held = frames.get(id(clean.frame))
    if held is None or held[0]() is not clean.frame:
        held = frames[id(clean.frame)] = (weakref.ref(clean.frame), {})
        weakref.finalize(clean.frame, frames.pop, id(clean.frame), None)
    cache = held[1]
    if key not in cache:
        cache[key] = _decide(clean, engagement, measures, respondents, pooled, width, min_n)
    return cache[key]


def _decide(clean, engagement, measures, respondents, pooled, width, min_n) -> Decision:
    frame, side = clean.frame, clean.side
    dims, crosses = dimensions(engagement, side), crossings(engagement, side)
    waves = waves_of(clean)
    decision = Decision()
    parts = {w: frame[frame["wave"] == w] for w in waves} if waves else {None: frame}
    counted = {}
    for wave, part in parts.items():
        lay = decision.layouts[wave] = layout(part, dims, crosses)
        counted[wave] = _counted(lay, part, measures, respondents)
    audits = _wave_audits([(decision.layouts[w], counted[w]) for w in parts], respondents, width, min_n)
    for wave, done in zip(parts, audits):
        _copy_audit(decision, wave, done)
    if pooled and len(waves) >= 2:
        _decide_pool(decision, frame, parts, dims, crosses, measures, respondents, width, min_n,
                     _worth_splitting(decision.audited))  # the pool audits at least its waves' small cells
    return decision


def _scores(part: pd.DataFrame, measure: str, respondents: str) -> np.ndarray | None:
    return None if measure == respondents else part[measure].to_numpy(dtype=float)


@dataclass
class _WaveAudit:
    """The decision of one wave's rows, as `_copy_audit` copies it into a `Decision`: per measure
    (values, counts, hidden), and the audit's tallies."""

    cells: dict
    audited: int = 0
    added: int = 0
    solves: int = 0


def _wave_content(lay: Layout, counted: dict, width: int, min_n: int) -> bytes:
    """Everything a wave's decision reads, as bytes: the settings, the layout's cells, sums and tables,
    and per measure (in the order decided) its values and counts. Equal bytes are equal inputs (pickle
    writes the arrays' dtypes, shapes and data), so equal bytes give the same decision; equal inputs
    pickled apart may differ in bytes, which only misses the cache."""
    return pickle.dumps((min_n, width, lay.keys, lay.sums, lay.tables,
                         [(m, values, tables.counts, tables.n_values) for m, (values, tables) in counted.items()]),
                        protocol=5)


def _counted(lay: Layout, part: pd.DataFrame, measures: list[str], respondents: str) -> dict:
    """Per measure, the respondents first, (values, linked tables) of one wave's rows."""
    counted = {}
    for measure in [respondents] + [m for m in measures if m != respondents]:
        scores = _scores(part, measure, respondents)
        values = None if scores is None else np.unique(scores[np.isfinite(scores)])
        counted[measure] = (values, _tables(lay, scores, values))
    return counted


def _wave_audits(waves: list[tuple[Layout, dict]], respondents, width, min_n) -> list[_WaveAudit]:
    """Per wave (layout, counted) its audit: taken from a decision made on the same counts
    (`_wave_content`: the same rows of a wave in another frame, in any order), else made by
    `_audit_rows` — the waves to make spread over two processes when a second core is idle, as a
    wave's audit reads nothing of another's (`_audit_spread`)."""
    contents = [_wave_content(lay, counted, width, min_n) for lay, counted in waves]
    done = {c: _CACHE.waves[c] for c in contents if c in _CACHE.waves}
    todo = {c: wave for c, wave in zip(contents, waves) if c not in done}  # equal counts audited once
    done.update(zip(todo, _audit_spread(list(todo.values()), respondents, width, min_n)))
    for content in contents:  # the most recently used last, as if the waves were decided one by one
        _CACHE.waves[content] = done[content]
        _CACHE.waves.move_to_end(content)
        while len(_CACHE.waves) > _Held.WAVES:
            _CACHE.waves.popitem(last=False)
    return [done[c] for c in contents]


def _audit_spread(waves: list[tuple[Layout, dict]], respondents, width, min_n) -> list[_WaveAudit]:
    """`_audit_rows` of each wave, in order; with two waves or more and an idle core (`second_core`),
    a forked child audits about half of them (by rows, the largest first) while this process audits
    the rest (one wave: half of its measures). Each audit is a pure function of its wave's counts, so
    the decision is the same."""
    two = _worth_splitting(sum(int(small_cells(tables, min_n=min_n).sum())
                               for _, counted in waves for _, tables in counted.values()))
    if len(waves) < 2 or not two:  # one wave: its measures split over the two (`_measure_chain`)
        return [_audit_rows(lay, counted, respondents, width, min_n, two) for lay, counted in waves]
    load_solver()  # once, before the fork, not in both processes

    load, theirs = [0, 0], []
    for k in sorted(range(len(waves)), key=lambda k: -len(waves[k][0].member[0])):
        side = int(load[1] < load[0])
        load[side] += len(waves[k][0].member[0])
        if side:
            theirs.append(k)
    child = Forked(_audit_waves, [waves[k] for k in theirs], respondents, width, min_n)
    ours = {k: _audit_rows(*waves[k], respondents, width, min_n) for k in range(len(waves)) if k not in theirs}
    ours.update(zip(theirs, child.result()))
    return [ours[k] for k in range(len(waves))]


SPLIT_FROM = 50  # small cells to audit from which a second process pays: each costs a few solver calls


def _worth_splitting(small: int) -> bool:
    """Whether audits of `small` small cells (the customers' tables have hardly any) are worth a forked
    child, its start and its answer's way back: enough of them, and a core idle (`second_core`)."""
    return small >= SPLIT_FROM and second_core()


def _audit_waves(waves, respondents, width, min_n) -> list[_WaveAudit]:
    """The forked child's part of `_audit_spread`."""
    return [_audit_rows(lay, counted, respondents, width, min_n) for lay, counted in waves]


def _copy_audit(decision: Decision, wave, done: _WaveAudit) -> None:
    """A wave's audit into a decision, as copies: a caller may change its decision."""
    for measure, (values, counts, hidden) in done.cells.items():
        decision.values[(wave, measure)] = values.copy()
        decision.counts[(wave, measure)] = counts.copy()
        decision.hidden[(wave, measure)] = hidden.copy()
    decision.audited += done.audited
    decision.added += done.added
    decision.solves += done.solves


def _audit_rows(lay, counted, respondents, width, min_n, split: bool = False) -> _WaveAudit:
    """The respondents first, then every other measure with the respondents' decision as what it
    publishes of the cells' sizes (less those an earlier measure's audit stopped publishing).
    counted: per measure in that order (values, linked tables). split: the measures after the
    respondents over two processes (`_measure_chain`)."""
    out = _WaveAudit(cells={})

    def audit(measure, size_shown):
        values, tables = counted[measure]
        if size_shown is not None:
            tables.size_shown = size_shown.copy()
        hidden = _line_rules(lay, tables.answers(), min_n)
        cost = _cost(lay, tables.answers())
        done = protect_linked(tables, hidden, min_n=min_n, width=width, cost=cost,
                              size_cost=None if values is None else SIZE_COST * cost)
        return (np.array([1.0]) if values is None else values, tables.counts, done), done.sizes_hidden

    (values, counts, done), _ = audit(respondents, None)
    out.cells[respondents] = (values, counts, done.hidden)
    _tally(out, done)
    others = [m for m in counted if m != respondents]
    for measure, ((values, counts, done), sizes_hidden) in zip(others, _measure_chain(audit, others, ~done.hidden,
                                                                                       split=split)):
        out.cells[measure] = (values, counts, done.hidden)
        _tally(out, done)
        out.cells[respondents][2][sizes_hidden] = True  # respondent counts the audit stopped publishing
    return out


def _measure_chain(audit, measures: list[str], size_shown: np.ndarray, *, split: bool) -> list[tuple]:
    """audit(measure, sizes shown) -> (result, the cells whose sizes it stopped publishing) of each
    measure in order, each given the sizes still shown after the measures before it: the only way one
    measure's audit depends on another's. split: a forked child audits the second half while this
    process audits the first, speculating that the first half hides no size (sizes are hidden rarely:
    1 measure of the demo's 82); where it does hide one, the second half is audited again with the
    sizes as they then are (split the same way). Either way every audit gets the inputs it gets in one
    process, so the results are the same."""
    def chain(part, shown):
        shown, out = shown.copy(), []
        for measure in part:
            result, sizes_hidden = audit(measure, shown)
            shown[sizes_hidden] = False
            out.append((result, sizes_hidden))
        return out, shown

    if not split or len(measures) < 2:
        return chain(measures, size_shown)[0]
    load_solver()
    half = (len(measures) + 1) // 2
    child = Forked(chain, measures[half:], size_shown)
    first, shown = chain(measures[:half], size_shown)
    if np.array_equal(shown, size_shown):
        return first + child.result()[0]
    second = _measure_chain(audit, measures[half:], shown, split=True)  # itself split again
    try:
        child.result()  # waited for (the process ends), its speculation discarded
    except Exception:  # noqa: S110  its inputs were not the ones that count: neither is its error
        pass
    return first + second


def _decide_pool(decision, frame, parts, dims, crosses, measures, respondents, width, min_n, split) -> None:
    """The pool of all waves, audited with every wave as published (rule 4): one set of linked tables
    holding each wave's cells and the pooled cells, a pooled cell being the sum of its waves' cells.
    split: its measures after the respondents over two processes (`_measure_chain`)."""
    pool = decision.layouts[None] = layout(frame, dims, crosses)
    offsets, sums, n = {}, [], 0
    for wave in parts:
        offsets[wave] = n
        sums += [(p + n, [c + n for c in ch]) for p, ch in decision.layouts[wave].sums]
        n += len(decision.layouts[wave].keys)
    sums += [(p + n, [c + n for c in ch]) for p, ch in pool.sums]
    for cell, key in enumerate(pool.keys):
        sums.append((cell + n, [offsets[w] + decision.layouts[w].keys.index(key)
                                for w in parts if key in decision.layouts[w].keys]))
    frozen = np.r_[np.ones(n, dtype=bool), np.zeros(len(pool.keys), dtype=bool)]

    def audit(measure, size_shown):
        scores = _scores(frame, measure, respondents)
        values = None if scores is None else np.unique(scores[np.isfinite(scores)])
        blocks = [_tables(decision.layouts[w], _scores(parts[w], measure, respondents), values) for w in parts]
        pooled_tables = _tables(pool, scores, values)
        tables = LinkedTables(np.vstack([b.counts for b in blocks] + [pooled_tables.counts]), sums,
                              pooled_tables.n_values, size_shown=None if size_shown is None else size_shown.copy())
        hidden = np.r_[np.concatenate([decision.hidden[(w, measure)] for w in parts]),
                       _line_rules(pool, pooled_tables.answers(), min_n)]
        cost = np.r_[np.zeros(n), _cost(pool, pooled_tables.answers())]  # the waves' cells are frozen anyway
        done = protect_linked(tables, hidden, min_n=min_n, width=width, frozen=frozen, cost=cost,
                              size_cost=None if scores is None else SIZE_COST * cost)
        return (np.array([1.0]) if values is None else values, pooled_tables.counts, done), done.sizes_hidden

    others = [m for m in measures if m != respondents]
    (values, counts, done), _ = audit(respondents, None)
    chained = _measure_chain(audit, others, ~done.hidden, split=split)
    for measure, ((values, counts, done), sizes_hidden) in [(respondents, ((values, counts, done), []))] + \
            list(zip(others, chained)):
        decision.values[(None, measure)] = values
        decision.counts[(None, measure)] = counts
        decision.hidden[(None, measure)] = done.hidden[n:]
        _tally(decision, done)
        decision.hidden[(None, respondents)][np.asarray(sizes_hidden, dtype=np.int64) - n] = True


def _tally(decision, done) -> None:
    """Add an audit's figures to a `Decision` or `_WaveAudit`."""
    decision.audited += done.audited
    decision.added += len(done.added) + len(done.sizes_hidden)
    decision.solves += done.solves
