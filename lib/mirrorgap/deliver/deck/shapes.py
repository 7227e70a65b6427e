"""The drawing primitives of a slide: colours, paragraphs, bullets, flat rectangles, text boxes,
table cells and the slide-number field — each editable as itself in PowerPoint."""
from __future__ import annotations

import copy
from functools import lru_cache

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.theme import LOCALES
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["WHITE", "bullet", "cell", "para", "rect", "rgb", "slide_number", "textbox"]

WHITE = "#FFFFFF"


@lru_cache(maxsize=1024)  # a deck asks for its few colours thousands of times; RGBColor is immutable
def rgb(color: str | tuple) -> RGBColor:
    """A hex colour ("#0072B2") or an RGB tuple of floats 0..1 as a pptx colour."""
    if isinstance(color, str):
        return RGBColor.from_string(color.lstrip("#").upper())
    return RGBColor(*(int(round(c * 255)) for c in color))


def para(frame, text: str, *, size: float, bold: bool = False, color: str | None = None,
         first: bool = False, space_after: float = 4, bullet_color: str | None = None):
    """Add a paragraph (or fill the frame's first one) with one run of text; `bullet_color`: a bullet's."""
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    if bullet_color:
        bullet(p, bullet_color)
    run = p.add_run()
    run.text = text
    font = run.font  # a new Font object on each `run.font`: taken once
    font.size = Pt(size)
    font.bold = bold
    if color:
        font.color.rgb = rgb(color)
    p.space_after = Pt(space_after)
    return p


def bullet(paragraph, color: str, *, indent=Inches(0.28)) -> None:
    """A real bullet (■ in `color`) with a hanging indent, editable as a bullet in PowerPoint."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(indent)))
    ppr.set("indent", str(-int(indent)))
    clr = etree.SubElement(ppr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr"), val=color.lstrip("#").upper())
    etree.SubElement(ppr, qn("a:buSzPct"), val="80000")
    etree.SubElement(ppr, qn("a:buFont"), typeface="Arial")
    etree.SubElement(ppr, qn("a:buChar"), char="\u25A0")


def rect(slide, left, top, width, height, color: str, *, name: str | None = None):
    """A flat filled rectangle: no outline, no theme shadow (LibreOffice draws the theme's effects)."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    fill = shape.fill
    fill.solid()
    fill.fore_color.rgb = rgb(color)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    if name:
        shape.name = name
    return shape


def textbox(slide, box: Box, *, anchor=MSO_ANCHOR.TOP):
    """A text box without inner margins that keeps its size (so bottom-anchored notes stay put)."""
    shape = slide.shapes.add_textbox(Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height))
    frame = shape.text_frame
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    return frame


def slide_number(paragraph, language: str) -> None:
    """A slide-number field, so the number follows the slide when a consultant reorders the deck."""
    fld = etree.SubElement(paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}",
                           type="slidenum")
    rpr = etree.SubElement(fld, qn("a:rPr"), lang=LOCALES.get(language, "en-GB"), sz="1000")
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=HOUSE_COLORS["muted"].lstrip("#"))
    etree.SubElement(fld, qn("a:t")).text = "‹#›"


def cell(table_cell, runs: list[tuple[str, float, bool, str | None]], *, fill: str | tuple,
         align=None) -> None:
    """Fill a table cell: background (hex or RGB tuple), margins and paragraphs of (text, size, bold,
    colour).

    Styling a cell through python-pptx takes a hundred element look-ups, and a deck's tables have
    hundreds of cells in a few styles. So a new cell's XML is copied from the first cell made in the
    same style (`_CELL_STYLES`: its runs' size, weight and colour, its alignment), then given its own
    texts and background — the same XML as styling it afresh."""
    tc = table_cell._tc
    style = (tuple((size, bold, color) for _, size, bold, color in runs), align)
    template = _CELL_STYLES.get(style) if runs and _pristine(tc) else None
    if template is None:
        _style_cell(table_cell, runs, fill=fill, align=align)
        if runs and len(_CELL_STYLES) < 64:
            _CELL_STYLES[style] = copy.deepcopy(tc)
        return
    tc[:] = copy.deepcopy(template)[:]
    table_cell.fill.fore_color.rgb = rgb(fill)
    for paragraph, (text, *_) in zip(table_cell.text_frame.paragraphs, runs):
        paragraph.runs[0].text = text


_CELL_STYLES: dict[tuple, etree._Element] = {}  # per style, the first cell made in it


def _pristine(tc) -> bool:
    """Whether a table cell is as python-pptx made it: one empty paragraph, no properties."""
    body, props = tc.find(qn("a:txBody")), tc.find(qn("a:tcPr"))
    paragraphs = [] if body is None else body.findall(qn("a:p"))
    return (len(tc) == 2 and props is not None and len(props) == 0 and not props.attrib
            and len(paragraphs) == 1 and len(paragraphs[0]) == 0)


def _style_cell(table_cell, runs, *, fill, align) -> None:
    background = table_cell.fill
    background.solid()
    background.fore_color.rgb = rgb(fill)
    table_cell.margin_left = table_cell.margin_right = Inches(0.1)
    table_cell.margin_top = table_cell.margin_bottom = Inches(0.05)
    frame = table_cell.text_frame
    frame.word_wrap = True
    for k, (text, size, bold, color) in enumerate(runs):
        p = para(frame, text, size=size, bold=bold, color=color or HOUSE_COLORS["text"], first=(k == 0),
                 space_after=2)
        if align is not None:
            p.alignment = align
