"""Client-facing figures computed from anonymised aggregates only (never from raw rows): the gap
table, NPS/eNPS, answer distributions and a unit heatmap for any filter a dashboard offers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregates import ALL, read_aggregates
from .gaps import gap_table_from_counts
from .nps import nps_from_counts
from .params import Analysis, MirrorItem
from .pipeline import NPS_COLUMNS
from .texts import section

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

    def __init__(self, counts: pd.DataFrame, meta: dict):
        self.meta = meta
        self.items = [MirrorItem.model_validate(i) for i in meta["items"]]
        self.analysis = Analysis.model_validate(meta["analysis"])
        self.language = meta["language"]
        self.scales = {side: {i.id: getattr(i, f"{side}_scale") for i in self.items} for side in SIDES}
        key = ["side", "wave", "dimension", "group", "dimension2", "group2"]
        counts = counts.astype({"dimension2": object, "group2": object}).fillna({"dimension2": "", "group2": ""})
        self._cells = {tuple(str(x) for x in k): g for k, g in counts.groupby(key, sort=False)}

    @classmethod
    def from_folder(cls, folder) -> "AggregateViews":
        return cls(*read_aggregates(folder))

    def _cell(self, side: str, filters: Filters) -> pd.DataFrame | None:
        dim, group, dim2, group2 = filters.cell(side)
        return self._cells.get((side, str(filters.wave), dim, str(group), dim2 or "", str(group2 or "")))

    def _measure_counts(self, side: str, filters: Filters) -> tuple[dict, set]:
        """measure -> (values, counts) of the selected cell, and the measures that are suppressed."""
        cell = self._cell(side, filters)
        if cell is None:
            return {}, {i.id for i in self.items} | {"nps"}
        hidden = set(cell.loc[cell["suppressed"], "measure"])
        shown = cell[~cell["suppressed"]]
        out = {m: (g["value"].to_numpy(dtype=float), g["count"].to_numpy(dtype=np.int64))
               for m, g in shown.groupby("measure", sort=False)}
        return out, hidden

    def _items(self, filters: Filters) -> list[MirrorItem]:
        return [i for i in self.items if (filters.touchpoint in (None, i.touchpoint))
                and (filters.theme in (None, i.theme))]

    def gap_table(self, filters: Filters) -> pd.DataFrame:
        """The gap table for a filter, identical in shape and numbers to the report's."""
        counts, hidden = {}, {}
        for side in SIDES:
            counts[side], hidden[side] = self._measure_counts(side, filters)
        return gap_table_from_counts(counts, self.scales, self._items(filters), self.analysis,
                                     language=self.language, hidden=hidden)

    def nps_table(self, filters: Filters) -> pd.DataFrame:
        """NPS (customers) and eNPS (employees) for a filter; a suppressed side has NaN figures."""
        labels = section(self.language, "side")
        rows = []
        for side, label in (("customer", labels["customer_nps"]), ("employee", labels["employee_nps"])):
            counts, hidden = self._measure_counts(side, filters)
            if "nps" in hidden or "nps" not in counts:
                rows.append({"side": side, "label": label, "n": np.nan,
                             **{k: np.nan for k in NPS_COLUMNS[3:]}})
                continue
            values, n = counts["nps"]
            r = nps_from_counts(int(n[values >= 9].sum()), int(n[(values >= 7) & (values < 9)].sum()),
                                int(n[values < 7].sum()), conf=1 - self.analysis.alpha)
            rows.append({"side": side, "label": label, **{k: getattr(r, k) for k in NPS_COLUMNS[2:]}})
        return pd.DataFrame(rows, columns=NPS_COLUMNS)

    def distribution(self, item: str, side: str, filters: Filters) -> pd.DataFrame | None:
        """Counts and shares of each answer value of one item on one side; None when suppressed."""
        counts, hidden = self._measure_counts(side, filters)
        if item in hidden or item not in counts:
            return None
        values, n = counts[item]
        return pd.DataFrame({"value": values, "count": n, "share": n / n.sum() * 100})

    def unit_heatmap(self, filters: Filters) -> pd.DataFrame:
        """Per unit and item the gap (POMP points), NaN where either side is suppressed."""
        rows = []
        for unit in self.meta["groups"]["employee"].get("unit", []):
            table = self.gap_table(Filters(**{**filters.__dict__, "unit": unit}))
            rows += [{"unit": unit, "item": r.item, "label": r.label, "gap": r.gap,
                      "suppressed": r.classification == "suppressed"} for r in table.itertuples()]
        return pd.DataFrame(rows, columns=["unit", "item", "label", "gap", "suppressed"])

    def waves(self) -> list[str]:
        """Waves both sides have, in order."""
        employee = set(self.meta["waves"]["employee"])
        return [w for w in self.meta["waves"]["customer"] if w in employee] or [ALL]
