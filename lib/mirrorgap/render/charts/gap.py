"""The gap chart: per item a diverging bar of the gap (employees − customers) with its CI, coloured by
the classification, the signed gap at the right.

Seaborn's convention, as in `mirrorgap.render.charts.mirror`; texts over the English `DEFAULT_TEXTS` of
`mirrorgap.render.charts.rows`, whose `figure_for("gap", n)` sizes the figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from mirrorgap.analyse.gaps import UNTESTED
from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts.parts import legend_on_top, note, title
from mirrorgap.render.charts.rows import (
    CLASSES,
    DEFAULT_TEXTS,
    class_color,
    gap_header,
    gap_label,
    item_axis,
    ordered,
    row_classes,
)
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns

__all__ = ["gap_chart"]

_GAP_COLUMNS = ("item", "label", "gap", "classification")


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
    df = ordered(gaps, "gap")
    classes = row_classes(df)
    c = HOUSE_COLORS
    y = item_axis(ax, df["label"].tolist(), top_pad=0.7)
    gap = df["gap"].astype(float).to_numpy()
    shown = ~np.isnan(gap)

    xerr = None
    extent = [np.abs(gap[shown]).max() if shown.any() else 0.0]
    if "gap_ci_low" in df.columns and "gap_ci_high" in df.columns:
        lo = df["gap_ci_low"].astype(float).to_numpy()[shown]
        hi = df["gap_ci_high"].astype(float).to_numpy()[shown]
        xerr = np.vstack([gap[shown] - lo, hi - gap[shown]])  # NaN (an untested gap): no whisker
        ends = np.abs(np.concatenate([lo, hi]))
        extent += [ends[np.isfinite(ends)].max(initial=0.0)]  # untested gaps have no ends to fit
    if threshold is not None:
        extent.append(float(threshold) * 1.5)
    lim = max(5.0, np.ceil(max(extent) * 1.08 / 5.0) * 5.0)

    colors = [class_color(classes[i]) for i in range(len(df)) if shown[i]]
    bars = ax.barh(y[shown], gap[shown], height=0.62, color=colors, xerr=xerr, zorder=2,
                   error_kw=dict(ecolor=c["neutral"], elinewidth=1.0, capsize=2.5, capthick=1.0, zorder=3),
                   gid="gap_bars")
    bars.set_label("_gap_bars")
    ax.axvline(0, color=c["text"], linewidth=1.0, zorder=3, gid="zero_line")
    if threshold is not None:
        for x in (-float(threshold), float(threshold)):
            ax.axvline(x, color=c["muted"], linewidth=0.9, linestyle=(0, (4, 3)), zorder=1, gid="threshold")

    for i in range(len(df)):
        if not shown[i]:
            ax.text(0, y[i], f"  {t['too_few']}", ha="left", va="center", fontsize=9, style="italic",
                    color=c["muted"], gid="too_few")
        elif classes[i] in UNTESTED and t.get(classes[i]):
            # no test for this gap (no variation, too few answers): say so beside the bar
            ax.text(0, y[i], f"  {t[classes[i]]}  ", ha="right" if gap[i] >= 0 else "left", va="center",
                    fontsize=9, style="italic", color=c["muted"], gid="untested")
        gap_label(ax, y[i], gap[i], classes[i])
    gap_header(ax, t)
    _direction_hints(ax, t, -0.85)

    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(lambda v, _pos: fmt_whole(v, signed=True))
    ax.set_xlabel(t["gap_axis"], color=c["neutral"], labelpad=8)
    handles = [Patch(facecolor=c[cls], edgecolor="none", label=t[cls]) for cls in CLASSES if cls in classes]
    legend_on_top(ax, handles)
    title(ax, t["title"])
    if threshold is not None:
        note(ax, t["threshold_note"].format(threshold=threshold), gid="threshold_note")
    return ax


def _direction_hints(ax: Axes, t: dict, y: float) -> None:
    kw = dict(fontsize=8.5, color=HOUSE_COLORS["muted"], style="italic", va="center")
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(0.005, y, t["customers_higher"], transform=trans, ha="left", gid="direction_hint", **kw)
    ax.text(0.995, y, t["employees_higher"], transform=trans, ha="right", gid="direction_hint", **kw)
