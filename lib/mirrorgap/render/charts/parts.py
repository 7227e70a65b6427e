"""The pieces every chart is made of, drawn one way: the title, the legend above the plot, the note
under it, the frame of a chart with rows down and values across, and wrapped labels."""
from __future__ import annotations

import textwrap

from matplotlib.axes import Axes

from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["fit_width", "legend_on_top", "note", "rows_frame", "title", "wrap_label"]


def title(ax: Axes, text: str, *, pad: float = 30) -> None:
    """The chart's title, bold at the top left, `pad` points above the plot (room for a legend);
    nothing when `text` is empty. Placed, not left to matplotlib to place: its automatic placement lays
    out every tick label of both axes once more before each drawing, and the pad already keeps the
    title clear of whatever sits above the plot."""
    if text:
        ax.set_title(text, loc="left", y=1.0, pad=pad, fontsize=13, fontweight="bold", color=HOUSE_COLORS["text"])


def legend_on_top(ax: Axes, handles, *, ncol: int | None = None, **style) -> None:
    """One row of legend (or `ncol` columns) between the title and the plot, so it never covers data.
    `style` overrides the spacing and font size (None: matplotlib's default)."""
    kw = dict(borderaxespad=0.4, handletextpad=0.5, columnspacing=1.6, handlelength=1.6, fontsize=10) | style
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol or max(len(handles), 1),
              frameon=False, **kw)


def note(ax: Axes, text: str, *, gid: str, offset: float = 44) -> None:
    """A small muted note under the plot, its top `offset` points below the axes (below the x label)."""
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -offset), textcoords="offset points",
                ha="left", va="top", fontsize=8.5, color=HOUSE_COLORS["muted"], gid=gid)


def fit_width(ax: Axes, text: str) -> str:
    """`text` wrapped to the width of the axes, as a note's 8.5 pt characters go (at least 40 a line)."""
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    return textwrap.fill(text, max(40, int(width_pt / (0.56 * 8.5))), break_long_words=False)


def rows_frame(ax: Axes) -> None:
    """The frame of a chart with rows down and values across: no ticks, a light vertical grid behind the
    data, no spines but the bottom one."""
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", length=0, colors=HOUSE_COLORS["neutral"])
    ax.grid(False)
    ax.grid(axis="x", color=HOUSE_COLORS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def wrap_label(label, width: int) -> str:
    """An item or group label on lines of at most `width` characters, words kept whole."""
    return textwrap.fill(str(label), width, break_long_words=False)
