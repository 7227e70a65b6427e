"""What the item-row charts share (the mirror, gap, touchpoint and NPS charts): their English default
texts, the classification of each row and its colour, the row order, the item axis, the right-hand
column with the signed gap, and a figure sized for the number of rows."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from mirrorgap.analyse.gaps import UNTESTED
from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts.parts import rows_frame, wrap_label
from mirrorgap.render.style import HOUSE_COLORS, is_missing
from mirrorgap.render.words import EnglishTexts

__all__ = ["CLASSES", "DEFAULT_TEXTS", "KINDS", "SORTS", "class_color", "figure_for", "gap_header", "gap_label",
           "is_loud", "item_axis", "ordered", "right_column", "row_classes"]

DEFAULT_TEXTS = EnglishTexts("side", "classification", "chart", title="")

CLASSES = ("blind_spot", "hidden_strength", "aligned")
SORTS = ("gap", "customer", "employee", "input")
KINDS = ("mirror", "gap", "nps")
LABEL_WRAP = 34            # characters per line of an item label


def row_classes(gaps: pd.DataFrame) -> list[str]:
    """Classification per row. "suppressed" (the gap module's word for too few answers) and a missing
    value are kept as "suppressed" and drawn in the aligned grey, without a legend entry."""
    out = []
    for value in gaps["classification"]:
        if is_missing(value) or value == "suppressed":
            out.append("suppressed")
        elif value in CLASSES or value in UNTESTED:
            out.append(str(value))
        else:
            raise ValueError(f"classification {value!r} is not one of {list(CLASSES) + ['suppressed']}")
    return out


def class_color(cls: str) -> str:
    # UNTESTED items are shown, drawn grey, without a legend entry: the sentences say why
    return HOUSE_COLORS["aligned" if cls == "suppressed" or cls in UNTESTED else cls]


def is_loud(cls: str) -> bool:
    """Blind spots and hidden strengths are drawn strong; aligned and suppressed items muted."""
    return cls in ("blind_spot", "hidden_strength")


def ordered(gaps: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Rows top to bottom: by default the largest blind spot first, the largest hidden strength last,
    items without a gap (suppressed) at the very bottom."""
    if sort not in SORTS:
        raise ValueError(f"sort={sort!r}; choose one of {list(SORTS)}")
    df = gaps.reset_index(drop=True)
    if sort == "input":
        return df
    key = {"gap": "gap", "customer": "customer_mean", "employee": "employee_mean"}[sort]
    return df.sort_values(key, ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def item_axis(ax: Axes, labels, *, top_pad: float = 0.0) -> np.ndarray:
    """Item labels on the y axis, first row at the top, in the rows frame. Returns the rows' y."""
    y = np.arange(len(labels), dtype=float)
    ax.set_yticks(y, [wrap_label(lab, LABEL_WRAP) for lab in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5 - top_pad)
    rows_frame(ax)
    ax.spines["bottom"].set_color("#BFBFBF")
    ax.spines["bottom"].set_linewidth(0.8)
    return y


def right_column(ax: Axes, y: float, text: str, **kwargs):
    """A text just right of the plotting area, at data row y."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    return ax.text(1.015, y, text, transform=trans, ha="left", va="center", clip_on=False, **kwargs)


def gap_header(ax: Axes, t: dict) -> None:
    """The right-hand column's heading, level with the top of the plot."""
    trans = blended_transform_factory(ax.transAxes, ax.transAxes)
    ax.text(1.015, 1.0, t["gap_header"], transform=trans, ha="left", va="bottom", fontsize=9,
            color=HOUSE_COLORS["muted"], clip_on=False, gid="gap_header")


def gap_label(ax: Axes, y: float, gap, cls: str) -> None:
    """The signed gap in the right-hand column: bold in the classification colour when it matters;
    "–" when there is no gap (suppressed)."""
    if is_missing(gap) or np.isnan(float(gap)):
        right_column(ax, y, "–", color=HOUSE_COLORS["muted"], fontsize=10.5, gid="gap_label")
        return
    loud = is_loud(cls)
    right_column(ax, y, fmt_whole(gap, signed=True), fontsize=10.5, gid="gap_label",
                 color=HOUSE_COLORS[cls] if loud else HOUSE_COLORS["neutral"],
                 fontweight="bold" if loud else "normal")


def figure_for(kind: str, n_items: int) -> tuple[Figure, Axes]:
    """A new figure sized for one chart kind ("mirror", "gap" or "nps") with `n_items` rows (items, or
    sides for "nps"); 10 in wide, fits a 16:9 slide. Returns (figure, axes)."""
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r}; choose one of {list(KINDS)}")
    n = max(int(n_items), 1)
    height = {"mirror": 1.7 + 0.46 * n, "gap": 2.0 + 0.40 * n, "nps": 1.6 + 0.72 * n}[kind]
    fig, ax = plt.subplots(figsize=(10, height))
    return fig, ax
