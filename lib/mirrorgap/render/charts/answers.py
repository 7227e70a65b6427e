"""The answer distribution chart: both sides' answers to one item as grouped horizontal bars.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`: data first, everything else keyword-only,
draws on `ax` (default a new figure's, outside pyplot), returns the Axes, never shows or saves. Display
strings come from `texts` merged over the English `DEFAULT_TEXTS` (side names and the `dashboard:` texts).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts.parts import legend_on_top, title
from mirrorgap.render.style import HOUSE_COLORS, merge_texts
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "answer_distribution_chart", "answer_values", "share_axis_max", "side_shares"]

DEFAULT_TEXTS = EnglishTexts("side", "dashboard", title="")
SIDES = ("customer", "employee")
NBSP = "\u00a0"


def answer_distribution_chart(dist: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                              labels: dict[float, str] | None = None, sides=SIDES) -> Axes:
    """Both sides' answers to one item as grouped horizontal bars: one row per answer value (best at
    the top), customers and employees side by side, the share printed at each bar's end. A side
    without rows in `dist` (suppressed) gets no bars and a "too few answers" entry in the legend.

    dist: tidy frame with side, value, share (percent); ax: the Axes (default a new figure's);
    texts: customer, employee, too_few, distribution_axis, title; labels: value -> row label.
    """
    t = merge_texts(DEFAULT_TEXTS, texts)
    if ax is None:
        ax = Figure(figsize=(10, 4)).subplots()
    c = HOUSE_COLORS
    values = answer_values(dist, labels)
    y = np.arange(len(values), dtype=float)
    shares = side_shares(dist, values, sides)
    present = list(shares)
    height = 0.76 / max(len(present), 1) if len(present) > 1 else 0.5
    handles = []
    for side in sides:
        if side not in shares:
            handles.append(Patch(facecolor="white", edgecolor=c["muted"], label=f"{t[side]}: {t['too_few']}"))
            continue
        offset = (present.index(side) - (len(present) - 1) / 2) * height
        share = shares[side]
        ax.barh(y + offset, share, height=height * 0.92, color=c[side], zorder=2, gid=f"bars_{side}")
        for yi, s in zip(y + offset, share):
            ax.text(s + 0.8, yi, f"{fmt_whole(s)}{NBSP}%", va="center", ha="left", fontsize=9, color=c["neutral"],
                    gid="share_label")
        handles.append(Patch(facecolor=c[side], label=t[side]))
    ax.set_yticks(y, [(labels or {}).get(v, fmt_whole(v)) for v in values])
    ax.set_ylim(len(values) - 0.5, -0.5)
    ax.set_xlim(0, share_axis_max(dist))
    ax.set_xlabel(t["distribution_axis"], color=c["neutral"], labelpad=8)
    ax.tick_params(axis="both", length=0)
    ax.grid(False)
    ax.grid(axis="x", color=c["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    legend_on_top(ax, handles, handletextpad=None, columnspacing=None, handlelength=None)
    title(ax, t["title"])
    return ax


def answer_values(dist: pd.DataFrame, labels: dict[float, str] | None) -> list[float]:
    """The chart's rows: every labelled answer value and every value answered, best (highest) first."""
    return sorted(set(labels or {}) | set(dist["value"].astype(float).tolist()), reverse=True)


def side_shares(dist: pd.DataFrame, values: list[float], sides=SIDES) -> dict[str, list[float]]:
    """Per side of `sides` with answers in `dist` (in that order), its share (percent) per value of
    `values`; a value nobody gave is 0. A side without rows (suppressed) is left out. Plain lists:
    a handful of rows, where pandas' per-call overhead would be most of a dashboard redraw."""
    got: dict[str, dict[float, float]] = {}
    for side, value, share in zip(dist["side"].tolist(), dist["value"].astype(float).tolist(),
                                  dist["share"].astype(float).tolist()):
        got.setdefault(side, {})[value] = share
    return {side: [got[side].get(v, 0.0) for v in values] for side in sides if side in got}


def share_axis_max(dist: pd.DataFrame) -> float:
    """The share axis's end: the largest share plus room for its printed label, in tens, at least 20."""
    top = float(max(dist["share"].tolist())) if len(dist) else 50.0
    return max(20.0, math.ceil((top + 8) / 10) * 10)
