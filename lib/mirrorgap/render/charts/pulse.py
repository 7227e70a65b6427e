"""The weekly pulse: the employees' average per period with its CI band, a line per group when asked,
and under the axis how many answered each period ("×" where a period is hidden).

Seaborn's convention, as in `mirrorgap.render.charts.mirror`; texts (e.g. `section(lang, "trends")`) over
the English `DEFAULT_TEXTS`.
"""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from mirrorgap.config.numbers import fmt_level
from mirrorgap.render.charts.parts import legend_on_top, note, title
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts
from mirrorgap.stats.suppression import TOTAL

__all__ = ["DEFAULT_TEXTS", "GROUP_COLORS", "pulse_chart", "pulse_figure"]

DEFAULT_TEXTS = EnglishTexts("trends", trend_title="", pulse_title="")
# One line per group: Okabe–Ito hues other than the employees' orange (kept for the total) and
# yellow (too light on white), then darker greys.
GROUP_COLORS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#595959", "#8C8C8C"]
HIDDEN_MARK = "×"

_PULSE_COLUMNS = ("period", "group", "n", "mean", "ci_low", "ci_high", "suppressed")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


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
    axis, n for each point; suppressed periods are gaps in the line, marked "×" in that table (their
    n is not shown), and a point left alone between them has its interval as a short bar of band. With
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
            band = tint(colors[g], 0.22 if not groups else 0.13)
            ax.fill_between(x, lo, hi, color=band, linewidth=0, zorder=1, gid="ci_band")
            # a point between hidden (or no) neighbours has no band to draw: its interval as a bar of band
            alone = np.isfinite(yv) & ~np.isfinite(np.r_[np.nan, yv[:-1]]) & ~np.isfinite(np.r_[yv[1:], np.nan])
            if alone.any():
                ax.vlines(x[alone], lo[alone], hi[alone], color=band, linewidth=9, zorder=1, gid="ci_alone")
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
    words = t["pulse_note"].format(conf=fmt_level(conf, language))
    if any_hidden:
        words = f"{words} {t['hidden_note']}"
    note(ax, words, gid="note", offset=note_at)
    legend_on_top(ax, handles, ncol=min(len(handles), 4), handlelength=2.0, fontsize=9.5)
    title(ax, t["pulse_title"], pad=10 + 18 * int(np.ceil(len(handles) / 4)))
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
