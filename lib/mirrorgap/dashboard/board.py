"""The dashboard: the filter bar above the panels as tabs, built and linked in one place for the
client's dashboard notebook and the analysts' explorer notebook.

    dashboard = Dashboard.for_views(views)          # the bar and the six panels, filters linked
    dlink((explorer, "views"), (dashboard, "views"))  # (explorer) new settings redraw the panels

The page tells the kernel whether it is a phone's (the template's script ticks the hidden `phone`
checkbox while the page is at most 600 px wide): the panels then draw their charts for that width.

Every figure comes from an `AggregateViews` (anonymised counts; `mirrorgap.aggregate.views`), never
from raw rows. Only the open tab's panel is `shown`, so only it draws.
"""
from __future__ import annotations

import ipywidgets as widgets
from traitlets import Any, dlink, observe

from mirrorgap.dashboard.filters import FilterBar
from mirrorgap.dashboard.panels.base import Panel
from mirrorgap.dashboard.panels.item import ItemPanel
from mirrorgap.dashboard.panels.mirror import MirrorPanel
from mirrorgap.dashboard.panels.overview import OverviewPanel
from mirrorgap.dashboard.panels.survey import SurveyPanel
from mirrorgap.dashboard.panels.table import GapTablePanel
from mirrorgap.dashboard.panels.units import UnitPanel

__all__ = ["PANELS", "Dashboard"]

PANELS = (OverviewPanel, MirrorPanel, GapTablePanel, UnitPanel, ItemPanel, SurveyPanel)  # the tabs, in order


class Dashboard(widgets.VBox):
    """The filter bar above the panels as tabs; only the open tab's panel is `shown` (drawn). Setting
    `views` (e.g. linked to the explorer's) hands the new views to every panel."""

    views = Any()

    def __init__(self, bar: FilterBar, panels: list[Panel], **kwargs):
        super().__init__(**kwargs)
        self.bar, self.panels = bar, panels
        self.views = bar.views
        self.tabs = widgets.Tab(children=panels, titles=[p.title for p in panels])
        self.tabs.add_class("mg-tabs")
        self.tabs.observe(self._tab_changed, names="selected_index")
        self.tabs.selected_index = 0
        self._tab_changed({"new": 0})
        # ticked by the page's script (templates/voila/.../index.html.j2) while the page is a phone's
        self.phone = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(display="none"))
        self.phone.add_class("mg-phone-switch")
        self.phone.observe(self._phone_changed, names="value")
        self.children = [bar, self.tabs, self.phone]
        self.add_class("mg-dashboard")

    @classmethod
    def for_views(cls, views) -> "Dashboard":
        """A filter bar and one of each `PANELS` on `views`, every panel's filters linked to the bar."""
        bar = FilterBar(views)
        panels = [panel(views) for panel in PANELS]
        for panel in panels:
            dlink((bar, "filters"), (panel, "filters"))
        return cls(bar, panels)

    def __repr__(self) -> str:
        # the notebook's last line displays this widget; its text/plain stand-in reaches the page, so it
        # names nothing of the code behind it
        return "Dashboard"

    @observe("views")
    def _views_changed(self, change) -> None:
        for panel in getattr(self, "panels", []):
            panel.views = change["new"]

    def _phone_changed(self, change) -> None:
        for panel in self.panels:
            panel.narrow = bool(change["new"])

    def _tab_changed(self, change) -> None:
        for k, panel in enumerate(self.panels):
            panel.shown = k == change["new"]
