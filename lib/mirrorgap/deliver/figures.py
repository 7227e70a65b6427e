"""The run's charts in the engagement language: drawn once, shown in the notebook, saved for the report."""
from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.cores import Forked, Turns, older_objects_frozen, second_core
from mirrorgap.config.texts import section
from mirrorgap.render.charts.drivers import drivers_chart, figure_for_drivers
from mirrorgap.render.charts.gap import gap_chart
from mirrorgap.render.charts.heatmap import gap_heatmap, heatmap_figure
from mirrorgap.render.charts.linkage import linkage_chart
from mirrorgap.render.charts.mirror import mirror_chart, touchpoint_chart
from mirrorgap.render.charts.nps import nps_chart
from mirrorgap.render.charts.priority import figure_for_priority, priority_chart
from mirrorgap.render.charts.pulse import pulse_chart, pulse_figure
from mirrorgap.render.charts.rows import figure_for
from mirrorgap.render.charts.themes import has_mentions, themes_chart, themes_figure
from mirrorgap.render.charts.trends import trend_chart, trend_figure
from mirrorgap.render.style import png_bytes, set_theme
from mirrorgap.render.words import chart_texts, comment_chart_texts, unit_chart_texts


def make_figures(results: Results) -> dict[str, Figure]:
    """Every chart of the run as a figure: the mirror chart, the gap chart, the NPS/eNPS chart and the
    insight charts the run has."""
    set_theme()
    return {name: make() for name, make in figure_makers(results).items()}


def figure_makers(results: Results) -> dict[str, Callable[[], Figure]]:
    """Per chart of the run, in the order the run shows them, a function that draws it (so charts can
    be drawn one at a time, in any process that holds the results)."""
    lang = results.engagement.language
    t = chart_texts(lang, results.engagement.analysis.metric)
    threshold = results.engagement.analysis.gap_threshold
    n = len(results.gaps)

    def mirror():
        fig, ax = figure_for("mirror", n)
        mirror_chart(results.gaps, ax=ax, texts={**t, "title": t["mirror_title"]}, threshold=threshold)
        return fig

    def gap():
        fig, ax = figure_for("gap", n)
        gap_chart(results.gaps, ax=ax, texts={**t, "title": t["gap_title"]}, threshold=threshold)
        return fig

    def nps():
        fig, ax = figure_for("nps", len(results.nps))
        nps_chart(results.nps, ax=ax, texts={**t, "title": t["nps_title"]})
        return fig

    return {"mirror": mirror, "gap": gap, "nps": nps, **insight_makers(results)}


def insight_figures(results: Results) -> dict[str, Figure]:
    """Charts of the insight tables that the run has (drivers, priority, trends, pulse, units, themes)."""
    return {name: make() for name, make in insight_makers(results).items()}


def insight_makers(results: Results) -> dict[str, Callable[[], Figure]]:
    """`figure_makers` of the insight tables that the run has (drivers, priority, trends, pulse, units,
    themes)."""
    lang, analysis = results.engagement.language, results.engagement.analysis
    tables, makers = results.tables, {}
    conf = 1 - analysis.alpha
    drivers = tables.get("drivers")
    if drivers is not None and drivers["weight_pct"].notna().any():
        def drivers_figure():
            fig, ax = figure_for_drivers(int((drivers["side"] == "customer").sum()))
            drivers_chart(drivers, side="customer", ax=ax, texts=section(lang, "drivers"), conf=conf, language=lang)
            return fig
        makers["drivers"] = drivers_figure
    priority = tables.get("priority")
    if priority is not None and priority["quadrant"].astype(bool).any():
        def priority_figure():
            fig, ax = figure_for_priority()
            priority_chart(priority, ax=ax, texts=section(lang, "drivers"))
            return fig
        makers["priority"] = priority_figure
    trends = tables.get("trends")
    if trends is not None and not trends.empty:
        def trends_figure():
            fig, ax = trend_figure(trends)
            trend_chart(trends, ax=ax, texts=section(lang, "trends"), conf=conf, language=lang)
            return fig
        makers["trends"] = trends_figure
    pulse = tables.get("pulse")
    if pulse is not None and not pulse.empty:
        def pulse_drawn():
            fig, ax = pulse_figure(pulse)
            texts = section(lang, "trends")
            if results.engagement.pulse is not None and results.engagement.pulse.weighted:
                texts = {**texts, "pulse_note": texts["pulse_note_weighted"]}
            pulse_chart(pulse, ax=ax, texts=texts, conf=conf, language=lang)
            return fig
        makers["pulse"] = pulse_drawn
    makers.update(_unit_makers(results))
    themes = tables.get("themes")
    if themes is not None and has_mentions(themes):  # no comments in the wave: no empty chart
        def themes_drawn():
            fig, ax = themes_figure(themes)
            themes_chart(themes, ax=ax, texts=comment_chart_texts(lang), min_n_comments=analysis.min_n_comments)
            return fig
        makers["themes"] = themes_drawn
    return makers


def chart_pngs(results: Results, *, dpi: int = 150, figures: dict[str, Figure] | None = None) -> dict[str, bytes]:
    """The charts as PNG bytes, in `figure_makers` order; draws them unless `figures` (from
    `make_figures`) are given. Figures are closed after rendering. Drawn on two cores where there are
    two idle (`cores.second_core`): this process and a forked child each draw the next chart not yet
    taken (drawing is pure Python: threads would take turns)."""
    if figures is not None:
        try:
            return {name: png_bytes(fig, dpi=dpi) for name, fig in figures.items()}
        finally:
            for fig in figures.values():
                plt.close(fig)
    set_theme()
    makers = figure_makers(results)
    names = list(makers)
    with older_objects_frozen():
        # the first chart is drawn before the fork: its fonts and text layouts are then loaded once, for both
        pngs = _draw_pngs(makers, names[:1], dpi)
        if second_core() and len(names) > 2:
            turns = Turns(len(names), start=1)  # each process draws the next chart not yet taken
            theirs = Forked(_draw_turns, makers, names, dpi, turns)
            pngs.update(_draw_turns(makers, names, dpi, turns))
            pngs.update(theirs.result())
        else:
            pngs.update(_draw_pngs(makers, names[1:], dpi))
    return {name: pngs[name] for name in names}


def _draw_turns(makers: dict[str, Callable[[], Figure]], names: list[str], dpi: int, turns: Turns) -> dict[str, bytes]:
    pngs = {}
    while (index := turns.take()) is not None:
        pngs.update(_draw_pngs(makers, [names[index]], dpi))
    return pngs


def _draw_pngs(makers: dict[str, Callable[[], Figure]], names: list[str], dpi: int) -> dict[str, bytes]:
    pngs = {}
    for name in names:
        fig = makers[name]()
        try:
            pngs[name] = png_bytes(fig, dpi=dpi)
        finally:
            plt.close(fig)
    return pngs


def _unit_makers(results: Results) -> dict[str, Callable[[], Figure]]:
    """Unit heatmap, segment heatmaps, linkage scatter, touchpoint mirror and employee-journey heatmap,
    where present."""
    tables, makers = results.tables, {}
    t = unit_chart_texts(results.engagement.language)
    threshold = results.engagement.analysis.gap_threshold

    def heatmap(table, title, overall=None):
        def drawn():
            fig, ax = heatmap_figure(table, overall=overall)
            gap_heatmap(table, ax=ax, texts={**t, "title": title}, overall=overall)
            return fig
        return drawn

    units = tables.get("units")
    if units is not None and not units.empty:
        makers["heatmap"] = heatmap(units, t["heatmap_title"], results.gaps)
    segments = tables.get("segments")
    if segments is not None and not segments.empty:
        for by, table in segments.groupby("by", sort=False):
            makers[f"segment_{by}"] = heatmap(table, f"{t['segment_heatmap_title']} ({by})", results.gaps)
    links, summary = tables.get("linkage"), results.texts.get("linkage")
    if links is not None and summary is not None and summary.n_units >= 3:
        def linkage():
            fig, ax = plt.subplots(figsize=(9, 6.5))
            linkage_chart(links, summary, ax=ax, texts={**t, "title": t["linkage_title"]},
                          language=results.engagement.language)
            return fig
        makers["linkage"] = linkage
    touchpoints = tables.get("touchpoints")
    if touchpoints is not None and not touchpoints.empty:
        def touchpoint():
            fig, ax = figure_for("mirror", len(touchpoints))
            touchpoint_chart(touchpoints, ax=ax, texts={**t, "title": t["touchpoint_title"]}, threshold=threshold)
            return fig
        makers["touchpoints"] = touchpoint
    journeys = tables.get("journeys")
    if journeys is not None and not journeys.empty:
        makers["journeys"] = heatmap(journeys, t["journey_title"])
    return makers
