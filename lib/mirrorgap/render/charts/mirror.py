"""The charts: mirror (dumbbell) chart, gap chart and NPS/eNPS chart.

Seaborn's convention: the data comes first, everything else is keyword-only; each function draws on
`ax` (default `plt.gca()`), returns the Axes and never shows or saves. Display strings come from the
caller (`texts`, merged over `DEFAULT_TEXTS`) so the engagement's language is used. `save_png` is the
only function here that writes to disk. Call `set_theme()` once before drawing.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns, set_theme, tint
from mirrorgap.render.words import EnglishTexts

__all__ = [
    "DEFAULT_TEXTS", "HOUSE_COLORS", "figure_for", "gap_chart", "mirror_chart",
    "nps_chart", "save_png", "set_theme",
]

DEFAULT_TEXTS = EnglishTexts("side", "classification", "chart", title="")

CLASSES = ("blind_spot", "hidden_strength", "aligned")
SORTS = ("gap", "customer", "employee", "input")
KINDS = ("mirror", "gap", "nps")
LABEL_WRAP = 34            # characters per line of an item label
MIN_SEGMENT_LABEL = 6.0    # NPS segments narrower than this (percent) get no printed share

_MIRROR_COLUMNS = ("item", "label", "customer_mean", "employee_mean", "gap", "classification")
_GAP_COLUMNS = ("item", "label", "gap", "classification")
_NPS_COLUMNS = ("side", "label", "n", "promoter_share", "passive_share", "detractor_share",
                "nps", "ci_low", "ci_high")


# ---------------------------------------------------------------------------------------------------
# helpers

def _classes(gaps: pd.DataFrame) -> list[str]:
    """Classification per row. "suppressed" (the gap module's word for too few answers) and a missing
    value are kept as "suppressed" and drawn in the aligned grey, without a legend entry."""
    out = []
    for value in gaps["classification"]:
        if _is_missing(value) or value == "suppressed":
            out.append("suppressed")
        elif value in CLASSES:
            out.append(str(value))
        else:
            raise ValueError(f"classification {value!r} is not one of {list(CLASSES) + ['suppressed']}")
    return out


def _class_color(cls: str) -> str:
    return HOUSE_COLORS["aligned" if cls == "suppressed" else cls]


def _loud(cls: str) -> bool:
    """Blind spots and hidden strengths are drawn strong; aligned and suppressed items muted."""
    return cls in ("blind_spot", "hidden_strength")


def _ordered(gaps: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Rows top to bottom: by default the largest blind spot first, the largest hidden strength last,
    items without a gap (suppressed) at the very bottom."""
    if sort not in SORTS:
        raise ValueError(f"sort={sort!r}; choose one of {list(SORTS)}")
    df = gaps.reset_index(drop=True)
    if sort == "input":
        return df
    key = {"gap": "gap", "customer": "customer_mean", "employee": "employee_mean"}[sort]
    return df.sort_values(key, ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def _wrap(label: str) -> str:
    return textwrap.fill(str(label), width=LABEL_WRAP, break_long_words=False)


def _rows_axis(ax: Axes, labels, *, top_pad: float = 0.0) -> np.ndarray:
    """Item labels on the y axis, first row at the top."""
    y = np.arange(len(labels), dtype=float)
    ax.set_yticks(y, [_wrap(lab) for lab in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5 - top_pad)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", length=0, colors=HOUSE_COLORS["neutral"])
    ax.grid(False)
    ax.grid(axis="x", color=HOUSE_COLORS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#BFBFBF")
    ax.spines["bottom"].set_linewidth(0.8)
    return y


def _right_column(ax: Axes, y: float, text: str, **kwargs):
    """A text just right of the plotting area, at data row y."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    return ax.text(1.015, y, text, transform=trans, ha="left", va="center", clip_on=False, **kwargs)


def _legend_on_top(ax: Axes, handles) -> None:
    """One row of legend between the title and the plot, so it never covers data."""
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles),
              frameon=False, borderaxespad=0.4, handletextpad=0.5, columnspacing=1.6,
              handlelength=1.6, fontsize=10)


def _title(ax: Axes, title: str) -> None:
    if title:
        ax.set_title(title, loc="left", pad=30, fontsize=13, fontweight="bold",
                     color=HOUSE_COLORS["text"])


def _footnote(ax: Axes, text: str) -> None:
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -44), textcoords="offset points",
                ha="left", va="top", fontsize=8.5, color=HOUSE_COLORS["muted"], gid="threshold_note")


def _direction_hints(ax: Axes, t: dict, y: float) -> None:
    kw = dict(fontsize=8.5, color=HOUSE_COLORS["muted"], style="italic", va="center")
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(0.005, y, t["customers_higher"], transform=trans, ha="left", gid="direction_hint", **kw)
    ax.text(0.995, y, t["employees_higher"], transform=trans, ha="right", gid="direction_hint", **kw)


def _gap_label(ax: Axes, y: float, gap: float, cls: str) -> None:
    """The signed gap in the right-hand column: bold in the classification colour when it matters."""
    loud = _loud(cls)
    _right_column(ax, y, fmt_whole(gap, signed=True), fontsize=10.5, gid="gap_label",
                  color=HOUSE_COLORS[cls] if loud else HOUSE_COLORS["neutral"],
                  fontweight="bold" if loud else "normal")


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


# ---------------------------------------------------------------------------------------------------
# charts

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
    df = _ordered(gaps, sort)
    classes = _classes(df)
    c = HOUSE_COLORS
    y = _rows_axis(ax, df["label"].tolist())
    n = len(df)

    # row tints: the classification is visible at a glance across the whole row
    for i, cls in enumerate(classes):
        if _loud(cls):
            ax.axhspan(i - 0.5, i + 0.5, facecolor=tint(c[cls], 0.10), edgecolor="none", zorder=0,
                       gid=f"row_{cls}")

    cust = df["customer_mean"].astype(float).to_numpy()
    emp = df["employee_mean"].astype(float).to_numpy()
    both = ~np.isnan(cust) & ~np.isnan(emp)

    # connectors, in row order, coloured by classification
    segs = [[(cust[i], y[i]), (emp[i], y[i])] for i in range(n) if both[i]]
    seg_colors = [_class_color(classes[i]) for i in range(n) if both[i]]
    seg_widths = [3.2 if _loud(classes[i]) else 2.0 for i in range(n) if both[i]]
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
            note = "; ".join(f"{t[s]}: {t['too_few']}" for s in missing)
            if len(missing) == 2:
                x, ha = 50.0, "center"
            else:
                other = "employee" if missing == ["customer"] else "customer"
                lo, hi = reach[other][0][i], reach[other][1][i]
                # the side with more room, 2 points clear of the interval
                x, ha = (lo - 2.0, "right") if lo >= 100 - hi else (hi + 2.0, "left")
            ax.text(x, y[i], note, ha=ha, va="center", fontsize=9, style="italic",
                    color=HOUSE_COLORS["muted"], gid="too_few")
        gap = df.at[i, "gap"]
        if _is_missing(gap) or np.isnan(float(gap)):
            _right_column(ax, y[i], "–", color=c["muted"], fontsize=10.5, gid="gap_label")
        else:
            _gap_label(ax, y[i], gap, classes[i])
    trans = blended_transform_factory(ax.transAxes, ax.transAxes)
    ax.text(1.015, 1.0, t["gap_header"], transform=trans, ha="left", va="bottom", fontsize=9,
            color=c["muted"], clip_on=False, gid="gap_header")

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
            handles.append(Patch(facecolor=tint(c[cls], 0.10) if _loud(cls) else "white",
                                 edgecolor=c[cls], linewidth=2.2 if _loud(cls) else 1.6,
                                 label=t[cls]))
    _legend_on_top(ax, handles)
    _title(ax, t["title"])
    if threshold is not None:
        _footnote(ax, t["threshold_note"].format(threshold=threshold))
    return ax


def gap_chart(gaps: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
              threshold: float | None = None) -> Axes:
    """Diverging horizontal bars of the gap (employees − customers) with CI error bars, a zero line and
    dashed lines at ±threshold; bars coloured by classification, sorted like the mirror chart.

    gaps: the gap table (item, label, gap, classification; gap_ci_low / gap_ci_high when present).
        An item without a gap (suppressed) gets no bar, the `too_few` note instead.
    ax: the Axes to draw on (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (gap_axis, blind_spot, hidden_strength, aligned,
        customers_higher, employees_higher, too_few, gap_header, title, threshold_note).
    threshold: the materiality threshold in POMP points; drawn as dashed lines at ±threshold.
    Returns the Axes.
    """
    require_columns(gaps, _GAP_COLUMNS, "gap table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    df = _ordered(gaps, "gap")
    classes = _classes(df)
    c = HOUSE_COLORS
    y = _rows_axis(ax, df["label"].tolist(), top_pad=0.7)
    gap = df["gap"].astype(float).to_numpy()
    shown = ~np.isnan(gap)

    xerr = None
    extent = [np.abs(gap[shown]).max() if shown.any() else 0.0]
    if "gap_ci_low" in df.columns and "gap_ci_high" in df.columns:
        lo = df["gap_ci_low"].astype(float).to_numpy()[shown]
        hi = df["gap_ci_high"].astype(float).to_numpy()[shown]
        xerr = np.vstack([np.nan_to_num(gap[shown] - lo), np.nan_to_num(hi - gap[shown])])
        extent += [np.nanmax(np.abs(lo)) if lo.size else 0.0, np.nanmax(np.abs(hi)) if hi.size else 0.0]
    if threshold is not None:
        extent.append(float(threshold) * 1.5)
    lim = max(5.0, np.ceil(max(extent) * 1.08 / 5.0) * 5.0)

    colors = [_class_color(classes[i]) for i in range(len(df)) if shown[i]]
    bars = ax.barh(y[shown], gap[shown], height=0.62, color=colors, xerr=xerr, zorder=2,
                   error_kw=dict(ecolor=c["neutral"], elinewidth=1.0, capsize=2.5, capthick=1.0, zorder=3),
                   gid="gap_bars")
    bars.set_label("_gap_bars")
    ax.axvline(0, color=c["text"], linewidth=1.0, zorder=3, gid="zero_line")
    if threshold is not None:
        for x in (-float(threshold), float(threshold)):
            ax.axvline(x, color=c["muted"], linewidth=0.9, linestyle=(0, (4, 3)), zorder=1, gid="threshold")

    for i in range(len(df)):
        if shown[i]:
            _gap_label(ax, y[i], gap[i], classes[i])
        else:
            ax.text(0, y[i], f"  {t['too_few']}", ha="left", va="center", fontsize=9, style="italic",
                    color=c["muted"], gid="too_few")
            _right_column(ax, y[i], "–", color=c["muted"], fontsize=10.5, gid="gap_label")
    trans = blended_transform_factory(ax.transAxes, ax.transAxes)
    ax.text(1.015, 1.0, t["gap_header"], transform=trans, ha="left", va="bottom", fontsize=9,
            color=c["muted"], clip_on=False, gid="gap_header")
    _direction_hints(ax, t, -0.85)

    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(lambda v, _pos: fmt_whole(v, signed=True))
    ax.set_xlabel(t["gap_axis"], color=c["neutral"], labelpad=8)
    handles = [Patch(facecolor=c[cls], edgecolor="none", label=t[cls]) for cls in CLASSES if cls in classes]
    _legend_on_top(ax, handles)
    _title(ax, t["title"])
    if threshold is not None:
        _footnote(ax, t["threshold_note"].format(threshold=threshold))
    return ax


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
    labels = [f"{lab}\n{t['n_label'].format(n=int(n))}" if not _is_missing(n) else str(lab)
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
        if _is_missing(row["nps"]) or np.isnan(float(row["nps"])):
            # no answers (or suppressed): say so where the bar would be
            ax.text(1.0, y[i], t["too_few"], ha="left", va="center", fontsize=9.5, style="italic",
                    color=c["muted"], gid="too_few")
            _right_column(ax, y[i], f"{name} –", fontsize=11, color=c["muted"], gid="nps_value")
            continue
        value = t["nps_value"].format(name=name, nps=fmt_whole(row["nps"], signed=True),
                                      low=fmt_whole(row["ci_low"]), high=fmt_whole(row["ci_high"]))
        _right_column(ax, y[i], value, fontsize=11, fontweight="bold", color=c["text"], gid="nps_value")

    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(t["nps_axis"], color=c["neutral"], labelpad=8)
    handles = [Patch(facecolor=c[key], edgecolor="none", label=t[key]) for key, _, _ in segments]
    _legend_on_top(ax, handles)
    _title(ax, t["title"])
    return ax


# ---------------------------------------------------------------------------------------------------
# figures and files

def figure_for(kind: str, n_items: int) -> tuple[Figure, Axes]:
    """A new figure sized for one chart kind ("mirror", "gap" or "nps") with `n_items` rows (items, or
    sides for "nps"); 10 in wide, fits a 16:9 slide. Returns (figure, axes)."""
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r}; choose one of {list(KINDS)}")
    n = max(int(n_items), 1)
    height = {"mirror": 1.7 + 0.46 * n, "gap": 2.0 + 0.40 * n, "nps": 1.6 + 0.72 * n}[kind]
    fig, ax = plt.subplots(figsize=(10, height))
    return fig, ax


def save_png(fig: Figure, path, *, dpi: int = 150) -> Path:
    """Write `fig` as a PNG (tight bounding box, white background); creates the folder. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.3, facecolor="white")
    return path
