"""The house style: one colour table and one theme entry point for every chart mirrorgap draws.

`png_bytes` and `save_png` turn a drawn figure into a picture (`save_png` is the only function of the
charts that writes to disk).

Colours are colour-blind safe: customers and employees use the Okabe–Ito blue and orange; blind spot
(dark red) and hidden strength (green) also differ clearly in lightness, and every chart carries a
second cue (direction, sign, position or a printed label) so colour is never the only one.
"""
from __future__ import annotations

import io
import math
import struct
import zlib
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure

__all__ = ["FONT_FAMILY", "HOUSE_COLORS", "HOUSE_RC", "SEABORN_BASE_RC", "THEME_PALETTE", "encode_png", "is_missing",
           "merge_texts", "png_bytes", "require_columns", "save_png", "set_theme", "tint"]

HOUSE_COLORS: dict[str, str] = {
    # the two sides (Okabe & Ito 2008)
    "customer": "#0072B2",
    "employee": "#E69F00",
    # gap classifications: dark red, Okabe–Ito bluish green, light grey; simulated deutan/protan
    # vision still keeps every pair apart (CIELAB ΔE ≥ 24), mostly by lightness
    "blind_spot": "#B2182B",
    "hidden_strength": "#009E73",
    "aligned": "#C4C4C4",
    # NPS segments, left to right
    "detractors": "#B2182B",
    "passives": "#D4D4D4",
    "promoters": "#009E73",
    # neutral greys
    "text": "#262626",
    "neutral": "#595959",
    "muted": "#8C8C8C",
    "grid": "#E6E6E6",
    "light": "#F4F4F4",
    "white": "#FFFFFF",
}

FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib; renders å ä ö æ ø

# seaborn's "whitegrid" style and "notebook" context (seaborn 0.13), the base `set_theme` lays under
# HOUSE_RC: what `sns.set_theme(context="notebook", style="whitegrid")` sets. Written out so that a
# dashboard kernel draws in the house style without importing seaborn, whose import loads
# scipy.stats (~50 MB in every kernel); tests/test_plots.py checks it against seaborn's own set_theme.
SEABORN_BASE_RC: dict[str, object] = {
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True, "image.cmap": "rocket",
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white", "axes.edgecolor": ".8",
    "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True,
    "axes.spines.top": True, "xtick.bottom": False, "ytick.left": False, "axes.linewidth": 1.25,
    "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6, "patch.linewidth": 1,
    "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1, "ytick.minor.width": 1,
    "xtick.major.size": 6, "ytick.major.size": 6, "xtick.minor.size": 4, "ytick.minor.size": 4, "font.size": 12,
    "axes.labelsize": 12, "axes.titlesize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11,
    "legend.title_fontsize": 12,
}
THEME_PALETTE = ("customer", "employee", "blind_spot", "hidden_strength", "aligned")  # the colour cycle

HOUSE_RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "text.color": HOUSE_COLORS["text"],
    "axes.labelcolor": HOUSE_COLORS["text"],
    "axes.edgecolor": "#BFBFBF",
    "axes.linewidth": 0.8,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlecolor": HOUSE_COLORS["text"],
    "axes.labelsize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.facecolor": "white",
    "grid.color": HOUSE_COLORS["grid"],
    "grid.linewidth": 0.6,
    "xtick.color": HOUSE_COLORS["neutral"],
    "ytick.color": HOUSE_COLORS["text"],
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
}


def set_theme() -> None:
    """Apply the house style (seaborn's whitegrid theme + rcParams: font, sizes, thin grid, palette)
    globally. Call once at the top of a notebook or report script, before drawing.
    """
    if "rocket" not in mpl.colormaps:  # seaborn's default image colour map, which its theme names
        mpl.colormaps.register(mpl.colormaps["magma"].copy(), name="rocket")
    palette = cycler(color=[mpl.colors.to_rgb(HOUSE_COLORS[k]) for k in THEME_PALETTE])
    mpl.rcParams.update({**SEABORN_BASE_RC, "axes.prop_cycle": palette, **HOUSE_RC})


def tint(color: str, amount: float) -> tuple[float, float, float]:
    """`color` mixed with white: amount 0 is white, 1 is the colour itself."""
    r, g, b = mpl.colors.to_rgb(color)
    return (1 - amount * (1 - r), 1 - amount * (1 - g), 1 - amount * (1 - b))


def merge_texts(defaults: dict[str, str], texts: dict | None) -> dict[str, str]:
    """A chart's texts: the caller's (e.g. a whole language table) over the chart's English defaults."""
    merged = dict(defaults)
    if texts:
        merged.update({k: v for k, v in texts.items() if v is not None})
    return merged


def is_missing(value) -> bool:
    """No value in a table cell: None, pandas' NA or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def require_columns(df, columns, what: str) -> None:
    """Raise a ValueError naming the columns a chart needs but the table lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"the {what} lacks column(s) {missing}; it has {list(df.columns)}")


def png_bytes(fig: Figure, *, dpi: int = 150, compress_level: int = 3) -> bytes:
    """A figure as PNG bytes cut to its content (savefig's bbox_inches="tight"), without the matplotlib
    version stamp (so reruns write identical files). compress_level: zlib's, 1 (fast) to 9."""
    png = _drawn_once(fig, dpi, compress_level)
    if png is not None:
        return png
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None},
                pil_kwargs={"compress_level": compress_level})
    return buf.getvalue()


SPARE_INCHES = 2.0  # canvas added on every side for _drawn_once: labels left of the axes fit in it


def _drawn_once(fig: Figure, dpi: int, compress_level: int) -> bytes | None:
    """The PNG that savefig with a tight box makes, drawn once instead of twice (savefig lays every
    text out in a pass of its own first, and text is most of a chart's cost): the canvas gets
    SPARE_INCHES on every side (the axes keep their size and their places relative to each other),
    the figure is drawn, and its content plus `savefig.pad_inches` is cut out of the pixels — the
    tight box comes from that same drawing. The figure is put back as it was. None (use savefig) for
    a figure with a layout engine or artists placed on the figure itself, which would not stay in
    place, or whose content reaches beyond even the spare canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fig.get_layout_engine() is not None or any(
            (fig.texts, fig.legends, fig.artists, fig.patches, fig.lines, fig.images, fig.subfigs)):
        return None
    width, height = fig.get_size_inches()
    old_dpi, old_canvas, boxes = fig.dpi, fig.canvas, [ax.get_position() for ax in fig.axes]
    big_w, big_h = width + 2 * SPARE_INCHES, height + 2 * SPARE_INCHES
    try:
        fig.set_size_inches(big_w, big_h)
        for ax, b in zip(fig.axes, boxes):
            ax.set_position([(SPARE_INCHES + b.x0 * width) / big_w, (SPARE_INCHES + b.y0 * height) / big_h,
                             b.width * width / big_w, b.height * height / big_h])
        fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        box = fig.get_tightbbox(canvas.get_renderer())
        if box.x0 <= 0 or box.y0 <= 0 or box.x1 >= big_w or box.y1 >= big_h:
            return None
        box = box.padded(mpl.rcParams["savefig.pad_inches"])
        pixels = np.asarray(canvas.buffer_rgba())
        rows = pixels.shape[0]
        cut = pixels[max(0, round(rows - box.y1 * dpi)):round(rows - box.y0 * dpi),
                     max(0, round(box.x0 * dpi)):round(box.x1 * dpi)]  # a view: it holds the renderer
    finally:
        fig.set_canvas(old_canvas)
        fig.set_dpi(old_dpi)
        fig.set_size_inches(width, height)
        for ax, b in zip(fig.axes, boxes):
            ax.set_position(b)
    if (cut[..., 3] == 255).all():  # opaque (a white figure): RGB, a quarter less to compress
        cut = cut[..., :3]
    return encode_png(cut, dpi=dpi, compress_level=compress_level)


def encode_png(pixels: np.ndarray, *, dpi: int, compress_level: int) -> bytes:
    """PNG bytes of an 8-bit RGB or RGBA pixel array (rows top to bottom), its resolution stated.

    Written here rather than by PIL because PIL picks a PNG filter for every row, which takes longer
    than compressing: a chart is mostly runs of one colour, which zlib compresses well unfiltered (the
    demo's 15 charts, cut out of their canvases: 0.17 s CPU at level 3 against PIL's 0.62-0.69 s at level 6,
    1.82 MB against 1.75 MB)."""
    height, width, channels = pixels.shape
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # each row's filter: none
    body = rows[:, 1:].reshape(height, width, channels)  # a view: each row's bytes after its filter byte
    for channel in range(channels):  # a channel at a time: numpy copies RGB out of RGBA slowly in one go
        body[..., channel] = pixels[..., channel]
    per_metre = round(dpi / 0.0254)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, {3: 2, 4: 6}[channels], 0, 0, 0)),
        _png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _png_chunk(b"IDAT", zlib.compress(rows.data, compress_level)),
        _png_chunk(b"IEND", b""),
    ])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def save_png(fig: Figure, path, *, dpi: int = 150) -> Path:
    """Write `fig` as a PNG (tight bounding box, white background); creates the folder. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.3, facecolor="white")
    return path
