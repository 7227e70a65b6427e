"""The comment-themes chart: per theme the share of customers and of employees who mention it.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`: data first, the rest keyword-only, draws on `ax`
(default `plt.gca()`), returns the Axes, never shows or saves. Display strings come from `texts`
merged over `DEFAULT_TEXTS` (pass `mirrorgap.render.words.comment_chart_texts(language)`).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mirrorgap.analyse.themes import UNCATEGORISED
from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts.parts import legend_on_top, note, rows_frame, title, wrap_label
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "has_mentions", "themes_chart", "themes_figure"]

DEFAULT_TEXTS = EnglishTexts("side", "comments", title="")

SIDES = ("customer", "employee")
LABEL_WRAP = 30
BAR = 0.36  # height of one side's bar; a theme's two bars fill 0.72 of its row
_COLUMNS = ("side", "theme", "label", "comments", "commenters", "share", "suppressed")


def _rows(themes: pd.DataFrame) -> pd.DataFrame:
    """One row per theme with both sides' share and count, in three blocks: themes looked for on both
    sides (by the customers' share, largest first), themes of one side only (by their share), then
    "uncategorised". Themes nobody mentions on the sides shown are left out. `block` numbers them."""
    wide = {}
    for side in SIDES:
        part = themes[(themes["side"] == side) & ~themes["suppressed"].astype(bool)].set_index("theme")
        wide[f"{side}_share"] = part["share"].astype(float)
        wide[f"{side}_count"] = part["comments"].astype("Float64").astype(float)
        for col in ("share_ci_low", "share_ci_high"):
            if col in part:
                wide[f"{side}_{col}"] = part[col].astype(float)
    df = pd.DataFrame(wide)
    df["label"] = themes.drop_duplicates("theme").set_index("theme")["label"].reindex(df.index)
    df = df[df[[f"{s}_count" for s in SIDES]].fillna(0).sum(axis=1) > 0].copy()
    # a theme is in the shared block when both sides look for it (both rows exist in the table)
    looked_for = themes.groupby("theme")["side"].nunique().reindex(df.index)
    df["block"] = np.where(df.index == UNCATEGORISED, 2, np.where(looked_for == 2, 0, 1))
    df["_key"] = df["customer_share"].fillna(df["employee_share"])
    df = df.sort_values(["block", "_key"], ascending=[True, False], kind="stable")
    return df.drop(columns=["_key"])


def has_mentions(themes: pd.DataFrame) -> bool:
    """Whether any theme shown has a mention: without one (a wave without comments, or only a hidden
    employee side) the deliverables leave the chart out rather than draw an empty one."""
    return not _rows(themes).empty


def _no_comments(ax: Axes, t: dict) -> Axes:
    """The chart's "no comments" state: the title and one centred line, no axes (an empty plot has no
    rows to set limits from)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, t["no_comments"], transform=ax.transAxes, ha="center", va="center", fontsize=11,
            color=HOUSE_COLORS["neutral"], gid="no_comments")
    title(ax, t["title"], pad=8)
    return ax


def themes_chart(themes: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                 min_n_comments: int = 10, show_ci: bool = False) -> Axes:
    """Paired horizontal bars: per theme the share of customers' and of employees' commenters who
    mention it, the share and count at each bar's end, the number who commented per side in the
    legend. Themes both sides are searched for come first (by the customers' share), then one-side
    themes (workload, leadership…), then "uncategorised" in lighter colours; thin rules between.

    themes: the theme table (side, theme, label, comments, commenters, share, suppressed;
        share_ci_low / share_ci_high for `show_ci`). A suppressed employee side gets no bars and a
        note under the chart instead.
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (title, customer, employee, share_axis, legend,
        bar_value, employee_suppressed, no_comments).
    Without a mention to show (no comments in the wave) it draws the title and "no comments" only.
    min_n_comments: the comment minimum, for the suppression note.
    show_ci: draw the Wilson intervals as thin whiskers (off by default: with few employee
        comments they are wide and crowd the chart; the table has them).
    Returns the Axes.
    """
    require_columns(themes, _COLUMNS, "theme table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    c = HOUSE_COLORS
    df = _rows(themes)
    n = len(df)
    if n == 0:
        return _no_comments(ax, t)
    y = np.arange(n, dtype=float)
    shown_sides = [s for s in SIDES if df[f"{s}_share"].notna().any()]
    paired = len(shown_sides) == 2
    offsets = {"customer": -BAR / 2 if paired else 0.0, "employee": BAR / 2 if paired else 0.0}
    ends = [df[f"{s}_share"] for s in shown_sides]
    if show_ci:
        ends += [df[f"{s}_share_ci_high"] for s in shown_sides if f"{s}_share_ci_high" in df]
    top = max([float(e.max()) for e in ends if e.notna().any()] or [0.0])
    xmax = max(10.0, top * 1.22)
    pad = xmax * 0.012

    uncategorised = (df["block"] == 2).to_numpy()
    for side in shown_sides:
        share = df[f"{side}_share"].to_numpy()
        count = df[f"{side}_count"].to_numpy()
        ok = ~np.isnan(share)
        # a one-side theme's single bar sits in the middle of its row
        yy = (y + np.where(df["block"].to_numpy() == 1, 0.0, offsets[side]))[ok]
        colors = [tint(c[side], 0.45) if u else c[side] for u in uncategorised[ok]]
        height = BAR * 0.9 if paired else 0.55
        bars = ax.barh(yy, share[ok], height=height, color=colors, zorder=2, gid=f"bars_{side}")
        bars.set_label(f"_{side}")
        ends_here = share[ok].copy()
        hi_col = f"{side}_share_ci_high"
        if show_ci and hi_col in df:
            lo, hi = df[f"{side}_share_ci_low"].to_numpy()[ok], df[hi_col].to_numpy()[ok]
            ax.hlines(yy, lo, hi, colors=[tint(c["text"], 0.5)], linewidths=0.9, zorder=3, gid=f"ci_{side}")
            ends_here = np.fmax(ends_here, hi)
        for yi, s_, k, end in zip(yy, share[ok], count[ok], ends_here):
            ax.text(end + pad, yi, t["bar_value"].format(share=fmt_whole(s_), count=int(k)), va="center",
                    ha="left", fontsize=8.5, color=c["neutral"], gid=f"value_{side}")

    labels = [wrap_label(lab, LABEL_WRAP) for lab in df["label"]]
    ax.set_yticks(y, labels)
    for tick, u in zip(ax.get_yticklabels(), uncategorised):
        if u:
            tick.set_color(c["neutral"])
            tick.set_style("italic")
    blocks = df["block"].to_numpy()
    for i in range(1, n):
        if blocks[i] != blocks[i - 1]:
            ax.axhline(i - 0.5, color="#BFBFBF", linewidth=0.8, zorder=1, gid="block_rule")
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, xmax)
    ax.xaxis.set_major_formatter(lambda v, _pos: fmt_whole(v))
    ax.set_xlabel(t["share_axis"], color=c["neutral"], labelpad=8)
    rows_frame(ax)
    ax.spines["bottom"].set_color("#BFBFBF")

    commenters = themes.drop_duplicates("side").set_index("side")["commenters"]
    handles = [Patch(facecolor=c[s], edgecolor="none",
                     label=t["legend"].format(side=t[s], n=int(commenters[s])))
               for s in shown_sides if s in commenters.index]
    legend_on_top(ax, handles, handlelength=None)
    title(ax, t["title"])
    employee = themes[themes["side"] == "employee"]
    if len(employee) and employee["suppressed"].astype(bool).all():
        note(ax, t["employee_suppressed"].format(min_n=min_n_comments), gid="employee_suppressed")
    return ax


def themes_figure(themes: pd.DataFrame) -> tuple[Figure, Axes]:
    """A new figure sized for the theme chart (10 in wide, a 16:9 slide). Returns (figure, axes)."""
    n = max(len(_rows(themes)), 1)
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.5 * n))
    return fig, ax
