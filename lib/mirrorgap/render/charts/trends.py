"""The change between survey waves: per item an arrow per side from one wave's score to the next,
significant changes bold in the side's colour, the signed change at the right.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`: data first, everything else keyword-only;
draw on `ax` (default `plt.gca()`), return the Axes, never show or save. Display strings come from
`texts` (e.g. `section(lang, "trends")`) merged over the English `DEFAULT_TEXTS`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.transforms import blended_transform_factory

from mirrorgap.config.numbers import fmt_level, fmt_whole
from mirrorgap.render.charts.parts import legend_on_top, note, rows_frame, title, wrap_label
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "trend_chart", "trend_figure"]

DEFAULT_TEXTS = EnglishTexts("trends", trend_title="", pulse_title="")
SIDES = ("customer", "employee")
LABEL_WRAP = 30
SIDE_OFFSET = 0.19  # customers just above the item's row centre, employees just below

_TREND_COLUMNS = ("kind", "item", "label", "side", "wave_from", "wave_to", "mean_from", "mean_to",
                  "change", "significant", "suppressed")


def _trend_rows(trends: pd.DataFrame, wave_from: str | None, wave_to: str | None) -> pd.DataFrame:
    """The item_change rows of the chosen wave pair (default: the latest pair)."""
    rows = trends[trends["kind"] == "item_change"]
    if rows.empty:
        raise ValueError("the trend table has no item_change rows: a chart of change needs two waves")
    if wave_to is None:
        pairs = rows[["wave_from", "wave_to"]].drop_duplicates()
        # the latest pair: the last wave_to in table order (trend_table lists pairs in wave order)
        wave_to = pairs["wave_to"].tolist()[-1]
    if wave_from is None:
        wave_from = rows.loc[rows["wave_to"] == wave_to, "wave_from"].iloc[0]
    chosen = rows[(rows["wave_from"] == wave_from) & (rows["wave_to"] == wave_to)]
    if chosen.empty:
        raise ValueError(f"no change from wave {wave_from!r} to {wave_to!r} in the trend table")
    return chosen


def trend_chart(trends: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                wave_from: str | None = None, wave_to: str | None = None, sort: str = "change",
                conf: float = 0.95, language: str = "en") -> Axes:
    """Per item an arrow per side from its POMP score in one wave to the next: customers above,
    employees below the item's line. Significant changes are drawn as bold arrows in the side's
    colour with a bold signed change on the right; others thin and pale.

    trends: `trends.trend_table` (the item_change rows are used; kind, item, label, side, wave_from,
        wave_to, mean_from, mean_to, change, significant, suppressed).
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (customer, employee, significant, not_significant,
        change_header, score_axis, too_few, trend_note, trend_title).
    wave_from, wave_to: the pair of waves to show (default: the latest pair in the table).
    sort: "change" (the customers' largest improvement at the top) or "input" (params order).
    conf: the confidence level the table's `significant` used (1 − alpha), for the note.
    language: how the note's numbers are written (`mirrorgap.config.numbers`).
    Returns the Axes.
    """
    require_columns(trends, _TREND_COLUMNS, "trend table")
    if sort not in ("change", "input"):
        raise ValueError(f"sort={sort!r}; choose 'change' or 'input'")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    rows = _trend_rows(trends, wave_from, wave_to)
    w_from, w_to = rows["wave_from"].iloc[0], rows["wave_to"].iloc[0]
    items = list(dict.fromkeys(rows["item"]))
    by_side = {s: rows[rows["side"] == s].set_index("item") for s in SIDES}
    if sort == "change" and len(by_side["customer"]):
        key = by_side["customer"]["change"].reindex(items).astype(float)
        items = key.sort_values(ascending=False, na_position="last", kind="stable").index.tolist()
    labels = rows.drop_duplicates("item").set_index("item")["label"]
    c = HOUSE_COLORS

    y = np.arange(len(items), dtype=float)
    ax.set_yticks(y, [wrap_label(labels[i], LABEL_WRAP) for i in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    rows_frame(ax)
    for i in range(1, len(items)):  # thin separators: each item's two arrows read as one group
        ax.axhline(i - 0.5, color=c["light"], linewidth=1.0, zorder=0)

    right = blended_transform_factory(ax.transAxes, ax.transData)
    dots = {}
    for i, item in enumerate(items):
        for side, dy in (("customer", -SIDE_OFFSET), ("employee", SIDE_OFFSET)):
            if item not in by_side[side].index:
                continue
            _change_arrow(ax, by_side[side].loc[item], y[i] + dy, side, t, right, dots)
    _draw_dots(ax, dots)
    header = blended_transform_factory(ax.transAxes, ax.transAxes)
    ax.text(1.02, 1.0, f"{t['change_header']}\n{w_from}–{w_to}", transform=header, ha="left", va="bottom",
            fontsize=8.5, color=c["muted"], clip_on=False, gid="change_header", linespacing=1.1)

    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(t["score_axis"], color=c["neutral"], labelpad=8)
    handles = [Line2D([], [], color=c[s], linewidth=2.6, marker=">", markersize=6, label=t[s]) for s in SIDES]
    handles += [Line2D([], [], color=c["neutral"], linewidth=2.6, label=t["significant"]),
                Line2D([], [], color=tint(c["neutral"], 0.45), linewidth=1.2, label=t["not_significant"])]
    legend_on_top(ax, handles, handlelength=2.0, fontsize=9.5)
    title(ax, t["trend_title"], pad=28)
    note(ax, t["trend_note"].format(wave_from=w_from, wave_to=w_to, conf=fmt_level(conf, language)), gid="note",
         offset=40)
    return ax


def _change_arrow(ax: Axes, row: pd.Series, y: float, side: str, t: dict, right, dots: dict) -> None:
    """One side's move from mean_from (open dot) to mean_to (filled dot) and its signed change; the
    dots are added to `dots` (see `_draw_dots`)."""
    c = HOUSE_COLORS
    m1, m2 = float(row["mean_from"]), float(row["mean_to"])
    loud = bool(row["significant"]) and not bool(row["suppressed"])
    color = c[side] if loud else tint(c[side], 0.5)
    if not (np.isfinite(m1) and np.isfinite(m2)):
        shown = [m for m in (m1, m2) if np.isfinite(m)]
        if shown:
            _dot(dots, f"{side}_dots", shown[0], y, tint(c[side], 0.5))
        x = (shown[0] + 3) if shown and shown[0] < 60 else (shown[0] - 3 if shown else 50)
        ha = "left" if not shown or shown[0] < 60 else "right"
        ax.text(x if shown else 50, y, f"{t[side]}: {t['too_few']}", ha=ha if shown else "center", va="center",
                fontsize=8.5, style="italic", color=c["muted"], gid="too_few")
        ax.text(1.02, y, "–", transform=right, ha="left", va="center", fontsize=10, color=c["muted"],
                clip_on=False, gid="change_label")
        return
    _dot(dots, f"{side}_from", m1, y, color)
    _dot(dots, f"{side}_to", m2, y, color)
    if abs(m2 - m1) > 0.6:  # shorter moves: the two dots say it, an arrow head would hide them
        ax.add_patch(FancyArrowPatch((m1, y), (m2, y), arrowstyle="-|>", mutation_scale=11 if loud else 8,
                                     shrinkA=3.5, shrinkB=3.5, color=color, linewidth=2.4 if loud else 1.1,
                                     zorder=3.5, gid=f"{side}_arrow_{'significant' if loud else 'plain'}"))
    ax.text(1.02, y, fmt_whole(row["change"], signed=True), transform=right, ha="left", va="center",
            fontsize=10 if loud else 9.5, fontweight="bold" if loud else "normal",
            color=c[side] if loud else c["muted"], clip_on=False,
            gid=f"change_label_{'significant' if loud else 'plain'}")


def _dot(dots: dict, gid: str, x: float, y: float, color) -> None:
    """One dot for `_draw_dots`, of the kind its gid ends with."""
    xs, ys = dots.setdefault((gid, color), ([], []))
    xs.append(x)
    ys.append(y)


# per kind of dot: its size, layer and look, and which of its colours is the side's
_DOTS = {"from": ("edgecolor", dict(s=34, facecolor="white", linewidth=1.4, zorder=3)),
         "to": ("color", dict(s=40, edgecolor="white", linewidth=0.6, zorder=4)),
         "dots": ("color", dict(s=30, zorder=3))}


def _draw_dots(ax: Axes, dots: dict) -> None:
    """The dots of one gid and colour as one scatter, not one scatter per dot: a fraction of the
    artists to build and draw, the same picture (one colour a scatter: matplotlib then stamps one
    marker at each dot, pixel-aligned, as it does for a single dot; dots of one kind lie on their own
    rows and never overlap)."""
    for (gid, color), (xs, ys) in dots.items():
        own, look = _DOTS[gid.rsplit("_", 1)[1]]
        ax.scatter(xs, ys, gid=gid, **{own: color}, **look)


def trend_figure(trends: pd.DataFrame) -> tuple[Figure, Axes]:
    """A figure sized for `trend_chart` of this table (10 in wide, a 16:9 slide). Returns (figure, axes)."""
    n = max(int(trends.loc[trends["kind"] == "item_change", "item"].nunique()), 1)
    return plt.subplots(figsize=(10, 1.9 + 0.52 * n))
