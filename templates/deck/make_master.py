"""Build templates/deck/master.pptx, the slide master every mirrorgap deck starts from.

Run: .venv/bin/python templates/deck/make_master.py   (deterministic; rerun after editing this file)

The master is python-pptx's default template turned into a 16:9 house master with five layouts
(Title Slide, Title and Content, Section Header, Title Only, Blank). Every colour in it refers to a
*theme* colour (accent1 = the consultancy's primary colour, accent2 = its accent colour) and every
font to a theme font, so `mirrorgap.deliver.deck.theme` rebrands a deck by rewriting the theme alone: a consultant
who adds a slide in PowerPoint gets the same look.
"""
from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

HERE = Path(__file__).resolve().parent
MASTER = HERE / "master.pptx"

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
KEEP = ("Title Slide", "Title and Content", "Section Header", "Title Only", "Blank")
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _set_box(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _move_to(shape_tree, sp, *, behind: bool) -> None:
    """Put an autoshape element into a master's or layout's shape tree (behind the placeholders),
    with a shape id unique in that tree."""
    sp.getparent().remove(sp)
    ids = [int(x) for x in shape_tree.xpath(".//p:cNvPr/@id")]
    sp.find(qn("p:nvSpPr")).find(qn("p:cNvPr")).set("id", str(max(ids, default=1) + 1))
    if behind:
        shape_tree.insert(2, sp)  # after nvGrpSpPr and grpSpPr
    else:
        shape_tree.append(sp)


def _rect(scratch, left, top, width, height, color: MSO_THEME_COLOR, name: str):
    shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.theme_color = color
    shape.line.fill.background()
    sp = shape._element
    sp.remove(sp.find(qn("p:style")))  # no theme line/shadow: LibreOffice draws the effect style's shadow
    return sp


def _scheme_fill(parent, scheme: str) -> None:
    fill = etree.SubElement(parent, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:schemeClr"), val=scheme)


def _text_style(lvl_ppr, *, size: int, bold: bool = False, scheme: str | None = None,
                font: str | None = None, align: str | None = None) -> None:
    """Rewrite one level of a text style: size (1/100 pt), weight, colour, font, alignment."""
    if align:
        lvl_ppr.set("algn", align)
    rpr = lvl_ppr.find(qn("a:defRPr"))
    if rpr is None:
        rpr = etree.SubElement(lvl_ppr, qn("a:defRPr"))
    rpr.set("sz", str(size))
    rpr.set("b", "1" if bold else "0")
    for child in list(rpr):
        if child.tag in (qn("a:solidFill"), qn("a:latin"), qn("a:ea"), qn("a:cs")):
            rpr.remove(child)
    if scheme:
        _scheme_fill(rpr, scheme)
    if font:
        etree.SubElement(rpr, qn("a:latin"), typeface=font)


def _placeholder_text(ph, *, size: int, bold: bool, scheme: str, align: str = "l", anchor: str | None = None):
    """A layout placeholder's own list style (overrides the master's) — e.g. white titles on colour."""
    body = ph._element.txBody
    lst = body.find(qn("a:lstStyle"))
    for child in list(lst):
        lst.remove(child)
    lvl = etree.SubElement(lst, qn("a:lvl1pPr"), algn=align, indent="0", marL="0")
    etree.SubElement(lvl, qn("a:buNone"))
    _text_style(lvl, size=size, bold=bold, scheme=scheme)
    if anchor:
        body.find(qn("a:bodyPr")).set("anchor", anchor)


def _drop_layouts(prs) -> None:
    for layout in list(prs.slide_layouts):
        if layout.name not in KEEP:
            prs.slide_layouts.remove(layout)


def _master_styles(master) -> None:
    """Titles: left, bold, primary colour, major font. Body: dark grey, minor font, sober bullets."""
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    _text_style(title, size=2600, bold=True, scheme="accent1", font="+mj-lt", align="l")
    body = styles.find(qn("p:bodyStyle"))
    for level, size in zip(range(1, 10), (1800, 1600, 1400, 1300, 1200, 1200, 1200, 1200, 1200)):
        lvl = body.find(qn(f"a:lvl{level}pPr"))
        _text_style(lvl, size=size, scheme="tx1", font="+mn-lt")


def _theme(prs) -> None:
    """Theme defaults the deck rewrites per engagement: colours and fonts."""
    master_part = prs.slide_master.part
    theme_part = next(rel.target_part for rel in master_part.rels.values() if rel.reltype.endswith("/theme"))
    root = etree.fromstring(theme_part.blob)
    scheme = root.find(f".//{{{A}}}clrScheme")
    scheme.set("name", "mirrorgap")
    colours = {"dk1": "262626", "lt1": "FFFFFF", "dk2": "1D3557", "lt2": "F4F4F4", "accent1": "1D3557",
               "accent2": "E69F00", "accent3": "0072B2", "accent4": "009E73", "accent5": "B2182B",
               "accent6": "8C8C8C", "hlink": "0072B2", "folHlink": "595959"}
    for name, rgb in colours.items():
        slot = scheme.find(f"{{{A}}}{name}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=rgb)
    fonts = root.find(f".//{{{A}}}fontScheme")
    fonts.set("name", "mirrorgap")
    for which in ("majorFont", "minorFont"):
        fonts.find(f"{{{A}}}{which}").find(f"{{{A}}}latin").set("typeface", "DejaVu Sans")
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build() -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _drop_layouts(prs)
    _theme(prs)
    master = prs.slide_master
    _master_styles(master)
    layouts = {layout.name: layout for layout in prs.slide_layouts}

    content_w = WIDTH - 2 * MARGIN
    footer_top = HEIGHT - Inches(0.45)
    for ph in master.placeholders:
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            _set_box(ph, MARGIN, Inches(0.35), content_w, Inches(0.85))
            body_pr = ph._element.txBody.find(qn("a:bodyPr"))
            body_pr.set("anchor", "b")
            body_pr.set("lIns", "0")  # titles start on the same line as the text below them
            body_pr.set("rIns", "0")
        elif kind == PP_PLACEHOLDER.BODY:
            _set_box(ph, MARGIN, Inches(1.45), content_w, Inches(5.35))
        elif kind == PP_PLACEHOLDER.DATE:
            _set_box(ph, MARGIN, footer_top, Inches(3), Inches(0.3))
        elif kind == PP_PLACEHOLDER.FOOTER:
            _set_box(ph, Inches(4.2), footer_top, Inches(4.9), Inches(0.3))
        else:
            _set_box(ph, WIDTH - MARGIN - Inches(2), footer_top, Inches(2), Inches(0.3))

    # a scratch slide to draw the decorations with python-pptx, then move them into master/layouts
    scratch = prs.slides.add_slide(layouts["Blank"])
    tree = master.shapes._spTree
    _move_to(tree, _rect(scratch, MARGIN, Inches(1.22), Inches(1.1), Inches(0.06), MSO_THEME_COLOR.ACCENT_2,
                         "Accent rule"), behind=True)
    _move_to(tree, _rect(scratch, MARGIN, footer_top - Inches(0.06), content_w, Emu(9525),
                         MSO_THEME_COLOR.BACKGROUND_2, "Footer rule"), behind=True)

    # the title slide: a full-bleed primary-colour panel, white title, accent rule under it
    title_layout = layouts["Title Slide"]
    ttree = title_layout.shapes._spTree
    _move_to(ttree, _rect(scratch, 0, 0, WIDTH, HEIGHT, MSO_THEME_COLOR.ACCENT_1, "Brand panel"), behind=True)
    _move_to(ttree, _rect(scratch, Inches(0.8), Inches(4.05), Inches(1.6), Inches(0.08), MSO_THEME_COLOR.ACCENT_2,
                          "Accent rule"), behind=False)
    for ph in title_layout.placeholders:
        idx = ph.placeholder_format.idx
        if idx == 0:
            _set_box(ph, Inches(0.8), Inches(1.6), Inches(10.5), Inches(2.3))
            _placeholder_text(ph, size=4000, bold=True, scheme="bg1", anchor="b")
        elif idx == 1:
            _set_box(ph, Inches(0.8), Inches(4.35), Inches(10.5), Inches(1.5))
            _placeholder_text(ph, size=2000, bold=False, scheme="bg1", anchor="t")
    # hide the master's rules on the title slide (they would sit on the colour panel)
    title_layout._element.set("showMasterSp", "0")

    section_layout = layouts["Section Header"]
    stree = section_layout.shapes._spTree
    _move_to(stree, _rect(scratch, 0, 0, Inches(0.35), HEIGHT, MSO_THEME_COLOR.ACCENT_1, "Brand edge"), behind=True)
    for ph in section_layout.placeholders:
        idx = ph.placeholder_format.idx
        if idx == 0:
            _set_box(ph, Inches(1.0), Inches(2.4), Inches(11), Inches(1.4))
            _placeholder_text(ph, size=3600, bold=True, scheme="accent1", anchor="b")
        elif idx == 1:
            _set_box(ph, Inches(1.0), Inches(3.9), Inches(11), Inches(1.2))
            _placeholder_text(ph, size=1800, bold=False, scheme="tx1", anchor="t")

    for name in ("Title and Content", "Title Only"):
        for ph in layouts[name].placeholders:
            idx = ph.placeholder_format.idx
            if idx == 0:
                _set_box(ph, MARGIN, Inches(0.35), content_w, Inches(0.85))
            elif idx == 1:
                _set_box(ph, MARGIN, Inches(1.45), content_w, Inches(5.35))
            elif idx in (10, 11, 12):
                src = next(p for p in master.placeholders if p.placeholder_format.type == ph.placeholder_format.type)
                _set_box(ph, src.left, src.top, src.width, src.height)
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.idx in (10, 11, 12) and layout.name in ("Title Slide", "Section Header", "Blank"):
                src = next(p for p in master.placeholders if p.placeholder_format.type == ph.placeholder_format.type)
                _set_box(ph, src.left, src.top, src.width, src.height)

    # drop the scratch slide again
    sld_ids = prs.slides._sldIdLst
    sld_id = sld_ids[0]
    prs.part.drop_rel(sld_id.rId)
    sld_ids.remove(sld_id)

    prs.core_properties.title = "mirrorgap deck master"
    prs.core_properties.author = "mirrorgap"
    prs.core_properties.last_modified_by = "mirrorgap"
    prs.core_properties.revision = 1
    prs.save(MASTER)
    return MASTER


if __name__ == "__main__":
    path = build()
    print(f"wrote {path.relative_to(HERE.parents[1]) if path.is_relative_to(HERE.parents[1]) else path}")
    sys.exit(0)
