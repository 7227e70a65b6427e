"""Client-facing figures computed from anonymised aggregates only (never from raw rows): the gap
table, NPS/eNPS, answer distributions and a unit heatmap for any filter a dashboard offers."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mirrorgap.aggregate.count_index import NPS, CountIndex, frame_columns
from mirrorgap.aggregate.store import ALL, RESPONDENTS, read_count_columns, read_meta
from mirrorgap.analyse.gaps import display_label, gap_table_from_summaries
from mirrorgap.analyse.top_box import gap_table_for_metric
from mirrorgap.config.params import Analysis, MirrorItem
from mirrorgap.config.texts import section
from mirrorgap.errors import UnknownScope
from mirrorgap.stats.estimators import welch_ci_arrays
from mirrorgap.stats.nps import NPS_COLUMNS, nps_from_counts, nps_from_weight_sums
from mirrorgap.stats.small_groups import too_small
from mirrorgap.stats.survey import SIMPLE, Design, fpc_mean, fpc_share

SIDES = ("customer", "employee")


@dataclass(frozen=True)
class Filters:
    """What a viewer picked. A segment is (dimension, group) on its own side; the unit applies to both."""

    wave: str
    unit: str | None = None
    customer_segment: tuple[str, str] | None = None
    employee_segment: tuple[str, str] | None = None
    touchpoint: str | None = None
    theme: str | None = None

    def cell(self, side: str) -> tuple[str, str, str | None, str | None]:
        """(dimension, group, dimension2, group2) of the aggregate cell this filter selects on a side."""
        segment = self.customer_segment if side == "customer" else self.employee_segment
        if self.unit and segment:
            return "unit", self.unit, segment[0], segment[1]
        if self.unit:
            return "unit", self.unit, None, None
        if segment:
            return segment[0], segment[1], None, None
        return ALL, ALL, None, None


class AggregateViews:
    """Views over one run's aggregates; the raw data and the params' input files are never opened."""

    def __init__(self, counts: pd.DataFrame | dict, meta: dict):
        """counts: the aggregates frame, or its columns as `aggregates.read_count_columns` reads them."""
        self.meta = meta
        self.items = [MirrorItem.model_validate(i) for i in meta["items"]]
        self.analysis = Analysis.model_validate(meta["analysis"])
        self.language = meta["language"]
        self.scales = {side: {i.id: getattr(i, f"{side}_scale") for i in self.items} for side in SIDES}
        columns = counts if isinstance(counts, dict) else frame_columns(counts)
        index_scales = {side: {k: (v.min, v.max) for k, v in scales.items()} for side, scales in self.scales.items()}
        for side in SIDES:  # the side-only questions (native scale) and the whole survey's scores (POMP)
            index_scales[side] |= {q["id"]: (q["scale"]["min"], q["scale"]["max"])
                                   for q in meta.get("questions", {}).get(side, [])}
            index_scales[side] |= {s["measure"]: (0.0, 100.0) for s in meta.get("scores", {}).get(side, [])}
        self._index = CountIndex(columns, index_scales, top_box_at=self.analysis.top_box_at)

    @classmethod
    def from_folder(cls, folder) -> "AggregateViews":
        """The views of one run's aggregates folder (what a dashboard kernel opens)."""
        return cls(read_count_columns(folder), read_meta(folder))

    scope: str | None = None  # the one unit a scoped manager sees (`scoped_views`); None: all

    def _cell(self, side: str, filters: Filters) -> dict[str, int] | None:
        """measure -> segment of the cell a filter selects on a side (None: no such cell, or a unit
        outside the scope)."""
        if self.scope and filters.unit not in (None, self.scope):
            return None
        dim, group, dim2, group2 = filters.cell(side)
        return self._index.cell((side, str(filters.wave), dim, str(group), dim2 or "", str(group2 or "")))

    def _summaries(self, side: str, filters: Filters) -> tuple[dict, set]:
        """item -> (n, mean, SD, top-box count) on POMP of the selected cell, and the measures that
        are suppressed (all of them when the cell does not exist). A weighted cell's figures are
        weighted (its top-box "count" the weighted share × n, as `analyse.design.design_summaries`)."""
        cell, ix = self._cell(side, filters), self._index
        if cell is None:
            return {}, {i.id for i in self.items} | {NPS}
        hidden = {m for m, seg in cell.items() if ix.suppressed[seg]}
        shown = {m: (int(ix.n[seg]), float(ix.mean[seg]), float(ix.sd[seg]),
                     int(ix.top[seg]) if self._n_eff(seg) is None else float(ix.top[seg]))
                 for m, seg in cell.items() if m != NPS and not ix.suppressed[seg]}
        return shown, hidden

    def _n_eff(self, seg: int) -> float | None:
        """Kish's n_eff of a segment (None: unweighted)."""
        n_eff = self._index.n_eff
        return None if n_eff is None or not np.isfinite(n_eff[seg]) else float(n_eff[seg])

    def _designs(self, side: str, filters: Filters, summaries: dict) -> dict | None:
        """item -> (n_eff, population) of a side's shown items (None: neither weights nor headcount)."""
        cell = self._cell(side, filters) or {}
        population = self._population(filters) if side == "employee" else None
        designs = {m: (self._n_eff(cell[m]), population) for m in summaries}
        return designs if any(d != (None, None) for d in designs.values()) else None

    def _items(self, filters: Filters) -> list[MirrorItem]:
        return [i for i in self.items if (filters.touchpoint in (None, i.touchpoint))
                and (filters.theme in (None, i.theme))]

    @property
    def metric(self) -> str:
        """What the gap table compares: "mean" (POMP) or "top_box" (share), as the run was set."""
        return self.analysis.metric

    def gap_table(self, filters: Filters) -> pd.DataFrame:
        """The gap table for a filter (on the run's metric), identical in shape and numbers to the report's."""
        summaries, hidden = {}, {}
        for side in SIDES:
            summaries[side], hidden[side] = self._summaries(side, filters)
        designs = {side: d for side in SIDES if (d := self._designs(side, filters, summaries[side])) is not None}
        gaps = gap_table_from_summaries(summaries, self.scales, self._items(filters), self.analysis,
                                        language=self.language, hidden=hidden, designs=designs or None)
        return gap_table_for_metric(gaps, self.analysis)

    def _population(self, filters: Filters) -> int | None:
        """How many employees were invited in the filter's wave and group, when the run had a headcount:
        all employees, or a unit or department the headcount counts (its own invited count, as the
        report's breakdowns take it); None for other groups, crossed groups and the pool."""
        return self.population(str(filters.wave), *filters.cell("employee"))

    def population(self, wave: str, dim: str, group: str, dim2: str | None = None, group2: str | None = None
                   ) -> int | None:
        """The invited count of one employee cell (see `_population`)."""
        populations = self.meta.get("populations", {})
        if (dim, group, dim2) == (ALL, ALL, None):
            return populations.get("employee", {}).get(wave)
        if dim2 is not None:
            return None
        return populations.get("employee_groups", {}).get(wave, {}).get(dim, {}).get(str(group))

    def nps_table(self, filters: Filters) -> pd.DataFrame:
        """NPS (customers) and eNPS (employees) for a filter; a suppressed side has NaN figures."""
        labels = section(self.language, "side")
        ix = self._index
        rows = []
        for side, label in (("customer", labels["customer_nps"]), ("employee", labels["employee_nps"])):
            seg = (self._cell(side, filters) or {}).get(NPS)
            if seg is None or ix.suppressed[seg]:
                rows.append({"side": side, "label": label, "n": np.nan,
                             **{k: np.nan for k in NPS_COLUMNS[3:]}})
                continue
            fpc = fpc_share(int(ix.n[seg]), self._population(filters)) if side == "employee" else 1.0
            conf = 1 - self.analysis.alpha
            r = nps_from_counts(int(ix.promoters[seg]), int(ix.passives[seg]), int(ix.detractors[seg]),
                                conf=conf, fpc=fpc)
            if self._n_eff(seg) is not None:  # weighted shares, the interval on Kish's n_eff
                r = nps_from_weight_sums(r, *(float(g[seg]) for g in ix.nps_weights), n_eff=self._n_eff(seg),
                                         conf=conf, fpc=fpc)
            rows.append({"side": side, "label": label, **{k: getattr(r, k) for k in NPS_COLUMNS[2:]}})
        return pd.DataFrame(rows, columns=NPS_COLUMNS)

    def respondents(self, side: str, filters: Filters) -> float:
        """How many of a side answered in the selected cell (NaN when suppressed or absent). Runs made
        before the aggregates counted respondents give the count of the most-answered question."""
        cell, ix = self._cell(side, filters) or {}, self._index
        if RESPONDENTS not in cell:
            shown = [ix.n[seg] for seg in cell.values() if not ix.suppressed[seg]]
            return float(max(shown)) if shown else np.nan
        seg = cell[RESPONDENTS]
        return np.nan if ix.suppressed[seg] else float(ix.n[seg])

    def response_rate(self, filters: Filters) -> tuple[int, float] | None:
        """(invited, response rate in percent) of the employees the filter selects, where the run had
        their invited count (the wave, or a unit or department it counts) — and only where the audited
        respondent count is shown: a rate and the public headcount give the count, so a rate is shown
        exactly when the count is (the report's `response_rates` rule). None otherwise."""
        invited, n = self._population(filters), self.respondents("employee", filters)
        if not invited or not np.isfinite(n):
            return None
        return invited, 100.0 * n / invited

    def measure_summary(self, side: str, filters: Filters, measure: str) -> tuple[int, float, float] | None:
        """(n, mean, SD) on POMP of one measure (an item, a question, a score such as
        "stage:feedback") in the selected cell; None when suppressed or absent. Weighted where the
        run was (`measure_design` gives its n_eff and finite-population factor)."""
        seg = (self._cell(side, filters) or {}).get(measure)
        if seg is None or self._index.suppressed[seg]:
            return None
        ix = self._index
        return int(ix.n[seg]), float(ix.mean[seg]), float(ix.sd[seg])

    def measure_design(self, side: str, filters: Filters, measure: str) -> Design:
        """The estimators' design of one measure in the selected cell: Kish's n_eff (weighted runs) and
        √(1 − n/N) for an employee cell whose invited count the run had."""
        seg = (self._cell(side, filters) or {}).get(measure)
        if seg is None:
            return SIMPLE
        population = self._population(filters) if side == "employee" else None
        return Design(n_eff=self._n_eff(seg), fpc=fpc_mean(int(self._index.n[seg]), population))

    def distribution(self, item: str, side: str, filters: Filters) -> pd.DataFrame | None:
        """Counts and shares of each answer value of one item on one side; None when suppressed. In a
        weighted cell the shares are weighted (Σw of a value over Σw), as the cell's mean and top box are."""
        seg = (self._cell(side, filters) or {}).get(item)
        if seg is None or self._index.suppressed[seg]:
            return None
        s = self._index.segment(seg)
        weights = self._index.value_weights(seg)
        basis = s.counts if weights is None else weights
        return pd.DataFrame({"value": s.values, "count": s.counts, "share": basis / basis.sum() * 100})

    def unit_gaps(self, filters: Filters) -> pd.DataFrame:
        """Per unit and item the gap with its Welch CI, all units at once (the heatmap); the unit
        filter itself is ignored. Equal to `gap_table` with each unit as filter (tested), but computed
        on arrays of every unit × item at once, so it stays fast with many units and items."""
        items = self._items(filters)
        ids = [i.id for i in items]
        customer_units = {str(u) for u in self.meta["groups"]["customer"].get("unit", [])}
        units = [str(u) for u in self.meta["groups"]["employee"].get("unit", []) if str(u) in customer_units]
        (nc, mc, sc, hc, kc), (ne, me, se, he, ke) = (self._unit_grid(side, filters, units, ids) for side in SIDES)
        hidden = he | hc | too_small(ne, self.analysis.min_n)
        # the employees' own invited count per unit (the report's unit table): √(1 − n/N) on sd
        invited = np.array([self.population(str(filters.wave), "unit", u, *(filters.employee_segment or (None,)))
                            or np.nan for u in units for _ in ids], dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            fpc = np.where(np.isfinite(invited) & (invited > 0), np.sqrt(np.clip(1 - ne / invited, 0, 1)), 1.0)
        # Welch with each cell's design: n_eff for n, sd × fpc (as `welch_from_summary` with a Design)
        diff, low, high = welch_ci_arrays(ke, me, se * fpc, kc, mc, sc, conf=1 - self.analysis.alpha)
        gap = np.where(hidden, np.nan, diff)
        labels = [display_label(i, self.language) for i in items]
        return pd.DataFrame({
            "group": np.repeat(units, len(ids)), "item": np.tile(ids, len(units)),
            "label": np.tile(np.array(labels, dtype=object), len(units)), "gap": gap,
            "gap_ci_low": np.where(hidden, np.nan, low), "gap_ci_high": np.where(hidden, np.nan, high),
            "suppressed": hidden})

    def _unit_grid(self, side: str, filters: Filters, units: list[str], ids: list[str]):
        """n, mean, SD (POMP) and hidden of one side for every unit × item, flattened unit-major. A unit
        or item without a cell on the side (no answers in this wave) reads as hidden."""
        segment = filters.customer_segment if side == "customer" else filters.employee_segment
        dim2, group2 = (segment[0], str(segment[1])) if segment else ("", "")
        ix = self._index
        cells = ix.cells(side, str(filters.wave), "unit", dim2, group2)
        seg = np.array([cells.get(u, {}).get(i, -1) for u in units for i in ids], dtype=np.int64)
        have = seg >= 0
        seg = np.where(have, seg, 0)
        if not len(ix.n):
            have = np.zeros_like(have)
            return (np.zeros(len(seg)), np.full(len(seg), np.nan), np.full(len(seg), np.nan), ~have,
                    np.zeros(len(seg)))
        hidden = ~have | ix.suppressed[seg]
        n = np.where(hidden, 0.0, ix.n[seg])
        n_var = n if ix.n_eff is None else np.where(np.isfinite(ix.n_eff[seg]) & ~hidden, ix.n_eff[seg], n)
        return n, np.where(hidden, np.nan, ix.mean[seg]), np.where(hidden, np.nan, ix.sd[seg]), hidden, n_var

    def waves(self) -> list[str]:
        """Waves both sides have, in order; then the pool ("all") when the run published one
        (`analysis.wave: all`, audited jointly with the single waves)."""
        employee = set(self.meta["waves"]["employee"])
        shared = [w for w in self.meta["waves"]["customer"] if w in employee]
        pooled = all(self._index.cell((side, ALL, ALL, ALL, "", "")) is not None for side in SIDES)
        return shared + [ALL] if shared and pooled else shared or [ALL]


def scoped_views(views: AggregateViews, unit: str | None) -> AggregateViews:
    """The views a manager of one unit sees: that unit and the company total, nothing of other units.
    Built on the same audited index (no new cell: every figure is one of the full views'); only the
    meta's unit lists shrink to `unit`, so the filter options and the unit heatmap name no other unit,
    and a filter naming another unit finds no cell. unit None or "" is the whole company."""
    if not unit:
        return views
    known = [str(u) for u in views.meta["groups"]["customer"].get("unit", [])
             if u in set(views.meta["groups"]["employee"].get("unit", []))]
    if unit not in known:
        raise UnknownScope(f"the unit scope {unit!r} is not a unit of this run's aggregates "
                           f"(known: {', '.join(known)}); fix the account's unit")
    scoped = copy.copy(views)
    meta = copy.deepcopy(views.meta)
    for side in SIDES:
        meta["groups"][side]["unit"] = [unit]
    scoped.meta, scoped.scope = meta, unit
    return scoped
