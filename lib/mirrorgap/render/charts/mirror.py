"""The mirror (dumbbell) chart: per item, or per touchpoint, both sides' score on 0–100 joined by a
line in the classification colour, the signed gap at the right.

Seaborn's convention: the data comes first, everything else is keyword-only; each function draws on
`ax` (default `plt.gca()`), returns the Axes and never shows or saves. Display strings come from the
caller (`texts`, e.g. `mirrorgap.render.words.chart_texts(language)`, merged over the English
`DEFAULT_TEXTS` of `mirrorgap.render.charts.rows`). Call `mirrorgap.render.style.set_theme()` once before
drawing; `rows.figure_for("mirror", n)` gives a figure of the right size.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mirrorgap.render.charts.parts import legend_on_top, note, title
from mirrorgap.render.charts.rows import (
    CLASSES,
    DEFAULT_TEXTS,
    class_color,
    gap_header,
    gap_label,
    is_loud,
    item_axis,
    ordered,
    row_classes,
)
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint

__all__ = ["mirror_chart", "touchpoint_chart"]

_MIRROR_COLUMNS = ("item", "label", "customer_mean", "employee_mean", "gap", "classification")


def mirror_chart(gaps: pd.DataFrame, *, ax: Axes | None = None, sort: str = "gap",
                 texts: dict | None = None, threshold: float | None = None) -> Axes:
    """The mirror (dumbbell) chart: per item a customer dot and an employee dot on 0–100, joined by a
    line in the classification colour; rows tinted for blind spots / hidden strengths; the signed gap
    at the right.

    gaps: the gap table (item, label, customer_mean, employee_mean, gap, classification; the
        *_ci_low / *_ci_high columns are drawn as subtle intervals when present). A NaN mean is a
        suppressed side: no dot, the `too_few` note instead.
    ax: the Axes to draw on (default `plt.gca()`).
    sort: "gap" (largest blind spot at the top), "customer", "employee" or "input" (as given).
    texts: display strings over `DEFAULT_TEXTS` (customer, employee, blind_spot, hidden_strength,
        aligned, score_axis, gap_header, too_few, title, threshold_note).
    threshold: the materiality threshold in POMP points; when given, a note under the chart says it.
    Returns the Axes.
    """
    require_columns(gaps, _MIRROR_COLUMNS, "gap table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    df = ordered(gaps, sort)
    classes = row_classes(df)
    c = HOUSE_COLORS
    y = item_axis(ax, df["label"].tolist())
    n = len(df)

    # row tints: the classification is visible at a glance across the whole row
    for i, cls in enumerate(classes):
        if is_loud(cls):
            ax.axhspan(i - 0.5, i + 0.5, facecolor=tint(c[cls], 0.10), edgecolor="none", zorder=0,
                       gid=f"row_{cls}")

    cust = df["customer_mean"].astype(float).to_numpy()
    emp = df["employee_mean"].astype(float).to_numpy()
    both = ~np.isnan(cust) & ~np.isnan(emp)

    # connectors, in row order, coloured by classification
    segs = [[(cust[i], y[i]), (emp[i], y[i])] for i in range(n) if both[i]]
    seg_colors = [class_color(classes[i]) for i in range(n) if both[i]]
    seg_widths = [3.2 if is_loud(classes[i]) else 2.0 for i in range(n) if both[i]]
    ax.add_collection(LineCollection(segs, colors=seg_colors, linewidths=seg_widths, zorder=2,
                                     capstyle="butt", gid="connectors"))

    # subtle CI bars and the dots, per side
    for side, values in (("customer", cust), ("employee", emp)):
        shown = ~np.isnan(values)
        lo_col, hi_col = f"{side}_ci_low", f"{side}_ci_high"
        if lo_col in df.columns and hi_col in df.columns:
            lo = df[lo_col].astype(float).to_numpy()
            hi = df[hi_col].astype(float).to_numpy()
            ok = shown & ~np.isnan(lo) & ~np.isnan(hi)
            ci = ax.hlines(y[ok], lo[ok], hi[ok], colors=[tint(c[side], 0.40)], linewidths=1.4, zorder=1.5,
                           gid=f"{side}_ci")
            ci.set_capstyle("butt")
        ax.scatter(values[shown], y[shown], s=78, color=c[side], edgecolors="white", linewidths=1.2,
                   zorder=4, clip_on=False, label=t[side], gid=f"{side}_dots")

    # notes for suppressed sides (placed clear of the other side's dot and interval), gap column
    reach = {}
    for side, values in (("customer", cust), ("employee", emp)):
        lo = df[f"{side}_ci_low"].astype(float).to_numpy() if f"{side}_ci_low" in df.columns else values
        hi = df[f"{side}_ci_high"].astype(float).to_numpy() if f"{side}_ci_high" in df.columns else values
        reach[side] = (np.fmin(lo, values), np.fmax(hi, values))
    for i in range(n):
        missing = [s for s, v in (("customer", cust[i]), ("employee", emp[i])) if np.isnan(v)]
        if missing:
            words = "; ".join(f"{t[s]}: {t['too_few']}" for s in missing)
            if len(missing) == 2:
                x, ha = 50.0, "center"
            else:
                other = "employee" if missing == ["customer"] else "customer"
                lo, hi = reach[other][0][i], reach[other][1][i]
                # the side with more room, 2 points clear of the interval
                x, ha = (lo - 2.0, "right") if lo >= 100 - hi else (hi + 2.0, "left")
            ax.text(x, y[i], words, ha=ha, va="center", fontsize=9, style="italic",
                    color=HOUSE_COLORS["muted"], gid="too_few")
        gap_label(ax, y[i], df.at[i, "gap"], classes[i])
    gap_header(ax, t)

    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(t["score_axis"], color=c["neutral"], labelpad=8)

    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=8.5, markerfacecolor=c["customer"],
               markeredgecolor="white", label=t["customer"]),
        Line2D([], [], marker="o", linestyle="none", markersize=8.5, markerfacecolor=c["employee"],
               markeredgecolor="white", label=t["employee"]),
    ]
    for cls in CLASSES:
        if cls in classes:
            handles.append(Patch(facecolor=tint(c[cls], 0.10) if is_loud(cls) else "white",
                                 edgecolor=c[cls], linewidth=2.2 if is_loud(cls) else 1.6,
                                 label=t[cls]))
    legend_on_top(ax, handles)
    title(ax, t["title"])
    if threshold is not None:
        note(ax, t["threshold_note"].format(threshold=threshold), gid="threshold_note")
    return ax


def touchpoint_chart(touchpoint_table: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                     threshold: float | None = None, zoom: bool = True) -> Axes:
    """The mirror (dumbbell) chart per touchpoint, in journey order top to bottom: customers' and
    employees' mean POMP with CIs, joined in the classification colour, the gap at the right.

    touchpoint_table: `journeys.touchpoint_table(...)`. ax: the Axes (default `plt.gca()`).
    texts: over `DEFAULT_TEXTS` (title, customer, employee, classification names, score_axis, too_few).
    threshold: the materiality threshold, noted under the chart when given.
    zoom: narrow the score axis to the range in use (kept 0–100 when a side is suppressed).
    Returns the Axes.
    """
    require_columns(touchpoint_table, ("touchpoint", "label", "customer_mean", "employee_mean", "gap",
                                "classification"), "touchpoint table")
    table = touchpoint_table.rename(columns={"touchpoint": "item"})
    ax = mirror_chart(table, ax=ax, sort="input", texts=texts, threshold=threshold)
    if zoom:
        _zoom_scores(ax, table)
    return ax


def _zoom_scores(ax: Axes, table: pd.DataFrame) -> None:
    """Narrow the 0–100 axis to the range the dots and their CIs use (in tens), when every mean is
    there: touchpoint means cluster, and dumbbells show positions, not lengths from zero."""
    means = table[["customer_mean", "employee_mean"]].astype(float)
    if means.isna().any().any():
        return
    cis = [table[c].astype(float) for c in ("customer_ci_low", "customer_ci_high", "employee_ci_low",
                                            "employee_ci_high") if c in table.columns]
    values = pd.concat([means.stack(), *cis]).dropna()
    lo = max(0.0, 10 * np.floor((values.min() - 3) / 10))
    hi = min(100.0, 10 * np.ceil((values.max() + 3) / 10))
    ax.set_xlim(lo, hi)
    ax.set_xticks(np.arange(lo, hi + 0.1, 5 if hi - lo <= 30 else 10))
