"""The client dashboard's widgets: a filter bar and five panels (overview, mirror, gap table, units,
item by item), each a class whose state lives in traitlets.

Every figure comes from an `AggregateViews` (anonymised counts; `mirrorgap.aggregate.views`), never from raw
rows. The notebook only builds and links them:

    bar = FilterBar(views)
    panels = [OverviewPanel(views), MirrorPanel(views), GapTablePanel(views), UnitPanel(views), ItemPanel(views)]
    for panel in panels:
        dlink((bar, "filters"), (panel, "filters"))
    Dashboard(bar, panels)

A panel redraws when its `filters` or `views` change, but only while `shown` (the visible tab):
hidden panels are marked stale and drawn when their tab is opened, so a filter change costs one
chart, not five. `renders` counts the redraws (tests and benchmarks read it).
"""
from __future__ import annotations

import html
import math
from dataclasses import replace

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from traitlets import Any, Bool, Instance, Int, Unicode, link, observe

from mirrorgap.aggregate.views import SIDES, Filters
from mirrorgap.analyse.gaps import display_label
from mirrorgap.config.numbers import fmt_count, fmt_number
from mirrorgap.config.texts import section
from mirrorgap.render.charts.answers import answer_distribution_chart
from mirrorgap.render.charts.mirror import mirror_chart
from mirrorgap.render.charts.nps import nps_chart
from mirrorgap.render.findings import item_findings, shared_findings
from mirrorgap.render.heatmap_html import heatmap_html
from mirrorgap.render.style import png_bytes, set_theme
from mirrorgap.render.words import chart_texts, unit_chart_texts

__all__ = ["Dashboard", "FilterBar", "GapTablePanel", "ItemPanel", "MirrorPanel", "OverviewPanel", "Panel",
           "UnitPanel", "dashboard_texts", "default_wave", "gap_table_html",
           "unit_gap_table", "value_labels"]

ALL = ""  # the "all" option of a filter dropdown (None would mean "nothing selected" there)
DPI = 130  # screen resolution of the chart PNGs: sharp at 1100 px wide, light over the websocket
NBSP = "\u00a0"


# ---------------------------------------------------------------------------------------------------
# texts and numbers

def dashboard_texts(language: str) -> dict[str, str]:
    """The dashboard's own texts (heading `dashboard:`) in one language."""
    return section(language, "dashboard")


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _pretty(name: str) -> str:
    """A column or id as a heading: 'anstallningstid' -> 'Anstallningstid', 'extra_mile' -> 'Extra mile'."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def touchpoint_name(touchpoint: str, language: str) -> str:
    return section(language, "touchpoint").get(touchpoint) or _pretty(touchpoint)


def theme_name(theme: str, language: str) -> str:
    return section(language, "dashboard").get(f"themes.{theme}") or _pretty(theme)


def value_labels(item, side: str, language: str) -> dict[float, str]:
    """Answer value -> label for one item on one side. On a 1–5 scale the agree labels; a reversed
    item's scores were turned (higher = better), so a turned value carries the label of the answer
    actually given. Other scales: the numbers themselves."""
    scale = getattr(item, f"{side}_scale")
    lo, hi = int(scale.min), int(scale.max)
    if (lo, hi) == (1, 5):
        agree = section(language, "dashboard")
        return {float(v): agree[f"agree.a{(lo + hi - v) if item.reversed else v}"] for v in range(lo, hi + 1)}
    return {float(v): str(v) for v in range(lo, hi + 1)} if hi - lo <= 10 else {}


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


# ---------------------------------------------------------------------------------------------------
# computations on top of the views

def unit_gap_table(views, filters: Filters) -> pd.DataFrame:
    """Per unit and item the gap with its CI (for the heatmap's bold cue), suppressed where either side
    is. Columns: group, item, label, gap, gap_ci_low, gap_ci_high, suppressed. The unit filter itself
    is ignored (every unit is a column)."""
    return views.unit_gaps(filters)


_STYLED = []


def _house_style() -> None:
    """The house chart style, applied once per process (it sets matplotlib's global rcParams)."""
    if not _STYLED:
        set_theme()
        _STYLED.append(True)


def _png(fig: Figure) -> bytes:
    """The chart as PNG; then the figure is emptied. A figure is a reference cycle that only Python's
    occasional full collection frees, and each one left behind holds its artists and pixel buffer:
    a dozen filter changes on a 30-item engagement kept ~90 MB in a kernel that way."""
    try:
        return png_bytes(fig, dpi=DPI)
    finally:
        fig.clear()


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing is kept in a global registry, nothing is shown by a backend."""
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


# ---------------------------------------------------------------------------------------------------
# the gap table as HTML

def gap_table_html(gaps: pd.DataFrame, language: str, *, metric: str = "mean") -> str:
    """The gap table as a formatted HTML table in the engagement language. Suppressed cells read
    "too few answers"; their n is not shown either. metric "top_box" labels the columns as shares."""
    t, words = dashboard_texts(language), section(language, "classification")
    table = section(language, "table")
    f = lambda v, **kw: fmt_number(v, language, **kw)  # noqa: E731
    too_few = f'<span class="mg-too-few">{html.escape(t["too_few"])}</span>'
    unit = f"{NBSP}%" if metric == "top_box" else ""
    rows = []
    for r in gaps.itertuples():
        cells = []
        for side in SIDES:
            mean, n = getattr(r, f"{side}_mean"), getattr(r, f"{side}_n")
            cells.append(too_few if _missing(mean) else
                         f'{f(mean)}{unit}<span class="mg-n">{t["n_answers"].format(n=fmt_count(n, language))}</span>')
        if r.classification == "suppressed" or _missing(r.gap):
            gap, ci = "–", "–"
        else:
            gap = f(r.gap, signed=True)
            ci = t["ci_range"].format(low=f(r.gap_ci_low, signed=True), high=f(r.gap_ci_high, signed=True))
        cls = r.classification
        result = f'<span class="mg-badge mg-{cls}">{html.escape(words[cls])}</span>'
        tp = touchpoint_name(r.touchpoint, language) if r.touchpoint else ""
        rows.append(f'<tr class="mg-row-{cls}"><td class="mg-item">{html.escape(str(r.label))}</td>'
                    f'<td class="mg-tp">{html.escape(tp)}</td><td class="mg-num">{cells[0]}</td>'
                    f'<td class="mg-num">{cells[1]}</td><td class="mg-num mg-gap">{gap}</td>'
                    f'<td class="mg-num mg-ci">{ci}</td><td>{result}</td></tr>')
    headings = [table["item"], table["touchpoint"], t["table_customer"], t["table_employee"], t["table_gap"],
                t["table_ci"], t["table_result"]]
    head = "".join(f'<th class="mg-num">{html.escape(h)}</th>' if 2 <= i <= 5 else f"<th>{html.escape(h)}</th>"
                   for i, h in enumerate(headings))
    return f'<table class="mg-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# ---------------------------------------------------------------------------------------------------
# widgets

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
        seg = lambda side, dims: [(f"{_pretty(d)}: {g}", (d, g)) for d in dims  # noqa: E731
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


class OverviewPanel(Panel):
    """Respondents per side, NPS and eNPS, how many blind spots and hidden strengths, the findings in
    words, and the NPS/eNPS chart."""

    title_key = "tab_overview"

    def __init__(self, views, **kwargs):
        self.cards, self.findings = widgets.HTML(), widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="980px"))
        super().__init__(views, **kwargs)
        self.children = [self.cards, self.findings, self.image]

    def render(self) -> None:
        t, lang = self.t, self.language
        gaps, nps = self.views.gap_table(self.filters), self.views.nps_table(self.filters)
        self.gaps, self.nps = gaps, nps
        by_side = {r.side: r for r in nps.itertuples()}
        n_items = len(gaps)
        counts = gaps["classification"].value_counts()
        cards = []
        for side, key in (("customer", "customers_answered"), ("employee", "employees_answered")):
            n = self.views.respondents(side, self.filters)
            cards.append(self._card(t[key], None if math.isnan(n) else fmt_count(n, lang), None))
        for side, key in (("customer", "kpi_nps"), ("employee", "kpi_enps")):
            r = by_side.get(side)
            if r is None or _missing(r.nps):
                cards.append(self._card(t[key], None, None))
            else:
                ci = t["kpi_ci"].format(low=fmt_number(r.ci_low, lang, signed=True),
                                        high=fmt_number(r.ci_high, lang, signed=True))
                cards.append(self._card(t[key], fmt_number(r.nps, lang, signed=True), ci))
        for cls, key in (("blind_spot", "kpi_blind_spots"), ("hidden_strength", "kpi_hidden_strengths")):
            cards.append(self._card(t[key], str(int(counts.get(cls, 0))), t["kpi_of_items"].format(n=n_items),
                                    css=f"mg-kpi-{cls}"))
        notes = [t[f"{side}s_hidden"] for side in SIDES if gaps[f"{side}_mean"].isna().all()]
        self.cards.value = ('<div class="mg-kpis">' + "".join(cards) + "</div>"
                            + "".join(f'<p class="mg-note">{html.escape(n)}</p>' for n in notes))
        self.findings.value = self._findings_html(gaps)
        fig, ax = _figure(10, 1.6 + 0.72 * 2)
        ct = self.chart_texts()
        nps_chart(nps, ax=ax, texts={**ct, "title": ct["nps_title"]})
        self.image.value = _png(fig)

    def _card(self, label: str, value: str | None, detail: str | None, *, css: str = "") -> str:
        shown = (f'<div class="mg-kpi-value">{html.escape(value)}</div>' if value is not None else
                 f'<div class="mg-kpi-value mg-too-few">{html.escape(self.t["too_few"])}</div>')
        extra = f'<div class="mg-kpi-detail">{html.escape(detail)}</div>' if detail else ""
        return f'<div class="mg-kpi {css}"><div class="mg-kpi-label">{html.escape(label)}</div>{shown}{extra}</div>'

    def _findings_html(self, gaps: pd.DataFrame) -> str:
        lang, words = self.language, section(self.language, "finding")
        found = item_findings(gaps, lang)
        parts = [f'<h3 class="mg-h3">{html.escape(self.t["findings_heading"])}</h3>']
        for kind, heading in (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading")):
            if found[kind]:
                items = "".join(f"<li>{html.escape(s)}</li>" for s in found[kind])
                parts.append(f'<div class="mg-finding mg-finding-{kind}"><h4>{html.escape(words[heading])}</h4>'
                             f"<ul>{items}</ul></div>")
        if not found["blind_spot"] and not found["hidden_strength"]:
            parts.append(f'<p>{html.escape(section(lang, "report")["no_findings"])}</p>')
        parts += [f'<p class="mg-shared">{html.escape(s)}</p>' for s in shared_findings(gaps, lang)]
        return '<div class="mg-findings">' + "".join(parts) + "</div>"


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
        fig, ax = _figure(10, 1.7 + 0.46 * max(len(gaps), 1))
        mirror_chart(gaps, ax=ax, texts={**ct, "title": ct["mirror_title"]},
                     threshold=self.views.analysis.gap_threshold)
        self.image.value = _png(fig)


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
        self.note.value = "".join(f'<p class="mg-note">{html.escape(n)}</p>' for n in notes)
        if table.empty:
            self.heatmap.value = ""
            return
        overall = self.views.gap_table(replace(self.filters, unit=None))
        texts = {**unit_chart_texts(self.language), "too_few": t["too_few"]}
        self.heatmap.value = heatmap_html(table, overall, texts, language=self.language)


class ItemPanel(Panel):
    """One item at a time: both sides' answer distributions, with average, top box and n per side."""

    item = Unicode()
    title_key = "tab_item"

    def __init__(self, views, **kwargs):
        lang = views.language
        self.picker = widgets.Dropdown(options=[(display_label(i, lang), i.id) for i in views.items],
                                       layout=widgets.Layout(width="420px"))
        self.stats, self.image = widgets.HTML(), widgets.Image(format="png", layout=widgets.Layout(
            width="100%", max_width="980px"))
        super().__init__(views, **kwargs)
        self.item = views.items[0].id
        widgets.link((self.picker, "value"), (self, "item"))
        self.picker.description = dashboard_texts(lang)["item_label"]
        self.picker.add_class("mg-picker")
        self.children = [self.picker, self.stats, self.image]

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
        words = section(lang, "side")
        lines = []
        for side in SIDES:
            if dist[dist["side"] == side].empty or _missing(row[f"{side}_mean"]):
                lines.append(f"<b>{html.escape(words[side])}</b>: "
                             f'<span class="mg-too-few">{html.escape(t["too_few"])}</span>')
            else:
                mean = row.get(f"{side}_mean_pomp", row[f"{side}_mean"])  # the top-box views keep the mean there
                lines.append(f"<b>{html.escape(words[side])}</b>: " + html.escape(t["distribution_stats"].format(
                    mean=fmt_number(mean, lang), top=fmt_number(row[f"{side}_top_box"], lang),
                    n=fmt_count(row[f"{side}_n"], lang))))
        if item.reversed:
            lines.append(f'<span class="mg-note">{html.escape(t["reversed_note"])}</span>')
        self.stats.value = '<div class="mg-item-stats">' + "<br>".join(lines) + "</div>"
        labels = value_labels(item, "customer", lang)
        fig, ax = _figure(10, 1.9 + 0.62 * max(len(labels), dist["value"].nunique(), 1))
        label = display_label(item, lang)
        answer_distribution_chart(dist, ax=ax, labels=labels, texts={
            **words, "too_few": t["too_few"], "distribution_axis": t["distribution_axis"],
            "title": t["distribution_title"].format(label=label)})
        self.image.value = _png(fig)


class Dashboard(widgets.VBox):
    """The filter bar above the panels as tabs; only the open tab's panel is `shown` (drawn)."""

    def __init__(self, bar: FilterBar, panels: list[Panel], **kwargs):
        super().__init__(**kwargs)
        self.bar, self.panels = bar, panels
        self.tabs = widgets.Tab(children=panels, titles=[p.title for p in panels])
        self.tabs.add_class("mg-tabs")
        self.tabs.observe(self._tab_changed, names="selected_index")
        self.tabs.selected_index = 0
        self._tab_changed({"new": 0})
        self.children = [bar, self.tabs]
        self.add_class("mg-dashboard")

    def __repr__(self) -> str:
        # the notebook's last line displays this widget; its text/plain stand-in reaches the page, so it
        # names nothing of the code behind it
        return "Dashboard"

    def _tab_changed(self, change) -> None:
        for k, panel in enumerate(self.panels):
            panel.shown = k == change["new"]
