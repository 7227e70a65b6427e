"""The gap table panel: the gap table, formatted in the engagement language."""
from __future__ import annotations

import ipywidgets as widgets

from mirrorgap.dashboard.html import gap_table_html
from mirrorgap.dashboard.panels.base import Panel

__all__ = ["GapTablePanel"]


class GapTablePanel(Panel):
    """The gap table, formatted; suppressed rows read "too few answers"."""

    title_key = "tab_table"

    def __init__(self, views, **kwargs):
        self.table = widgets.HTML()
        super().__init__(views, **kwargs)
        self.children = [self.table]

    def render(self) -> None:
        self.gaps = self.views.gap_table(self.filters)
        self.table.value = gap_table_html(self.gaps, self.language, metric=self.metric)
