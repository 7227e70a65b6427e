"""Charts for a phone's screen: a chart drawn by the usual functions on a narrow figure
(`PHONE_WIDTH` inches), then re-laid so that nothing sticks out of it: item labels on short lines, the
legend in two columns, the title and notes wrapped, no text under `MIN_FONT_PT`. Shown 330–360 CSS px
wide on a 390 px phone (about 300 on a 360 px one), that smallest text is 9–10.5 CSS px; a desktop
chart (10 in, notes at 8.5 pt) scaled to the same width shows its notes at 4.

Used by the dashboard's panels while they draw for a narrow page (`Panel.narrow`); the chart
functions themselves are unchanged, so desktop drawings cost what they did.
"""
from __future__ import annotations

import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from mirrorgap.render.charts.parts import title

__all__ = ["MIN_FONT_PT", "PHONE_WIDTH", "crowded_labels", "css_px", "fit_for_phone", "phone_size"]

PHONE_WIDTH = 4.3  # inches: the figure's width on a phone
MIN_FONT_PT = 9.5  # the smallest text of a phone chart (the house charts' notes are 8.5 pt)
LABEL_CHARS = 18  # characters per line of a row label on a phone
LEGEND_COLUMNS = 2
TITLE_PT = 13  # `parts.title`'s size
_CHAR_EM = 0.56  # a character's average width in ems (DejaVu Sans / the house font)


def phone_size(width: float, height: float) -> tuple[float, float]:
    """The phone figure for a chart drawn `width` × `height` inches on a desktop: `PHONE_WIDTH` wide,
    a little taller (row labels wrap onto more lines)."""
    return min(width, PHONE_WIDTH), height * 1.2 + 0.5


def css_px(points: float, *, dpi: float, natural_px: float, shown_px: float) -> float:
    """How tall `points` of text in a PNG drawn at `dpi`, `natural_px` wide, look when the page shows
    the image `shown_px` wide (CSS pixels)."""
    return points * dpi / 72 * shown_px / natural_px


def _wrap(text: str, width_pt: float, fontsize: float, *, bold: bool = False) -> str:
    chars = max(12, int(width_pt / ((_CHAR_EM + (0.07 if bold else 0)) * fontsize)))
    return textwrap.fill(text.replace("\n", " "), chars, break_long_words=False)


def _label(text: str) -> str:
    """A row label on lines of at most `LABEL_CHARS` characters (its own line breaks kept)."""
    return "\n".join(textwrap.fill(line, LABEL_CHARS, break_long_words=False) for line in text.split("\n"))


def _beside(text: Text) -> bool:
    """Whether a text stands right of the plot (a chart's right-hand column: gap, NPS value)."""
    x = text.get_position()[0]
    return text.get_transform().contains_branch_seperately(text.axes.transAxes)[0] and x >= 1.0


def fit_for_phone(fig: Figure) -> Figure:
    """Re-lay a drawn chart for `PHONE_WIDTH`: no text under `MIN_FONT_PT`, row labels on
    `LABEL_CHARS`-character lines, the right-hand column's texts broken before a bracket, the legend
    in `LEGEND_COLUMNS` columns (the title moved up above it), then the axes fitted inside the figure
    (`tight_layout`) and the title and long notes wrapped to the width right of the row labels.
    Returns `fig`."""
    width_pt = fig.get_figwidth() * 72
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < MIN_FONT_PT:
            text.set_fontsize(MIN_FONT_PT)
    legend_rows = {}
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        if any(any(ch.isalpha() for ch in label) for label in labels):
            ax.set_yticks(ax.get_yticks(), [_label(label) for label in labels])
        for text in ax.texts:
            if _beside(text) and " (" in text.get_text():
                text.set_text(text.get_text().replace(" (", "\n(", 1))
        legend = ax.get_legend()
        if legend is not None and len(legend.texts) > LEGEND_COLUMNS:
            handles, texts = legend.legend_handles, [t.get_text() for t in legend.texts]
            fontsize = legend.texts[0].get_fontsize()
            ax.legend(handles, texts, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=LEGEND_COLUMNS,
                      frameon=False, fontsize=fontsize, borderaxespad=0.4, handletextpad=0.5, columnspacing=1.2,
                      handlelength=1.6)
            legend_rows[ax] = (-(-len(texts) // LEGEND_COLUMNS) - 1, fontsize)
    fig.tight_layout(pad=0.4)
    for ax in fig.axes:
        room = (1 - ax.get_position().x0) * width_pt  # from the plot's left edge to the figure's right
        heading = ax.get_title(loc="left")  # the house title (`parts.title`)
        if heading:
            rows, legend_pt = legend_rows.get(ax, (0, 10))
            title(ax, _wrap(heading, room * 0.97, TITLE_PT, bold=True), pad=30 + rows * 1.45 * legend_pt)
        for text in ax.texts:
            if not _beside(text) and len(text.get_text()) > 30:
                text.set_text(_wrap(text.get_text(), room * 0.95, text.get_fontsize()))
    fig.tight_layout(pad=0.4)
    for text in crowded_labels(fig):
        text.set_visible(False)
    return fig


def crowded_labels(fig: Figure) -> list[Text]:
    """The visible labels drawn inside a bar (e.g. an NPS chart's shares) that are wider than their bar."""
    renderer = FigureCanvasAgg(fig).get_renderer()  # widths in pixels at the figure's dpi: ratios hold at any
    crowded = []
    for ax in fig.axes:
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        for text in ax.texts:
            if not text.get_visible() or text.get_transform() != ax.transData:
                continue
            x, y = text.get_position()
            bar = next((b for b in bars if b.get_x() <= x <= b.get_x() + b.get_width()
                        and b.get_y() <= y <= b.get_y() + b.get_height()), None)
            if bar is None:
                continue
            left, right = (ax.transData.transform((v, y))[0] for v in (bar.get_x(), bar.get_x() + bar.get_width()))
            if text.get_window_extent(renderer).width + 4 > right - left:
                crowded.append(text)
    return crowded
