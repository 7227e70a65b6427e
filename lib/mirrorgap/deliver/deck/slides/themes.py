"""In whose words: the themes of each side's comments, side by side on one scale."""
from __future__ import annotations

import math

from pptx.util import Inches

from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CHART_TOP, CONTENT_W, MARGIN, Box
from mirrorgap.deliver.deck.shapes import para, textbox
from mirrorgap.deliver.number_formats import percent_of_100
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["themes_slide"]


def themes_slide(deck: Deck) -> None:
    """The share of commenters mentioning each theme, per side; a side too small is not shown."""
    themes = deck.table("themes")
    if themes is None:
        return
    ct = deck.t["comments"]
    sides = []
    for side in ("customer", "employee"):
        shown = (themes["side"] == side) & ~themes["suppressed"].astype(bool)
        part = themes[shown].dropna(subset=["share"])
        part = part[part["comments"].fillna(0) > 0]  # a theme nobody mentions is no news on a slide
        if not part.empty:  # the themes by share, "no theme found" last: it is not a theme
            part = part.assign(last=part["theme"].eq("uncategorised"))
            sides.append((side, part.sort_values(["last", "share"], ascending=[True, False])))
    if not sides:
        return
    hidden = (themes["side"] == "employee").any() and all(side != "employee" for side, _ in sides)
    note = ct["employee_suppressed"].format(min_n=deck.f(deck.eng.analysis.min_n_comments)) if hidden else None
    slide = deck.content_slide(ct["chart_title"], ct["share_axis"], note=note)
    gutter = Inches(0.4)
    width = (CONTENT_W - gutter * (len(sides) - 1)) // len(sides)
    top = float(math.ceil(themes["share"].max() / 10 + 0.5) * 10)
    for k, (side, part) in enumerate(sides):
        left = MARGIN + k * (width + gutter)
        frame = textbox(slide, Box(left, CHART_TOP, width, Inches(0.35)))
        heading = ct["legend"].format(side=deck.t["side"][side], n=deck.f(int(part["commenters"].iloc[0])))
        para(frame, heading, size=13, bold=True, color=HOUSE_COLORS[side], first=True, space_after=0)
        add_bar_chart(slide, deck.chart_box(left=left, width=width, top=CHART_TOP + Inches(0.35)),
                      part["label"].tolist(), [(deck.t["side"][side], part["share"].tolist(), HOUSE_COLORS[side])],
                      font=deck.font, fmt=percent_of_100(deck.t), minimum=0, maximum=top, major=10, legend=False,
                      gap_width=50, overlap=0, label_size=10, category_size=10.5)
