"""What every dashboard panel is: a widget that draws one view from `views` for `filters`, but only
while `shown` (its tab is open); hidden panels are marked stale and drawn when their tab is opened,
so a filter change costs one chart, not five. `renders` counts the redraws (tests and benchmarks
read it). The mirror and item charts are HTML and SVG (`chart_widget`, `mirrorgap.render.html_charts`):
the browser lays them out for any width. The other charts are drawn outside pyplot and sent as PNG;
while `narrow` (the page is a phone's) those are drawn for a phone's width (`mirrorgap.render.phone`),
the same chart functions on a narrow figure, so their text stays legible at 390 px."""
from __future__ import annotations

import contextvars

import ipywidgets as widgets
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from traitlets import Any, Bool, Instance, Int, observe

from mirrorgap.aggregate.views import Filters
from mirrorgap.dashboard.words import dashboard_texts
from mirrorgap.render.phone import fit_for_phone, phone_size
from mirrorgap.render.style import png_bytes, set_theme
from mirrorgap.render.words import chart_texts

__all__ = ["DPI", "Panel", "chart_figure", "chart_png", "chart_widget"]

DPI = 130  # screen resolution of the chart PNGs: sharp at 1100 px wide, light over the websocket

_STYLED = []
_PHONE = contextvars.ContextVar("mirrorgap_phone_charts", default=False)  # set while a narrow panel draws


def _house_style() -> None:
    """The house chart style, applied once per process (it sets matplotlib's global rcParams)."""
    if not _STYLED:
        set_theme()
        _STYLED.append(True)


def chart_png(fig: Figure) -> bytes:
    """The chart as PNG; then the figure is emptied. A figure is a reference cycle that only Python's
    occasional full collection frees, and each one left behind holds its artists and pixel buffer:
    a dozen filter changes on a 30-item engagement kept ~90 MB in a kernel that way. Drawn for a phone
    (a narrow panel), the chart is first re-laid to fit its narrow figure."""
    try:
        if _PHONE.get():
            fit_for_phone(fig)
        return png_bytes(fig, dpi=DPI, compress_level=1)  # light compression: a redraw waits for it
    finally:
        fig.clear()


def chart_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing is kept in a global registry, nothing is shown by a backend.
    `width` × `height` inches; while a narrow panel draws, a phone's width (`phone_size`)."""
    if _PHONE.get():
        width, height = phone_size(width, height)
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def chart_widget() -> widgets.HTML:
    """The widget an HTML chart is shown in: the panel's whole width (the chart's own sheet says how)."""
    chart = widgets.HTML(layout=widgets.Layout(width="100%"))
    chart.add_class("mg-chart-widget")
    return chart


class Panel(widgets.VBox):
    """One dashboard view. Redraws from `views` for `filters` while `shown`; stale otherwise."""

    views = Any()
    filters = Instance(Filters, allow_none=True)
    shown = Bool(False)
    narrow = Bool(False)  # the page is a phone's: charts drawn for its width (set by the Dashboard)
    renders = Int(0)
    title_key = "tab_overview"
    draws_for_phone = True  # False: its charts fit any width as drawn, so `narrow` costs no redraw

    def __init__(self, views, *, shown: bool = False, **kwargs):
        super().__init__(**kwargs)
        _house_style()
        self.add_class("mg-panel")
        self._stale = True
        self.views = views
        self.shown = shown

    @property
    def language(self) -> str:
        return self.views.language

    @property
    def t(self) -> dict[str, str]:
        return dashboard_texts(self.language)

    @property
    def title(self) -> str:
        return self.t[self.title_key]

    @property
    def metric(self) -> str:
        return getattr(self.views, "metric", "mean")

    def chart_texts(self) -> dict[str, str]:
        return chart_texts(self.language, self.metric)

    @observe("views", "filters", "narrow")
    def _inputs_changed(self, change):
        if change["name"] == "narrow" and not self.draws_for_phone:
            return
        self._stale = True
        if self.shown:
            self.refresh()

    @observe("shown")
    def _shown_changed(self, change):
        if change["new"] and self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Redraw now (when filters are set); the widget front-end gets one update."""
        if self.filters is None or self.views is None:
            return
        phone = _PHONE.set(self.narrow)
        try:
            with self.hold_sync():
                self.render()
        finally:
            _PHONE.reset(phone)
        self._stale = False
        self.renders += 1

    def render(self) -> None:  # pragma: no cover - every panel draws its own
        raise NotImplementedError
