"""The mirror panel: both sides' score per item, the gap and its classification, as the report's
mirror chart drawn in HTML and SVG (`mirrorgap.render.html_charts.mirror`): a redraw is a string, and
the same drawing fits a phone."""
from __future__ import annotations

from mirrorgap.dashboard.panels.base import Panel, chart_widget
from mirrorgap.render.html_charts.mirror import mirror_chart_html

__all__ = ["MirrorPanel"]


class MirrorPanel(Panel):
    """The mirror chart: both sides' score per item, the gap and its classification."""

    title_key = "tab_mirror"
    draws_for_phone = False  # HTML: the browser lays it out for any width

    def __init__(self, views, **kwargs):
        self.chart = chart_widget()
        super().__init__(views, **kwargs)
        self.children = [self.chart]

    def render(self) -> None:
        gaps = self.views.gap_table(self.filters)
        self.gaps = gaps
        ct = self.chart_texts()
        self.chart.value = mirror_chart_html(gaps, language=self.language, threshold=self.views.analysis.gap_threshold,
                                             texts={**self.t, **ct, "title": ct["mirror_title"]})
