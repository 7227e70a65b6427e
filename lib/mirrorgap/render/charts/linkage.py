"""The linkage scatter: one point per unit, employees' index across and customers' up, every unit
named, the fitted line with its band over the units' range and the correlations in a corner.

Seaborn's convention, like `mirrorgap.render.charts.mirror`; texts (`linkage_*`, title) over the English
`DEFAULT_TEXTS`, e.g. `mirrorgap.render.words.unit_chart_texts(language)`. Call
`mirrorgap.render.style.set_theme()` before drawing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from mirrorgap.config.numbers import fmt_number
from mirrorgap.render.charts.parts import note, title
from mirrorgap.render.labels import LabelSearch, place_labels
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts
from mirrorgap.stats.regression import line_fit_band

if TYPE_CHECKING:  # analyse.linkage loads scipy.stats, which a chart has no need of
    from mirrorgap.analyse.linkage import LinkageSummary

__all__ = ["DEFAULT_TEXTS", "linkage_chart"]

DEFAULT_TEXTS = EnglishTexts("units", title="")

# unit labels: one ring of eight spots right next to the point; the other points weigh like labels
_NEXT_TO_THE_POINT = LabelSearch(
    rings=((0.0, ((9, 7, "left", "bottom"), (9, -7, "left", "top"), (-9, 7, "right", "bottom"),
                  (-9, -7, "right", "top"), (0, 11, "center", "bottom"), (0, -11, "center", "top"),
                  (12, 0, "left", "center"), (-12, 0, "right", "center"))),),
    hard=3.0, others=3.0, point_px=6.0, soft=0.5, outside=4.0, distance=0.0, rank=0.0, pad=(0.0, 0.0),
    leader_at=None)


def _index_kind(table: pd.DataFrame, column: str) -> str:
    return str(table[column].iloc[0]) if column in table.columns and len(table) else "items"


def _stats_box(ax: Axes, summary: LinkageSummary, t: dict, language: str):
    """r and rho with their CIs and the number of units, in the corner the cloud leaves free."""
    f = lambda v: fmt_number(v, language, decimals=2)  # noqa: E731
    lines = [t["linkage_r"].format(r=f(summary.pearson_r), low=f(summary.pearson_ci_low),
                                   high=f(summary.pearson_ci_high)),
             t["linkage_rho"].format(rho=f(summary.spearman_rho), low=f(summary.spearman_ci_low),
                                     high=f(summary.spearman_ci_high)),
             t["linkage_units"].format(n_units=summary.n_units)]
    right = bool(np.isfinite(summary.pearson_r) and summary.pearson_r < 0)  # a falling cloud leaves top right
    return ax.text(0.98 if right else 0.02, 0.97, "\n".join(lines), transform=ax.transAxes,
                   ha="right" if right else "left", va="top", fontsize=10, color=HOUSE_COLORS["text"],
                   linespacing=1.5, gid="linkage_stats", zorder=6,
                   bbox=dict(boxstyle="round,pad=0.5", fc="white", ec=HOUSE_COLORS["grid"], alpha=0.95))


def linkage_chart(linkage_table: pd.DataFrame, summary: LinkageSummary, *, ax: Axes | None = None,
                  texts: dict | None = None, language: str = "en") -> Axes:
    """Scatter of the units in the correlation: employee index across, customer index up, every point
    labelled with its unit (placed so labels do not overlap), the OLS line with its 95% band over the
    units' range, and r (with its Fisher-z CI), Spearman's rho and the number of units in a corner.

    linkage_table: `linkage.linkage_table(...)` (unit, employee_index, customer_index, included,
        employee_index_kind, customer_index_kind). Units not included are named in a note, not drawn.
    summary: `linkage.linkage_summary(...)` of the same table.
    ax: the Axes (default `plt.gca()`). texts: over `DEFAULT_TEXTS` (title, linkage_*).
    language: how the statistics are written (`mirrorgap.config.numbers`).
    Returns the Axes.
    """
    require_columns(linkage_table, ("unit", "employee_index", "customer_index", "included"), "linkage table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    c = HOUSE_COLORS
    used = linkage_table[linkage_table["included"]].reset_index(drop=True)
    x = used["employee_index"].to_numpy(dtype=float)
    y = used["customer_index"].to_numpy(dtype=float)
    ax.set_xlabel(t[f"linkage_employee_{_index_kind(linkage_table, 'employee_index_kind')}"],
                  color=c["neutral"], labelpad=8)
    ax.set_ylabel(t[f"linkage_customer_{_index_kind(linkage_table, 'customer_index_kind')}"],
                  color=c["neutral"], labelpad=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color=c["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    title(ax, t["title"], pad=12)

    if len(used):  # room around the cloud for labels, and above it for the statistics box
        span_x, span_y = max(np.ptp(x), 2.0), max(np.ptp(y), 2.0)
        ax.set_xlim(x.min() - 0.28 * span_x, x.max() + 0.28 * span_x)
        ax.set_ylim(y.min() - 0.22 * span_y, y.max() + 0.34 * span_y)
    line_points = []
    if len(used) >= 2 and np.ptp(x) > 0:
        grid = np.linspace(x.min(), x.max(), 100)  # over the units' own range: no extrapolation
        fit, low, high = line_fit_band(x, y, grid, conf=summary.conf)
        if low is not None:
            ax.fill_between(grid, low, high, color=tint(c["customer"], 0.14), linewidth=0, zorder=1,
                            gid="fit_band", label=t["linkage_fit"])
        ax.plot(grid, fit, color=tint(c["customer"], 0.75), linewidth=1.6, zorder=2, gid="fit_line")
        line_points = list(zip(grid[::5], fit[::5]))
    ax.scatter(x, y, s=80, color=c["customer"], edgecolors="white", linewidths=1.3, zorder=4, gid="units")
    stats = _stats_box(ax, summary, t, language)

    if len(used):
        if ax.figure.get_layout_engine() is not None:  # it moves the axes when drawing: fix them first
            ax.figure.canvas.draw()
        ax.apply_aspect()  # else the limits are set and the axes in place: positions measure without a drawing
        renderer = ax.figure.canvas.get_renderer()
        soft = [Bbox.from_extents(px - 4, py - 4, px + 4, py + 4)
                for px, py in (ax.transData.transform(p) for p in line_points)]
        place_labels(ax, x, y, used["unit"].astype(str).tolist(), obstacles=[stats.get_window_extent(renderer)],
                     soft_obstacles=soft, order=np.argsort(-y), search=_NEXT_TO_THE_POINT, fontsize=10,
                     color=c["text"], zorder=5, gid="unit_label")

    lines = [t["linkage_note"]]
    left_out = linkage_table.loc[~linkage_table["included"], "unit"].astype(str).tolist()
    if left_out:
        lines.append(t["linkage_left_out"].format(units=", ".join(left_out)))
    note(ax, "\n".join(lines), gid="linkage_note")
    return ax
