"""Charts over time: change between survey waves (arrows per item and side) and the weekly pulse.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`: data first, everything else keyword-only; draw on `ax`
(default `plt.gca()`), return the Axes, never show or save. Display strings come from `texts`
(e.g. `texts.section(lang, "trends")`) merged over the English `DEFAULT_TEXTS`.
"""
from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from mirrorgap.config.numbers import fmt_level, fmt_whole
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts
from mirrorgap.stats.suppression import TOTAL

__all__ = ["DEFAULT_TEXTS", "GROUP_COLORS", "pulse_chart", "pulse_figure", "trend_chart", "trend_figure"]

DEFAULT_TEXTS = EnglishTexts("trends", trend_title="", pulse_title="")

# One line per group: Okabe–Ito hues other than the employees' orange (kept for the total) and
# yellow (too light on white), then darker greys.
GROUP_COLORS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#595959", "#8C8C8C"]
SIDES = ("customer", "employee")
LABEL_WRAP = 30
SIDE_OFFSET = 0.19  # customers just above the item's row centre, employees just below
HIDDEN_MARK = "×"

_TREND_COLUMNS = ("kind", "item", "label", "side", "wave_from", "wave_to", "mean_from", "mean_to",
                  "change", "significant", "suppressed")
_PULSE_COLUMNS = ("period", "group", "n", "mean", "ci_low", "ci_high", "suppressed")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")






def _legend_on_top(ax: Axes, handles, ncol: int | None = None) -> None:
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol or len(handles),
              frameon=False, borderaxespad=0.4, handletextpad=0.5, columnspacing=1.6, handlelength=2.0,
              fontsize=9.5)


def _title(ax: Axes, title: str, pad: float) -> None:
    if title:
        ax.set_title(title, loc="left", pad=pad, fontsize=13, fontweight="bold", color=HOUSE_COLORS["text"])


def _note(ax: Axes, text: str, offset: float) -> None:
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -offset), textcoords="offset points",
                ha="left", va="top", fontsize=8.5, color=HOUSE_COLORS["muted"], gid="note")


# ---------------------------------------------------------------------------------------------------
# change between waves

def _trend_rows(trends: pd.DataFrame, wave_from: str | None, wave_to: str | None) -> pd.DataFrame:
    """The item_change rows of the chosen wave pair (default: the latest pair)."""
    rows = trends[trends["kind"] == "item_change"]
    if rows.empty:
        raise ValueError("the trend table has no item_change rows: a chart of change needs two waves")
    if wave_to is None:
        wave_to = rows["wave_to"].iloc[-1]
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
    ax.set_yticks(y, [textwrap.fill(str(labels[i]), width=LABEL_WRAP, break_long_words=False) for i in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", length=0, colors=c["neutral"])
    ax.grid(False)
    ax.grid(axis="x", color=c["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    for i in range(1, len(items)):  # thin separators: each item's two arrows read as one group
        ax.axhline(i - 0.5, color=c["light"], linewidth=1.0, zorder=0)

    right = blended_transform_factory(ax.transAxes, ax.transData)
    for i, item in enumerate(items):
        for side, dy in (("customer", -SIDE_OFFSET), ("employee", SIDE_OFFSET)):
            if item not in by_side[side].index:
                continue
            _change_arrow(ax, by_side[side].loc[item], y[i] + dy, side, t, right)
    header = blended_transform_factory(ax.transAxes, ax.transAxes)
    ax.text(1.02, 1.0, f"{t['change_header']}\n{w_from}–{w_to}", transform=header, ha="left", va="bottom",
            fontsize=8.5, color=c["muted"], clip_on=False, gid="change_header", linespacing=1.1)

    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(t["score_axis"], color=c["neutral"], labelpad=8)
    handles = [Line2D([], [], color=c[s], linewidth=2.6, marker=">", markersize=6, label=t[s]) for s in SIDES]
    handles += [Line2D([], [], color=c["neutral"], linewidth=2.6, label=t["significant"]),
                Line2D([], [], color=tint(c["neutral"], 0.45), linewidth=1.2, label=t["not_significant"])]
    _legend_on_top(ax, handles)
    _title(ax, t["trend_title"], pad=28)
    _note(ax, t["trend_note"].format(wave_from=w_from, wave_to=w_to, conf=fmt_level(conf, language)), 40)
    return ax


def _change_arrow(ax: Axes, row: pd.Series, y: float, side: str, t: dict, right) -> None:
    """One side's move from mean_from (open dot) to mean_to (filled dot) and its signed change."""
    c = HOUSE_COLORS
    m1, m2 = float(row["mean_from"]), float(row["mean_to"])
    loud = bool(row["significant"]) and not bool(row["suppressed"])
    color = c[side] if loud else tint(c[side], 0.5)
    if not (np.isfinite(m1) and np.isfinite(m2)):
        shown = [m for m in (m1, m2) if np.isfinite(m)]
        if shown:
            ax.scatter(shown, [y], s=30, color=tint(c[side], 0.5), zorder=3, gid=f"{side}_dots")
        x = (shown[0] + 3) if shown and shown[0] < 60 else (shown[0] - 3 if shown else 50)
        ha = "left" if not shown or shown[0] < 60 else "right"
        ax.text(x if shown else 50, y, f"{t[side]}: {t['too_few']}", ha=ha if shown else "center", va="center",
                fontsize=8.5, style="italic", color=c["muted"], gid="too_few")
        ax.text(1.02, y, "–", transform=right, ha="left", va="center", fontsize=10, color=c["muted"],
                clip_on=False, gid="change_label")
        return
    ax.scatter([m1], [y], s=34, facecolor="white", edgecolor=color, linewidth=1.4, zorder=3,
               gid=f"{side}_from")
    ax.scatter([m2], [y], s=40, color=color, edgecolor="white", linewidth=0.6, zorder=4, gid=f"{side}_to")
    if abs(m2 - m1) > 0.6:  # shorter moves: the two dots say it, an arrow head would hide them
        ax.add_patch(FancyArrowPatch((m1, y), (m2, y), arrowstyle="-|>", mutation_scale=11 if loud else 8,
                                     shrinkA=3.5, shrinkB=3.5, color=color, linewidth=2.4 if loud else 1.1,
                                     zorder=3.5, gid=f"{side}_arrow_{'significant' if loud else 'plain'}"))
    ax.text(1.02, y, fmt_whole(row["change"], signed=True), transform=right, ha="left", va="center",
            fontsize=10 if loud else 9.5, fontweight="bold" if loud else "normal",
            color=c[side] if loud else c["muted"], clip_on=False,
            gid=f"change_label_{'significant' if loud else 'plain'}")


def trend_figure(trends: pd.DataFrame) -> tuple[Figure, Axes]:
    """A figure sized for `trend_chart` of this table (10 in wide, a 16:9 slide). Returns (figure, axes)."""
    n = max(int(trends.loc[trends["kind"] == "item_change", "item"].nunique()), 1)
    return plt.subplots(figsize=(10, 1.9 + 0.52 * n))


# ---------------------------------------------------------------------------------------------------
# pulse

def _period_labels(periods: list[str], week: str) -> list[str]:
    """ISO weeks as `week` says ("W{week}": "W05"); the year under the first week and wherever it changes."""
    if not all(_ISO_WEEK.match(str(p)) for p in periods):
        return [str(p) for p in periods]
    out, last_year = [], None
    for p in periods:
        year, number = _ISO_WEEK.match(p).groups()
        name = week.format(week=number)
        out.append(f"{name}\n{year}" if year != last_year else name)
        last_year = year
    return out


def pulse_chart(series: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                column: str = "mean", conf: float = 0.95, ylim: tuple[float, float] | None = None,
                language: str = "en") -> Axes:
    """The pulse over time: the average per period with its CI band and, in a small table under the
    axis, n for each point; suppressed periods are gaps in the line, marked "×" in that table. With
    groups, one line per group (no bands, to stay readable) plus the total as a thick line with its
    band, and one row of n per line.

    series: `pulse.pulse_series` (period, group, n, mean, ci_low, ci_high, suppressed; the group
        "(all)" is the total), periods in the order to draw.
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (pulse_title, all_employees, pulse_axis,
        score_axis, period_axis, n_header, group_hidden, pulse_note, hidden_note).
    column: "mean" (the pulse scale) or "mean_pomp" (0–100; uses the *_pomp columns).
    conf: the confidence level of the series' CIs (1 − alpha), for the note.
    language: how the note's numbers are written (`mirrorgap.config.numbers`).
    ylim: the y range (default: around the drawn lines and the total's band).
    Returns the Axes.
    """
    require_columns(series, _PULSE_COLUMNS, "pulse series")
    if column not in ("mean", "mean_pomp"):
        raise ValueError(f"column={column!r}; choose 'mean' or 'mean_pomp'")
    lo_col, hi_col = ("ci_low", "ci_high") if column == "mean" else ("ci_low_pomp", "ci_high_pomp")
    require_columns(series, (column, lo_col, hi_col), "pulse series")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    c = HOUSE_COLORS
    periods = list(dict.fromkeys(series["period"]))
    groups = [g for g in dict.fromkeys(series["group"]) if g != TOTAL]
    lines = ([TOTAL] if (series["group"] == TOTAL).any() else []) + groups
    colors = {TOTAL: c["employee"] if not groups else c["text"]}
    colors.update({g: GROUP_COLORS[k % len(GROUP_COLORS)] for k, g in enumerate(groups)})
    x = np.arange(len(periods), dtype=float)

    handles, drawn = [], []
    for g in lines:
        part = _line(series, g, periods)
        hidden = part["suppressed"].to_numpy(dtype=bool)
        yv = np.where(hidden, np.nan, part[column].astype(float).to_numpy())
        drawn.append(yv)
        is_total = g == TOTAL
        if is_total or not groups:
            lo = np.where(hidden, np.nan, part[lo_col].astype(float).to_numpy())
            hi = np.where(hidden, np.nan, part[hi_col].astype(float).to_numpy())
            ax.fill_between(x, lo, hi, color=tint(colors[g], 0.22 if not groups else 0.13), linewidth=0,
                            zorder=1, gid="ci_band")
            drawn += [lo, hi]
        width = 2.6 if is_total else 1.5
        ax.plot(x, yv, color=colors[g], linewidth=width, marker="o", markersize=5.5 if is_total else 4,
                markeredgecolor="white", markeredgewidth=0.8, zorder=3 if is_total else 2, gid=f"line_{g}")
        name = t["all_employees"] if is_total else str(g)
        if np.isnan(yv).all():
            name = t["group_hidden"].format(group=name)
        handles.append(Line2D([], [], color=colors[g], linewidth=width, marker="o", markersize=5, label=name))

    ax.set_xlim(-0.5, len(periods) - 0.5)
    labels = _period_labels(periods, t["period_week"])
    ax.set_xticks(x, labels)
    values = np.concatenate(drawn) if drawn else np.array([])
    values = values[np.isfinite(values)]
    if ylim is not None:
        ax.set_ylim(*ylim)
    elif values.size:
        span = max(float(values.max() - values.min()), 1e-6)
        ax.set_ylim(values.min() - 0.08 * span, values.max() + 0.08 * span)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.tick_params(axis="x", length=0, colors=c["neutral"])
    ax.grid(False)
    ax.grid(axis="y", color=c["grid"], linewidth=0.6)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_ylabel(t["pulse_axis"] if column == "mean" else t["score_axis"], color=c["neutral"])

    two_line = any("\n" in lab for lab in labels)
    note_at = _n_table(ax, series, periods, lines, colors, t, top=40.0 if two_line else 28.0,
                       row_names=bool(groups))
    any_hidden = bool(series["suppressed"].astype(bool).any())
    note = t["pulse_note"].format(conf=fmt_level(conf, language))
    if any_hidden:
        note = f"{note} {t['hidden_note']}"
    _note(ax, note, note_at)
    _legend_on_top(ax, handles, ncol=min(len(handles), 4))
    _title(ax, t["pulse_title"], pad=10 + 18 * int(np.ceil(len(handles) / 4)))
    return ax


def _line(series: pd.DataFrame, group, periods: list[str]) -> pd.DataFrame:
    """One group's rows in period order; a period without a row counts as hidden."""
    part = series[series["group"] == group].set_index("period").reindex(periods)
    part["suppressed"] = part["suppressed"].astype("boolean").fillna(True).astype(bool)
    return part


def _n_table(ax: Axes, series: pd.DataFrame, periods: list[str], lines: list, colors: dict, t: dict, *,
             top: float, row_names: bool) -> float:
    """n under each period, one row per line ("×" where hidden), below the period labels. Returns
    how far below the axes (points) the note goes."""
    c = HOUSE_COLORS
    step = 11.0
    ax.annotate(t["n_header"], xy=(0, 0), xycoords="axes fraction", xytext=(-6, -top - 4),
                textcoords="offset points", ha="right", va="top", fontsize=7.5, color=c["muted"],
                gid="n_header")
    for r, g in enumerate(lines):
        part = _line(series, g, periods)
        yoff = -(top + 4 + r * step)
        for k in range(len(periods)):
            hidden = bool(part["suppressed"].iloc[k])
            text = HIDDEN_MARK if hidden else f"{int(part['n'].iloc[k])}"
            ax.annotate(text, xy=(k, 0), xycoords=("data", "axes fraction"), xytext=(0, yoff),
                        textcoords="offset points", ha="center", va="top", fontsize=7.5,
                        color=c["muted"] if hidden else (colors[g] if row_names else c["neutral"]),
                        gid="hidden_mark" if hidden else "n_label")
        if row_names:
            name = t["all_employees"] if g == TOTAL else str(g)
            ax.annotate(name, xy=(1, 0), xycoords="axes fraction", xytext=(6, yoff), textcoords="offset points",
                        ha="left", va="top", fontsize=7.5, color=colors[g], gid="n_row_label")
    return top + 12 + len(lines) * step


def pulse_figure(series: pd.DataFrame) -> tuple[Figure, Axes]:
    """A figure sized for `pulse_chart` of this series (10 in wide). Returns (figure, axes)."""
    lines = series["group"].nunique()
    return plt.subplots(figsize=(10, 4.2 + (0.16 * lines + 0.25 * np.ceil(lines / 4) if lines > 1 else 0)))
