"""The mirror panel: both sides' score per item, the gap and its classification, as the report's
mirror chart."""
from __future__ import annotations

import ipywidgets as widgets

from mirrorgap.dashboard.panels.base import Panel, chart_figure, chart_png
from mirrorgap.render.charts.mirror import mirror_chart

__all__ = ["MirrorPanel"]


class MirrorPanel(Panel):
    """The mirror chart: both sides' score per item, the gap and its classification."""

    title_key = "tab_mirror"

    def __init__(self, views, **kwargs):
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="1100px"))
        super().__init__(views, **kwargs)
        self.children = [self.image]

    def render(self) -> None:
        gaps = self.views.gap_table(self.filters)
        self.gaps = gaps
        ct = self.chart_texts()
        fig, ax = chart_figure(10, 1.7 + 0.46 * max(len(gaps), 1))
        mirror_chart(gaps, ax=ax, texts={**ct, "title": ct["mirror_title"]},
                     threshold=self.views.analysis.gap_threshold)
        self.image.value = chart_png(fig)
