"""The NPS/eNPS chart: per side a 100 % stacked bar of detractors, passives and promoters, and the
NPS with its CI at the end of the bar. NPS and eNPS are shown side by side, never subtracted.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`; texts over the English `DEFAULT_TEXTS` of
`mirrorgap.render.charts.rows`, whose `figure_for("nps", n)` sizes the figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts.parts import legend_on_top, title
from mirrorgap.render.charts.rows import DEFAULT_TEXTS, right_column
from mirrorgap.render.style import HOUSE_COLORS, is_missing, merge_texts, require_columns

__all__ = ["nps_chart"]

MIN_SEGMENT_LABEL = 6.0    # NPS segments narrower than this (percent) get no printed share
_NPS_COLUMNS = ("side", "label", "n", "promoter_share", "passive_share", "detractor_share",
                "nps", "ci_low", "ci_high")


def _as_percent(df: pd.DataFrame) -> pd.DataFrame:
    """Shares as percent, whether the table holds fractions (0–1) or percent (0–100)."""
    cols = ["detractor_share", "passive_share", "promoter_share"]
    shares = df[cols].astype(float)
    total = shares.sum(axis=1, min_count=1).dropna()
    return shares * 100.0 if (total <= 1.5).all() else shares


def nps_chart(nps_table: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None) -> Axes:
    """Per side a 100% stacked bar of detractors / passives / promoters, shares printed inside the
    segments (tiny ones hidden) and the NPS with its CI at the end of the bar. NPS and eNPS are shown
    side by side, never subtracted.

    nps_table: one row per side (side, label, n, *_share as fractions or percent, nps, ci_low, ci_high).
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (detractors, passives, promoters, nps_axis, nps_value,
        nps_name_customer, nps_name_employee, n_label, percent, title).
    Returns the Axes.
    """
    require_columns(nps_table, _NPS_COLUMNS, "NPS table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    df = nps_table.reset_index(drop=True)
    c = HOUSE_COLORS
    labels = [f"{lab}\n{t['n_label'].format(n=int(n))}" if not is_missing(n) else str(lab)
              for lab, n in zip(df["label"], df["n"])]
    y = np.arange(len(df), dtype=float)
    ax.set_yticks(y, labels)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.tick_params(axis="x", length=0, colors=c["neutral"])
    ax.grid(False)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)

    shares = _as_percent(df)
    left = np.zeros(len(df))
    segments = (("detractors", "detractor_share", "white"),
                ("passives", "passive_share", c["text"]),
                ("promoters", "promoter_share", "white"))
    for key, col, text_color in segments:
        width = np.nan_to_num(shares[col].to_numpy())
        bars = ax.barh(y, width, left=left, height=0.56, color=c[key], edgecolor="white", linewidth=1.2,
                       label=t[key], gid=f"nps_{key}", zorder=2)
        for bar, w in zip(bars, width):
            if w >= MIN_SEGMENT_LABEL:
                ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, t["percent"].format(w),
                        ha="center", va="center", fontsize=10, color=text_color, gid="share_label")
        left = left + width

    for i, row in df.iterrows():
        name = t[f"nps_name_{row['side']}"]
        if is_missing(row["nps"]) or np.isnan(float(row["nps"])):
            # no answers (or suppressed): say so where the bar would be
            ax.text(1.0, y[i], t["too_few"], ha="left", va="center", fontsize=9.5, style="italic",
                    color=c["muted"], gid="too_few")
            right_column(ax, y[i], f"{name} –", fontsize=11, color=c["muted"], gid="nps_value")
            continue
        value = t["nps_value"].format(name=name, nps=fmt_whole(row["nps"], signed=True),
                                      low=fmt_whole(row["ci_low"]), high=fmt_whole(row["ci_high"]))
        right_column(ax, y[i], value, fontsize=11, fontweight="bold", color=c["text"], gid="nps_value")

    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(t["nps_axis"], color=c["neutral"], labelpad=8)
    handles = [Patch(facecolor=c[key], edgecolor="none", label=t[key]) for key, _, _ in segments]
    legend_on_top(ax, handles)
    title(ax, t["title"])
    return ax
