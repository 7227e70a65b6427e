"""The item panel: one item at a time, both sides' answer distributions with average, top box and n."""
from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import pandas as pd
from traitlets import Unicode, observe

from mirrorgap.aggregate.views import SIDES
from mirrorgap.analyse.gaps import display_label
from mirrorgap.config.texts import section
from mirrorgap.dashboard.html import item_stats_html
from mirrorgap.dashboard.panels.base import Panel, chart_widget
from mirrorgap.dashboard.words import dashboard_texts, value_labels
from mirrorgap.render.html_charts.answers import answer_chart_html

__all__ = ["ItemPanel"]


class ItemPanel(Panel):
    """One item at a time: both sides' answer distributions, with average, top box and n per side."""

    item = Unicode()
    title_key = "tab_item"
    draws_for_phone = False  # HTML: the browser lays it out for any width

    def __init__(self, views, **kwargs):
        lang = views.language
        self.picker = widgets.Dropdown(options=[(display_label(i, lang), i.id) for i in views.items],
                                       layout=widgets.Layout(width="420px"))
        self.stats, self.chart = widgets.HTML(), chart_widget()
        super().__init__(views, **kwargs)
        self.item = views.items[0].id
        widgets.link((self.picker, "value"), (self, "item"))
        self.picker.description = dashboard_texts(lang)["item_label"]
        self.picker.add_class("mg-picker")
        self.children = [self.picker, self.stats, self.chart]

    @observe("item")
    def _item_changed(self, change):
        self._inputs_changed(change)

    def distributions(self) -> pd.DataFrame:
        """side, value, count, share of the item's answers; a suppressed side has no rows."""
        frames = []
        for side in SIDES:
            d = self.views.distribution(self.item, side, self.filters)
            if d is not None:
                frames.append(d.assign(side=side))
        return (pd.concat(frames, ignore_index=True) if frames
                else pd.DataFrame(columns=["value", "count", "share", "side"]))

    def render(self) -> None:
        t, lang = self.t, self.language
        item = next(i for i in self.views.items if i.id == self.item)
        dist = self.distributions()
        self.dist = dist
        row = self.views.gap_table(replace(self.filters, touchpoint=None, theme=None)).set_index("item").loc[self.item]
        shown = {side: not dist[dist["side"] == side].empty for side in SIDES}
        self.stats.value = item_stats_html(row, shown, lang, reversed_item=item.reversed)
        self.chart.value = answer_chart_html(dist, language=lang, labels=value_labels(item, "customer", lang), texts={
            **section(lang, "side"), "too_few": t["too_few"], "distribution_axis": t["distribution_axis"],
            "title": t["distribution_title"].format(label=display_label(item, lang))})
