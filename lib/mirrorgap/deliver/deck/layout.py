"""Where things go on a 16:9 slide: the slide's size, margins, the chart area and the footer, in EMU."""
from __future__ import annotations

from dataclasses import dataclass

from pptx.util import Inches

__all__ = ["CHART_TOP", "CONTENT_W", "FOOTER_TOP", "MARGIN", "NOTE_TOP", "SLIDE_H", "SLIDE_W", "Box"]

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_W = SLIDE_W - 2 * MARGIN
CHART_TOP = Inches(1.75)
NOTE_TOP = Inches(6.55)
FOOTER_TOP = SLIDE_H - Inches(0.42)


@dataclass(frozen=True)
class Box:
    """Where a chart or text box goes on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int
