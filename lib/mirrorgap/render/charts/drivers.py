"""The key drivers chart: one side's relative weights (% of R², Johnson 2000) as horizontal bars with
bootstrap whiskers, strongest at the top.

Seaborn's convention, like `mirrorgap.render.charts.mirror`: data first, everything else keyword-only,
draw on `ax` (default `plt.gca()`), return the Axes, never show or save. Display strings come from the
caller (`texts`, e.g. `section(language, "drivers")`, merged over the English `DEFAULT_TEXTS`). Call
`mirrorgap.render.style.set_theme()` once before drawing.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mirrorgap.config.numbers import fmt_count, fmt_level, fmt_number
from mirrorgap.render.charts.parts import fit_width, note, title, wrap_label
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, tint
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "drivers_chart", "figure_for_drivers"]

DEFAULT_TEXTS = EnglishTexts("drivers", title="")  # "title" overrides the chart's own title when given
LABEL_WRAP = 34           # characters per line of an item label on the axis
TOP_DRIVERS = 3           # bars drawn in full colour; the rest lighter
_DRIVER_COLUMNS = ("side", "item", "label", "weight_pct", "weight_ci_low", "weight_ci_high")


def drivers_chart(drivers: pd.DataFrame, *, side: str | None = None, ax: Axes | None = None,
                  texts: dict | None = None, conf: float = 0.95, language: str = "en") -> Axes:
    """One side's key drivers: horizontal bars of the relative weight (% of R²), strongest at the top,
    bootstrap intervals as whiskers and the value at the end; the three strongest in full colour.

    drivers: the drivers table (`drivers.drivers_table`): side, item, label, weight_pct,
        weight_ci_low, weight_ci_high; r2, n_respondents, outcome and suppressed are used when present.
    side: "customer" or "employee"; may be left out when the table holds one side only.
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (title, title_<side>_<outcome>, weight_axis,
        weight_value, model_note, suppressed_note).
    conf: the confidence level of the bootstrap intervals, as used for the table (1 − analysis.alpha);
        only printed in the note.
    language: how the note's numbers are written (`mirrorgap.config.numbers`).
    Returns the Axes. A side without figures (suppressed) gets the `suppressed_note` instead of bars.
    """
    require_columns(drivers, _DRIVER_COLUMNS, "drivers table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    sides = list(dict.fromkeys(drivers["side"]))
    if side is None:
        if len(sides) != 1:
            raise ValueError(f"the drivers table holds the sides {sides}; choose one with side=")
        side = sides[0]
    df = drivers[drivers["side"] == side].reset_index(drop=True)
    if df.empty:
        raise ValueError(f"the drivers table has no rows for side {side!r}; it has {sides}")
    c = HOUSE_COLORS
    colour = c.get(side, c["customer"])
    outcome = str(df["outcome"].iloc[0]) if "outcome" in df.columns else ""
    heading = t["title"] or t.get(f"title_{side}_{outcome}", "")

    weight = df["weight_pct"].astype(float)
    shown = weight.notna()
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.spines["bottom"].set_color("#BFBFBF")
    ax.grid(False)
    ax.tick_params(axis="x", length=0, colors=c["neutral"])
    ax.tick_params(axis="y", length=0, pad=6)
    title(ax, heading, pad=12)
    if not shown.any():
        ax.set_yticks([])
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.text(0.5, 0.5, t["suppressed_note"], transform=ax.transAxes, ha="center", va="center",
                fontsize=11, style="italic", color=c["muted"], gid="suppressed_note")
        return ax

    df = df[shown].sort_values("weight_pct", ascending=False, kind="stable").reset_index(drop=True)
    n = len(df)
    y = np.arange(n, dtype=float)
    w = df["weight_pct"].astype(float).to_numpy()
    lo = df["weight_ci_low"].astype(float).to_numpy()
    hi = df["weight_ci_high"].astype(float).to_numpy()
    colours = [colour if k < TOP_DRIVERS else tint(colour, 0.45) for k in range(n)]
    ax.barh(y, w, height=0.62, color=colours, zorder=2, gid="driver_bars")
    has_ci = np.isfinite(lo) & np.isfinite(hi)
    if has_ci.any():
        ax.hlines(y[has_ci], lo[has_ci], hi[has_ci], colors=c["text"], linewidths=1.1, zorder=3,
                  gid="driver_ci")
        for end in (lo, hi):
            ax.vlines(end[has_ci], y[has_ci] - 0.13, y[has_ci] + 0.13, colors=c["text"], linewidths=1.1,
                      zorder=3)
    reach = np.where(has_ci, np.fmax(hi, w), w)
    for k in range(n):
        ax.text(reach[k], y[k], "  " + t["weight_value"].format(w[k]), ha="left", va="center",
                fontsize=10, color=c["text"], fontweight="bold" if k < TOP_DRIVERS else "normal",
                gid="weight_label")
    ax.set_yticks(y, [wrap_label(lab, LABEL_WRAP) for lab in df["label"]])
    ax.set_ylim(n - 0.5, -0.6)
    top = float(np.nanmax(reach))
    ax.set_xlim(0, top * 1.16 + 0.5)
    ax.grid(axis="x", color=c["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(t["weight_axis"], color=c["neutral"], labelpad=8)
    if {"r2", "n_respondents"} <= set(df.columns):
        model = t["model_note"].format(r2=fmt_number(float(df["r2"].iloc[0]), language, decimals=2),
                                      n=fmt_count(df["n_respondents"].iloc[0], language),
                                      conf=fmt_level(conf, language))
        note(ax, fit_width(ax, model), gid="footnote", offset=40)
    return ax


def figure_for_drivers(n_items: int) -> tuple[Figure, Axes]:
    """A figure sized for one drivers chart of `n_items` bars (9 in wide). Returns (figure, axes)."""
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.42 * max(int(n_items), 1)))
    return fig, ax
