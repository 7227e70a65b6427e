"""The run's charts in the engagement language: drawn once, shown in the notebook, saved for the report."""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .pipeline import Results
from .plots import figure_for, gap_chart, mirror_chart, nps_chart, set_theme
from .texts import section


def chart_texts(language: str) -> dict[str, str]:
    """The chart texts of the plots module, in the engagement language."""
    return {**section(language, "side"), **section(language, "classification"), **section(language, "chart")}


def make_figures(results: Results) -> dict[str, Figure]:
    """The mirror chart, the gap chart and the NPS/eNPS chart as figures."""
    set_theme()
    lang = results.engagement.language
    t = chart_texts(lang)
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
    return figs


def png_bytes(fig: Figure, *, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def chart_pngs(results: Results, *, dpi: int = 150) -> dict[str, bytes]:
    """The charts as PNG bytes (figures are closed after rendering)."""
    figs = make_figures(results)
    try:
        return {name: png_bytes(fig, dpi=dpi) for name, fig in figs.items()}
    finally:
        for fig in figs.values():
            plt.close(fig)
