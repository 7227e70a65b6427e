"""What every dashboard panel is: a widget that draws one view from `views` for `filters`, but only
while `shown` (its tab is open); hidden panels are marked stale and drawn when their tab is opened,
so a filter change costs one chart, not five. `renders` counts the redraws (tests and benchmarks
read it). Charts are drawn outside pyplot and sent as PNG."""
from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from traitlets import Any, Bool, Instance, Int, observe

from mirrorgap.aggregate.views import Filters
from mirrorgap.dashboard.words import dashboard_texts
from mirrorgap.render.style import png_bytes, set_theme
from mirrorgap.render.words import chart_texts

__all__ = ["DPI", "Panel", "chart_figure", "chart_png"]

DPI = 130  # screen resolution of the chart PNGs: sharp at 1100 px wide, light over the websocket

_STYLED = []


def _house_style() -> None:
    """The house chart style, applied once per process (it sets matplotlib's global rcParams)."""
    if not _STYLED:
        set_theme()
        _STYLED.append(True)


def chart_png(fig: Figure) -> bytes:
    """The chart as PNG; then the figure is emptied. A figure is a reference cycle that only Python's
    occasional full collection frees, and each one left behind holds its artists and pixel buffer:
    a dozen filter changes on a 30-item engagement kept ~90 MB in a kernel that way."""
    try:
        return _drawn_once(fig) or png_bytes(fig, dpi=DPI)
    finally:
        fig.clear()


SPARE_INCHES = 2.0  # canvas added on every side for _drawn_once: labels left of the axes fit in it


def _drawn_once(fig: Figure) -> bytes | None:
    """The PNG that png_bytes (savefig with a tight box) makes, drawn once instead of twice: the canvas
    gets SPARE_INCHES on every side (the axes keep their size and place relative to each other), the
    figure is drawn, and its content plus `savefig.pad_inches` is cut out of the pixels — the tight
    box comes from that same drawing. savefig lays every text out in a pass of its own first, and text
    is most of a dashboard chart's cost. None when the content reaches beyond even the spare canvas."""
    width, height = fig.get_size_inches()
    spare = SPARE_INCHES
    boxes = [ax.get_position() for ax in fig.axes]
    big_w, big_h = width + 2 * spare, height + 2 * spare
    fig.set_size_inches(big_w, big_h)
    for ax, b in zip(fig.axes, boxes):
        ax.set_position([(spare + b.x0 * width) / big_w, (spare + b.y0 * height) / big_h,
                         b.width * width / big_w, b.height * height / big_h])
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = fig.get_tightbbox(canvas.get_renderer())
    if box.x0 <= 0 or box.y0 <= 0 or box.x1 >= big_w or box.y1 >= big_h:
        return None
    box = box.padded(mpl.rcParams["savefig.pad_inches"])
    pixels = np.asarray(canvas.buffer_rgba())
    rows = pixels.shape[0]
    cut = pixels[max(0, round(rows - box.y1 * DPI)):round(rows - box.y0 * DPI),
                 max(0, round(box.x0 * DPI)):round(box.x1 * DPI)]
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(cut)).save(buf, format="png", compress_level=1, dpi=(DPI, DPI))
    return buf.getvalue()


def chart_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing is kept in a global registry, nothing is shown by a backend."""
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


class Panel(widgets.VBox):
    """One dashboard view. Redraws from `views` for `filters` while `shown`; stale otherwise."""

    views = Any()
    filters = Instance(Filters, allow_none=True)
    shown = Bool(False)
    renders = Int(0)
    title_key = "tab_overview"

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

    @observe("views", "filters")
    def _inputs_changed(self, change):
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
        with self.hold_sync():
            self.render()
        self._stale = False
        self.renders += 1

    def render(self) -> None:  # pragma: no cover - every panel draws its own
        raise NotImplementedError
