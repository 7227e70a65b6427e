"""Client-facing figures computed from anonymised aggregates only (never from raw rows): the gap
table, NPS/eNPS, answer distributions and a unit heatmap for any filter a dashboard offers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from .aggregates import ALL, read_aggregates
from .gaps import display_label, gap_table_from_counts
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
        # One frame and each cell's row positions (not a frame per cell: thousands of small frames
        # cost a dashboard kernel well over 100 MB on a large engagement).
        self._counts = counts.reset_index(drop=True)
        self._rows = {tuple(str(x) for x in k): pos for k, pos in self._counts.groupby(key, sort=False).indices.items()}

    @classmethod
    def from_folder(cls, folder) -> "AggregateViews":
        return cls(*read_aggregates(folder))

    def _cell(self, side: str, filters: Filters) -> pd.DataFrame | None:
        dim, group, dim2, group2 = filters.cell(side)
        pos = self._rows.get((side, str(filters.wave), dim, str(group), dim2 or "", str(group2 or "")))
        return None if pos is None else self._counts.iloc[pos]

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

    def unit_gaps(self, filters: Filters) -> pd.DataFrame:
        """Per unit and item the gap with its Welch CI, all units at once (the heatmap); the unit
        filter itself is ignored. Equal to `gap_table` with each unit as filter, but computed as one
        grouped pass over the counts (tested), so it stays fast with many units and items."""
        items = self._items(filters)
        ids = [i.id for i in items]
        summaries = {side: self._unit_summaries(side, filters, ids) for side in SIDES}
        units = [u for u in self.meta["groups"]["employee"].get("unit", [])
                 if u in set(self.meta["groups"]["customer"].get("unit", []))]
        full = pd.MultiIndex.from_product([[str(u) for u in units], ids], names=["group", "item"])
        both = summaries["customer"].add_suffix("_c").join(summaries["employee"].add_suffix("_e"), how="outer").reindex(full)
        # a unit or item without a cell on a side (no answers in this wave) reads as suppressed
        both[["hidden_c", "hidden_e"]] = both[["hidden_c", "hidden_e"]].astype("boolean").fillna(True)
        both[["n_c", "n_e"]] = both[["n_c", "n_e"]].fillna(0)
        ne, nc = both["n_e"].to_numpy(float), both["n_c"].to_numpy(float)
        hidden = both["hidden_e"].to_numpy(bool) | both["hidden_c"].to_numpy(bool) | (ne < self.analysis.min_n)
        ve, vc = both["var_e"].to_numpy(float) / ne, both["var_c"].to_numpy(float) / nc
        se2 = ve + vc
        with np.errstate(divide="ignore", invalid="ignore"):
            df = se2 ** 2 / (ve ** 2 / (ne - 1) + vc ** 2 / (nc - 1))
            half = stdtrit(df, 1 - self.analysis.alpha / 2) * np.sqrt(se2)
        usable = ~hidden & (ne >= 2) & (nc >= 2) & (se2 > 0)
        gap = np.where(hidden, np.nan, both["mean_e"].to_numpy(float) - both["mean_c"].to_numpy(float))
        labels = {i.id: display_label(i, self.language) for i in items}
        out = pd.DataFrame({
            "group": both.index.get_level_values(0), "item": both.index.get_level_values(1),
            "gap": gap, "gap_ci_low": np.where(usable, gap - half, np.nan),
            "gap_ci_high": np.where(usable, gap + half, np.nan), "suppressed": hidden})
        out["label"] = out["item"].map(labels)
        order = {item: k for k, item in enumerate(ids)}
        unit_order = {u: k for k, u in enumerate(str(u) for u in units)}
        out = out.sort_values(["group", "item"], key=lambda c: c.map(order if c.name == "item" else unit_order))
        return out[["group", "item", "label", "gap", "gap_ci_low", "gap_ci_high", "suppressed"]].reset_index(drop=True)

    def _unit_summaries(self, side: str, filters: Filters, ids: list[str]) -> pd.DataFrame:
        """Per (unit, item) of one side: n, mean and variance on POMP from the counts, and hidden."""
        segment = filters.customer_segment if side == "customer" else filters.employee_segment
        wanted = (segment[0], str(segment[1])) if segment else ("", "")
        pos = [p for k, p in self._rows.items()
               if k[0] == side and k[1] == str(filters.wave) and k[2] == "unit" and (k[4], k[5]) == wanted]
        cells = self._counts.iloc[np.concatenate(pos)] if pos else self._counts.iloc[:0]
        cells = cells[cells["measure"].isin(ids)]
        hidden = cells.groupby(["group", "measure"])["suppressed"].any()
        shown = cells[~cells["suppressed"]].copy()
        lo = shown["measure"].map({i: self.scales[side][i].min for i in ids}).astype(float)
        hi = shown["measure"].map({i: self.scales[side][i].max for i in ids}).astype(float)
        shown["pomp"] = (shown["value"].astype(float) - lo) / (hi - lo) * 100
        shown["count"] = shown["count"].astype(float)
        shown["wx"] = shown["count"] * shown["pomp"]
        keys = ["group", "measure"]
        n = shown.groupby(keys)["count"].sum()
        mean = shown.groupby(keys)["wx"].sum() / n
        shown["dev2"] = shown["count"] * (shown["pomp"] - shown.set_index(keys).index.map(mean).to_numpy()) ** 2
        var = shown.groupby(keys)["dev2"].sum() / (n - 1)  # two passes: exact for a million answers
        table = pd.DataFrame({"n": n, "mean": mean, "var": var}).reindex(hidden.index)
        table["hidden"] = hidden
        table["n"] = table["n"].fillna(0)
        table.index.names = ["group", "item"]
        return table

    def waves(self) -> list[str]:
        """Waves both sides have, in order."""
        employee = set(self.meta["waves"]["employee"])
        return [w for w in self.meta["waves"]["customer"] if w in employee] or [ALL]
