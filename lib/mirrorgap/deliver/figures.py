"""The run's charts in the engagement language: drawn once, shown in the notebook, saved for the report."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from mirrorgap.analyse.pipeline import Results
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
    """The mirror chart, the gap chart and the NPS/eNPS chart as figures."""
    set_theme()
    lang = results.engagement.language
    t = chart_texts(lang, results.engagement.analysis.metric)
    threshold = results.engagement.analysis.gap_threshold
    n = len(results.gaps)
    figs = {}
    fig, ax = figure_for("mirror", n)
    mirror_chart(results.gaps, ax=ax, texts={**t, "title": t["mirror_title"]}, threshold=threshold)
    figs["mirror"] = fig
    fig, ax = figure_for("gap", n)
    gap_chart(results.gaps, ax=ax, texts={**t, "title": t["gap_title"]}, threshold=threshold)
    figs["gap"] = fig
    fig, ax = figure_for("nps", len(results.nps))
    nps_chart(results.nps, ax=ax, texts={**t, "title": t["nps_title"]})
    figs["nps"] = fig
    figs.update(insight_figures(results))
    return figs


def insight_figures(results: Results) -> dict[str, Figure]:
    """Charts of the insight tables that the run has (drivers, priority, trends, pulse, themes)."""
    lang, analysis = results.engagement.language, results.engagement.analysis
    tables, figs = results.tables, {}
    conf = 1 - analysis.alpha
    drivers = tables.get("drivers")
    if drivers is not None and drivers["weight_pct"].notna().any():
        fig, ax = figure_for_drivers(int((drivers["side"] == "customer").sum()))
        drivers_chart(drivers, side="customer", ax=ax, texts=section(lang, "drivers"), conf=conf, language=lang)
        figs["drivers"] = fig
    priority = tables.get("priority")
    if priority is not None and priority["quadrant"].astype(bool).any():
        fig, ax = figure_for_priority()
        priority_chart(priority, ax=ax, texts=section(lang, "drivers"))
        figs["priority"] = fig
    trends = tables.get("trends")
    if trends is not None and not trends.empty:
        fig, ax = trend_figure(trends)
        trend_chart(trends, ax=ax, texts=section(lang, "trends"), conf=conf, language=lang)
        figs["trends"] = fig
    pulse = tables.get("pulse")
    if pulse is not None and not pulse.empty:
        fig, ax = pulse_figure(pulse)
        texts = section(lang, "trends")
        if results.engagement.pulse is not None and results.engagement.pulse.weighted:
            texts = {**texts, "pulse_note": texts["pulse_note_weighted"]}
        pulse_chart(pulse, ax=ax, texts=texts, conf=conf, language=lang)
        figs["pulse"] = fig
    figs.update(_unit_figures(results))
    themes = tables.get("themes")
    if themes is not None and has_mentions(themes):  # no comments in the wave: no empty chart
        fig, ax = themes_figure(themes)
        themes_chart(themes, ax=ax, texts=comment_chart_texts(lang), min_n_comments=analysis.min_n_comments)
        figs["themes"] = fig
    return figs


def chart_pngs(results: Results, *, dpi: int = 150, figures: dict[str, Figure] | None = None) -> dict[str, bytes]:
    """The charts as PNG bytes; draws them unless `figures` (from `make_figures`) are given. Figures
    are closed after rendering."""
    figs = figures if figures is not None else make_figures(results)
    try:
        return {name: png_bytes(fig, dpi=dpi) for name, fig in figs.items()}
    finally:
        for fig in figs.values():
            plt.close(fig)


def _unit_figures(results: Results) -> dict[str, Figure]:
    """Unit heatmap, linkage scatter, touchpoint mirror and employee-journey heatmap, where present."""
    tables, figs = results.tables, {}
    t = unit_chart_texts(results.engagement.language)
    units = tables.get("units")
    if units is not None and not units.empty:
        fig, ax = heatmap_figure(units, overall=results.gaps)
        gap_heatmap(units, ax=ax, texts={**t, "title": t["heatmap_title"]}, overall=results.gaps)
        figs["heatmap"] = fig
    segments = tables.get("segments")
    if segments is not None and not segments.empty:
        for by, table in segments.groupby("by", sort=False):
            fig, ax = heatmap_figure(table, overall=results.gaps)
            gap_heatmap(table, ax=ax, texts={**t, "title": f"{t['segment_heatmap_title']} ({by})"}, overall=results.gaps)
            figs[f"segment_{by}"] = fig
    links, summary = tables.get("linkage"), results.texts.get("linkage")
    if links is not None and summary is not None and summary.n_units >= 3:
        fig, ax = plt.subplots(figsize=(9, 6.5))
        linkage_chart(links, summary, ax=ax, texts={**t, "title": t["linkage_title"]},
                      language=results.engagement.language)
        figs["linkage"] = fig
    touchpoints = tables.get("touchpoints")
    if touchpoints is not None and not touchpoints.empty:
        fig, ax = figure_for("mirror", len(touchpoints))
        touchpoint_chart(touchpoints, ax=ax, texts={**t, "title": t["touchpoint_title"]},
                         threshold=results.engagement.analysis.gap_threshold)
        figs["touchpoints"] = fig
    journeys = tables.get("journeys")
    if journeys is not None and not journeys.empty:
        fig, ax = heatmap_figure(journeys)
        gap_heatmap(journeys, ax=ax, texts={**t, "title": t["journey_title"]})
        figs["journeys"] = fig
    return figs
