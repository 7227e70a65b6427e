"""The filter bar: what the viewer picks (wave, unit, customer group, employee group, touchpoint,
theme), as traits that together make the `Filters` every panel draws for."""
from __future__ import annotations

import html

import ipywidgets as widgets
from traitlets import Any, Instance, Unicode, link, observe

from mirrorgap.aggregate.views import SIDES, Filters
from mirrorgap.dashboard.words import dashboard_texts, pretty, theme_name, touchpoint_name

__all__ = ["ALL", "FilterBar", "default_wave"]

ALL = ""  # the "all" option of a filter dropdown (None would mean "nothing selected" there)


def default_wave(views) -> str:
    """The wave the params' analysis names if both sides have it, else the latest shared wave."""
    waves = views.waves()
    wanted = views.analysis.wave
    return wanted if wanted in waves else waves[-1]


def _employee_groups(views, dimension: str) -> list[str]:
    groups = list(views.meta["groups"]["employee"].get(dimension, []))
    order = views.meta.get("tenure_order") or []
    if order and set(groups) <= set(order):  # the tenure bands: newest first, as the params order them
        return [g for g in order if g in groups]
    return groups


def _to_option(value):
    return ALL if value is None else value


def _from_option(value):
    return None if value == ALL else value


class FilterBar(widgets.VBox):
    """What the viewer picks: wave, unit, customer group, employee group, touchpoint, theme.

    Each pick is a trait (None = all) linked to its dropdown; `filters` is the `Filters` they make
    together (updated on every change: link other widgets to it with `dlink`). The options come from
    the aggregates' meta, so only groups the run knows can be picked.
    """

    wave = Unicode()
    unit = Unicode(None, allow_none=True)
    customer_segment = Any(None)  # (dimension, group) or None
    employee_segment = Any(None)
    touchpoint = Unicode(None, allow_none=True)
    theme = Unicode(None, allow_none=True)
    filters = Instance(Filters)

    _PICKS = ("wave", "unit", "customer_segment", "employee_segment", "touchpoint", "theme")

    def __init__(self, views, **kwargs):
        super().__init__(**kwargs)
        self.views, self.language = views, views.language
        t = self.t = dashboard_texts(self.language)
        meta = views.meta
        units_c = meta["groups"]["customer"].get("unit", [])
        units = [u for u in meta["groups"]["employee"].get("unit", []) if u in set(units_c)]
        seg = lambda side, dims: [(f"{pretty(d)}: {g}", (d, g)) for d in dims  # noqa: E731
                                  for g in (_employee_groups(views, d) if side == "employee"
                                            else meta["groups"][side].get(d, []))]
        dims = {side: [d for d in meta["dimensions"][side] if d != "unit"] for side in SIDES}
        touchpoints = list(dict.fromkeys(i.touchpoint for i in views.items if i.touchpoint))
        themes = list(dict.fromkeys(i.theme for i in views.items if i.theme))
        waves = views.waves()
        self.controls = {
            "wave": widgets.Dropdown(options=waves, disabled=len(waves) < 2),
            "unit": widgets.Dropdown(options=[(t["all_units"], ALL)] + [(u, u) for u in units]),
            "customer_segment": widgets.Dropdown(options=[(t["all_customers"], ALL)]
                                                 + seg("customer", dims["customer"])),
            "employee_segment": widgets.Dropdown(options=[(t["all_employees"], ALL)]
                                                 + seg("employee", dims["employee"])),
            "touchpoint": widgets.Dropdown(options=[(t["all_touchpoints"], ALL)]
                                           + [(touchpoint_name(p, self.language), p) for p in touchpoints]),
            "theme": widgets.Dropdown(options=[(t["all_themes"], ALL)]
                                      + [(theme_name(p, self.language), p) for p in themes]),
        }
        self.wave = default_wave(views)
        self.filters = self._make_filters()
        labels = [t["filter_wave"], t["filter_unit"], t["filter_customer_segment"], t["filter_employee_segment"],
                  t["filter_touchpoint"], t["filter_theme"]]
        for (name, control), label in zip(self.controls.items(), labels):
            # the label is the dropdown's own description (the page's CSS puts it above): fewer widget
            # models for the browser to fetch than a separate label widget and box per filter
            control.description, control.layout = label, widgets.Layout(width="auto")
            # a dropdown cannot hold None (it means "nothing selected"): "all" is ALL there, None here
            link((self, name), (control, "value"), transform=(_to_option, _from_option))
        grid = widgets.GridBox(list(self.controls.values()),
                               layout=widgets.Layout(grid_template_columns="repeat(3, minmax(0, 1fr))",
                                                     grid_gap="10px 18px", width="100%"))
        grid.add_class("mg-filter-grid")
        self.summary = widgets.HTML()
        self.summary.add_class("mg-selection")
        self.children = [grid, self.summary]
        self.add_class("mg-filter-bar")
        self._ready = True
        self._describe()

    def _make_filters(self) -> Filters:
        return Filters(wave=self.wave, unit=self.unit, customer_segment=self.customer_segment,
                       employee_segment=self.employee_segment, touchpoint=self.touchpoint, theme=self.theme)

    @observe(*_PICKS)
    def _picked(self, change):
        if getattr(self, "_ready", False):
            self.filters = self._make_filters()
            self._describe()

    def selection_text(self) -> str:
        """The picks in words, e.g. "Våg 2026 · Alla enheter · Avdelning: Verkstad"."""
        parts = [f"{self.t['filter_wave']} {self.wave}"]
        for name in self._PICKS[1:]:
            value = getattr(self, name)
            if value is not None or name == "unit":
                labels = {v: k for k, v in self.controls[name].options}
                parts.append(str(labels.get(_to_option(value), value)))
        return " · ".join(parts)

    def _describe(self) -> None:
        self.summary.value = html.escape(self.t["selection"].format(selection=self.selection_text()))
