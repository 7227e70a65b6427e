"""The units panel: the gap per unit and item as an HTML heatmap, the overall gap as its first column."""
from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import pandas as pd

from mirrorgap.aggregate.views import Filters
from mirrorgap.dashboard.html import notes_html
from mirrorgap.dashboard.panels.base import Panel
from mirrorgap.render.heatmap_html import heatmap_html
from mirrorgap.render.words import unit_chart_texts

__all__ = ["UnitPanel", "unit_gap_table"]


def unit_gap_table(views, filters: Filters) -> pd.DataFrame:
    """Per unit and item the gap with its CI (for the heatmap's bold cue), suppressed where either side
    is. Columns: group, item, label, gap, gap_ci_low, gap_ci_high, suppressed. The unit filter itself
    is ignored (every unit is a column)."""
    return views.unit_gaps(filters)


class UnitPanel(Panel):
    """The gap per unit and item as a heatmap table, with the overall gap as the first column."""

    title_key = "tab_units"

    def __init__(self, views, **kwargs):
        self.note = widgets.HTML()
        self.heatmap = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.heatmap.add_class("mg-heatmap-widget")  # keeps the table's own scroller within the panel
        super().__init__(views, **kwargs)
        self.children = [self.note, self.heatmap]

    def render(self) -> None:
        t = self.t
        table = unit_gap_table(self.views, self.filters)
        self.table = table
        notes = [t["heatmap_unit_note"]] if self.filters.unit else []
        if table.empty or table["suppressed"].all():
            notes.append(t["heatmap_empty"])
        self.note.value = notes_html(notes)
        if table.empty:
            self.heatmap.value = ""
            return
        overall = self.views.gap_table(replace(self.filters, unit=None))
        texts = {**unit_chart_texts(self.language), "too_few": t["too_few"]}
        self.heatmap.value = heatmap_html(table, overall, texts, language=self.language)
