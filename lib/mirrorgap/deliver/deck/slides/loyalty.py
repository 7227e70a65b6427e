"""Loyalty: customers' NPS and employees' eNPS, as stacked shares and as key figures with their CIs."""
from __future__ import annotations

from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches

from mirrorgap.deliver.deck.charts.bars import add_nps_chart
from mirrorgap.deliver.deck.charts.rows import nps_rows
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CONTENT_W, MARGIN, Box
from mirrorgap.deliver.deck.shapes import para, rect, textbox
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["nps_slide"]


def nps_slide(deck: Deck) -> None:
    """The NPS/eNPS chart, and beside it one card per side: the score, its CI and n (or "too few")."""
    rows = nps_rows(deck.results.nps, deck.t)
    if rows.empty:
        return
    rep = deck.t["report"]
    slide = deck.content_slide(deck.t["chart"]["nps_title"], rep["nps_heading"], note=rep["nps_note"])
    chart_w = Inches(8.3)
    add_nps_chart(slide, deck.chart_box(width=chart_w, bottom=Inches(6.0)), rows, deck.t, font=deck.font)
    left, width, height = MARGIN + chart_w + Inches(0.4), CONTENT_W - chart_w - Inches(0.4), Inches(1.35)
    for k, r in enumerate(rows.itertuples()):
        top = Inches(2.3) + k * Inches(1.7)
        rect(slide, left, top, width, height, HOUSE_COLORS["light"])
        rect(slide, left, top, Inches(0.08), height, HOUSE_COLORS[r.side])
        frame = textbox(slide, Box(left + Inches(0.3), top, width - Inches(0.4), height), anchor=MSO_ANCHOR.MIDDLE)
        name = deck.d["outcome_enps" if r.side == "employee" else "outcome_nps"]
        if r.suppressed:
            para(frame, f"{name}: {deck.t['chart']['too_few']}", size=20, bold=True, first=True, space_after=0)
        else:
            para(frame, f"{name} {deck.f(r.nps, signed=True)}", size=30, bold=True, first=True, space_after=0)
            detail = deck.d["kpi_detail"].format(low=deck.f(r.ci_low, signed=True),
                                                 high=deck.f(r.ci_high, signed=True), n=deck.f(r.n))
            para(frame, detail, size=11, color=HOUSE_COLORS["neutral"], space_after=0)
