"""The deck's master and theme: the consultancy's look goes into the theme, so added slides match.

The master is `templates/deck/master.pptx` (made by `templates/deck/make_master.py`); every colour and
font in it refers to the theme. `brand_theme` rewrites the theme: primary colour → accent1/dk2,
accent colour → accent2, font → the theme's major and minor fonts.
"""
from __future__ import annotations

from lxml import etree

from mirrorgap.config.params import Branding
from mirrorgap.config.paths import TEMPLATES_DIR

__all__ = ["LOCALES", "MASTER", "brand_theme"]

MASTER = TEMPLATES_DIR / "deck" / "master.pptx"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LOCALES = {"sv": "sv-SE", "da": "da-DK", "nb": "nb-NO", "en": "en-GB"}  # the deck's language tags


def brand_theme(prs, branding: Branding) -> None:
    """Rewrite the deck's theme with the consultancy's colours and font (see the module docstring)."""
    rels = prs.slide_master.part.rels.values()
    part = next(rel.target_part for rel in rels if rel.reltype.endswith("/theme"))
    root = etree.fromstring(part.blob)
    scheme = root.find(f".//{{{A_NS}}}clrScheme")
    for slot, color in (("dk2", branding.primary_color), ("accent1", branding.primary_color),
                        ("accent2", branding.accent_color)):
        node = scheme.find(f"{{{A_NS}}}{slot}")
        for child in list(node):
            node.remove(child)
        etree.SubElement(node, f"{{{A_NS}}}srgbClr", val=color.lstrip("#").upper())
    fonts = root.find(f".//{{{A_NS}}}fontScheme")
    for which in ("majorFont", "minorFont"):
        fonts.find(f"{{{A_NS}}}{which}").find(f"{{{A_NS}}}latin").set("typeface", branding.font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
