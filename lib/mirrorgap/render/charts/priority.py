"""The priority matrix (importance–performance analysis, Martilla & James 1977): each item at
(customers' score, importance for loyalty), crosshairs at the means and the four quadrants named; a
line from each customer point to the employees' score, coloured by the gap's classification, shows
where the two sides disagree on what matters.

Seaborn's convention, like `mirrorgap.render.charts.mirror`; texts (e.g. `section(language, "drivers")`)
over the English `DEFAULT_TEXTS`. Item labels are placed by `mirrorgap.render.labels.place_labels`, most
important item first, clear of the points, the lines, the quadrant names and the plot's edges.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from mirrorgap.analyse.priority import crosshairs
from mirrorgap.render.charts.parts import fit_width, legend_on_top, note, title, wrap_label
from mirrorgap.render.labels import figure_renderer, place_labels
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "figure_for_priority", "priority_chart"]

DEFAULT_TEXTS = EnglishTexts("drivers", title="")  # "title" overrides the chart's own title when given
LABEL_WRAP = 24           # characters per line of an item label
_CLASSES = ("blind_spot", "hidden_strength", "aligned")
_PRIORITY_COLUMNS = ("item", "label", "importance", "performance", "employee_mean", "classification")


def _class_of(value) -> str:
    return str(value) if isinstance(value, str) and value in _CLASSES else "aligned"


def _limits(values: np.ndarray, *, pad: float, step: float, low: float | None = None,
            high: float | None = None) -> tuple[float, float]:
    v = values[np.isfinite(values)]
    a = np.floor((v.min() - pad) / step) * step
    b = np.ceil((v.max() + pad) / step) * step
    if low is not None:
        a = max(a, low)
    if high is not None:
        b = min(b, high)
    return float(a), float(b)


def priority_chart(priority: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None) -> Axes:
    """The priority matrix: each item at (customers' score, importance for loyalty), crosshairs at the
    means of both axes, the four quadrants named in their corners, and a line from each customer point
    to the employees' score of the item, coloured by the gap's classification (blind spot, hidden
    strength, aligned). Labels are nudged clear of each other (`place_labels`).

    priority: the priority table (`priority.priority_table`): item, label, importance, performance,
        employee_mean, classification. Items without importance or performance are left out; an item
        without an employee score (suppressed) gets no line.
    ax: the Axes to draw on (default `plt.gca()`). Size the figure before calling: the label placement
        is measured on it (see `figure_for_priority`).
    texts: display strings over `DEFAULT_TEXTS` (priority_title or title, importance_axis,
        performance_axis, the four quadrant names, customer_score, employee_score, blind_spot,
        hidden_strength, aligned, priority_note).
    Returns the Axes.
    """
    require_columns(priority, _PRIORITY_COLUMNS, "priority table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    c = HOUSE_COLORS
    df = priority[priority["importance"].notna() & priority["performance"].notna()].reset_index(drop=True)
    imp_at, perf_at = crosshairs(df)
    imp = df["importance"].astype(float).to_numpy()
    perf = df["performance"].astype(float).to_numpy()
    emp = df["employee_mean"].astype(float).to_numpy()
    classes = [_class_of(v) for v in df["classification"]]

    # limits first: the label placement measures in display space
    x0, x1 = _limits(np.r_[perf, emp, perf_at] if len(df) else np.array([0.0, 100.0]), pad=4, step=5,
                     low=0, high=100)
    top = max(imp.max() if len(df) else 1.0, imp_at if np.isfinite(imp_at) else 0.0)
    y1 = float(np.ceil(top * 1.15 / 2) * 2)
    ax.set_xlim(x0, x1)
    ax.set_ylim(0, y1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_color("#BFBFBF")
    ax.grid(False)
    ax.tick_params(length=0, colors=c["neutral"])
    ax.set_xlabel(t["performance_axis"], color=c["neutral"], labelpad=8)
    ax.set_ylabel(t["importance_axis"], color=c["neutral"], labelpad=8)
    title(ax, t["title"] or t["priority_title"], pad=34)

    if np.isfinite(imp_at):
        # the quadrant to act on, softly tinted; crosshairs at the means
        ax.fill_between([x0, perf_at], imp_at, y1, color=tint(c["blind_spot"], 0.06), zorder=0, linewidth=0,
                        gid="concentrate_area")
        ax.axvline(perf_at, color=c["muted"], linewidth=0.9, linestyle=(0, (4, 3)), zorder=1, gid="crosshair")
        ax.axhline(imp_at, color=c["muted"], linewidth=0.9, linestyle=(0, (4, 3)), zorder=1, gid="crosshair")
    corner = dict(fontsize=10.5, color=c["muted"], fontweight="bold", zorder=1, gid="quadrant_name")
    pad = 0.015
    quadrant_texts = [
        ax.text(pad, 1 - pad, t["concentrate_here"], transform=ax.transAxes, ha="left", va="top", **corner),
        ax.text(1 - pad, 1 - pad, t["keep_up_the_good_work"], transform=ax.transAxes, ha="right", va="top",
                **corner),
        ax.text(pad, pad, t["low_priority"], transform=ax.transAxes, ha="left", va="bottom", **corner),
        ax.text(1 - pad, pad, t["possible_overkill"], transform=ax.transAxes, ha="right", va="bottom",
                **corner),
    ]

    # employee lines and markers, coloured by the gap's classification
    has_emp = np.isfinite(emp)
    for k in np.flatnonzero(has_emp):
        loud = classes[k] != "aligned"
        colour = c[classes[k]] if loud else "#A6A6A6"
        ax.plot([perf[k], emp[k]], [imp[k], imp[k]], color=colour, linewidth=2.2 if loud else 1.3,
                zorder=2.2 if loud else 2, solid_capstyle="butt", gid=f"employee_line_{classes[k]}")
        ax.plot([emp[k]], [imp[k]], marker="D", markersize=6.5 if loud else 5.5, color=colour,
                markeredgecolor="white", markeredgewidth=0.8, linestyle="none", zorder=3,
                gid="employee_marker")
    ax.scatter(perf, imp, s=80, color=c["customer"], edgecolors="white", linewidths=1.2, zorder=4,
               gid="customer_points")

    # obstacles for the labels: points, markers, lines, the corner names
    fig = ax.figure
    renderer = figure_renderer(fig)
    to_px = ax.transData.transform
    r_pt = 6.0 * fig.dpi / 72.0
    hard = [Bbox.from_extents(px - r_pt, py - r_pt, px + r_pt, py + r_pt)
            for px, py in to_px(np.c_[perf, imp])]
    hard += [Bbox.from_extents(px - r_pt * 0.8, py - r_pt * 0.8, px + r_pt * 0.8, py + r_pt * 0.8)
             for px, py in to_px(np.c_[emp, imp][has_emp])]
    hard += [q.get_window_extent(renderer) for q in quadrant_texts]
    soft = []
    for k in np.flatnonzero(has_emp):
        (ax_, ay), (bx, _by) = to_px([(perf[k], imp[k]), (emp[k], imp[k])])
        soft.append(Bbox.from_extents(min(ax_, bx), ay - 2, max(ax_, bx), ay + 2))
    if np.isfinite(imp_at):
        (cx, cy), = to_px([(perf_at, imp_at)])
        frame = ax.get_window_extent(renderer)
        soft += [Bbox.from_extents(cx - 1, frame.y0, cx + 1, frame.y1),
                 Bbox.from_extents(frame.x0, cy - 1, frame.x1, cy + 1)]
    important = imp >= imp_at
    labels = [wrap_label(lab, LABEL_WRAP) for lab in df["label"]]
    place_labels(ax, perf, imp, labels, obstacles=hard, soft_obstacles=soft,
                 order=list(np.argsort(-imp, kind="stable")), fontsize=9.5, linespacing=1.05,
                 color=c["text"], fontweight=["bold" if v else "normal" for v in important])

    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=8.5, markerfacecolor=c["customer"],
               markeredgecolor="white", label=t["customer_score"]),
        Line2D([], [], marker="D", linestyle="none", markersize=6, markerfacecolor=c["neutral"],
               markeredgecolor="white", label=t["employee_score"] + ":"),
    ]
    for cls in _CLASSES:
        if cls in classes:
            colour = c[cls] if cls != "aligned" else "#A6A6A6"
            handles.append(Line2D([], [], color=colour, linewidth=2.2 if cls != "aligned" else 1.3,
                                  marker="D", markersize=5.5, markeredgecolor="white", label=t[cls]))
    legend_on_top(ax, handles, columnspacing=1.4, handlelength=1.8, fontsize=9.5)
    note(ax, fit_width(ax, t["priority_note"]), gid="footnote", offset=40)
    return ax


def figure_for_priority() -> tuple[Figure, Axes]:
    """A figure sized for the priority matrix (11 × 7.5 in; fits a 16:9 slide). Returns (figure, axes)."""
    fig, ax = plt.subplots(figsize=(11, 7.5))
    return fig, ax
