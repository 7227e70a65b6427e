"""The opening: the title slide, and the summary (blind spots and hidden strengths in words)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CONTENT_W, MARGIN, SLIDE_W, Box
from mirrorgap.deliver.deck.shapes import WHITE, para, rect, textbox
from mirrorgap.deliver.withheld import drivers_withheld, withheld_note, withheld_reason
from mirrorgap.render.findings import item_findings, nps_sentence, respondents_words, shared_findings
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["summary_slide", "title_slide"]


def _run_date(run_id: str) -> str:
    """The run's date from its id (YYYYMMDD-HHMMSS), so a rerun's title slide is dated by its run."""
    m = re.match(r"(\d{4})(\d{2})(\d{2})-", run_id)
    return "-".join(m.groups()) if m else datetime.now(timezone.utc).strftime("%Y-%m-%d")


def title_slide(deck: Deck) -> None:
    """The client, the report's title, the wave and both sides' respondents, who prepared it and when."""
    r, eng, rep, side = deck.results, deck.eng, deck.t["report"], deck.t["side"]
    slide = deck.prs.slides.add_slide(deck.layouts["Title Slide"])
    slide.shapes.title.text = eng.client
    frame = slide.placeholders[1].text_frame
    frame.text = f"{rep['title']} — {rep['subtitle']}"
    wave = r.wave if r.wave is not None else rep["all_waves"]
    p = frame.add_paragraph()
    shown = respondents_words(r.respondents, min_n=r.engagement.analysis.min_n, language=deck.lang)
    n_c, n_e = shown["customer"], shown["employee"]
    p.text = (f"{rep['wave']} {wave} · {side['customer']}: {n_c} {rep['respondents']} · "
              f"{side['employee']}: {n_e} {rep['respondents']}")
    p.runs[0].font.size = Pt(15)
    p.space_before = Pt(10)
    box = Box(Inches(0.8), Inches(6.55), Inches(9), Inches(0.4))
    frame = textbox(slide, box, anchor=MSO_ANCHOR.BOTTOM)
    by = deck.d["prepared_by"].format(consultancy=eng.branding.consultancy)
    para(frame, f"{by} · {_run_date(deck.run_id)} · {rep['generated']} {deck.run_id}", size=11,
         color=WHITE, first=True, space_after=0)
    if deck.logo is not None:  # on a white card: a logo is made for a light background
        rect(slide, SLIDE_W - Inches(3.6), Inches(0.6), Inches(3.0), Inches(1.2), WHITE, name="Logo card")
        deck.add_logo(slide, top=Inches(0.75), height=Inches(0.9), right=SLIDE_W - Inches(0.75))
    else:
        frame = textbox(slide, Box(Inches(0.8), Inches(0.6), Inches(8), Inches(0.5)))
        para(frame, eng.branding.consultancy.upper(), size=14, bold=True, color=WHITE, first=True)


def summary_slide(deck: Deck) -> None:
    """Blind spots and hidden strengths side by side in sentences, loyalty and shared levels below."""
    r, words = deck.results, deck.t["finding"]
    note = withheld_note(r)  # said once above the columns; the figures hidden for it point to it
    above = note is not None
    found = item_findings(r.gaps, deck.lang, withheld=withheld_reason(r), said_above=above)
    slide = deck.content_slide(deck.t["report"]["summary"], deck.d["summary_subtitle"])
    top, gutter, height = Inches(1.95), Inches(0.5), Inches(3.9)
    if note:
        frame = textbox(slide, Box(MARGIN, top, CONTENT_W, Inches(0.5)))
        para(frame, note, size=13, color=HOUSE_COLORS["neutral"], first=True, space_after=0)
        top, height = top + Inches(0.55), height - Inches(0.55)
    col_w = (CONTENT_W - gutter) // 2
    columns = (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading"))
    for k, (kind, key) in enumerate(columns):
        color, left = HOUSE_COLORS[kind], MARGIN + k * (col_w + gutter)
        rect(slide, left, top, col_w, Inches(0.07), color)
        frame = textbox(slide, Box(left, top + Inches(0.17), col_w, height))
        head, _, rest = words[key].partition(" — ")
        para(frame, head, size=18, bold=True, color=color, first=True, space_after=2)
        if rest:
            para(frame, rest[:1].upper() + rest[1:], size=12, color=HOUSE_COLORS["neutral"], space_after=10)
        for sentence in found[kind] or [deck.d["none_found"] if found["compared"] or not found["none"] else found["none"]]:
            para(frame, sentence, size=14, space_after=9, bullet_color=color if found[kind] else None)
    frame = textbox(slide, Box(MARGIN, Inches(5.75), CONTENT_W, Inches(0.8)), anchor=MSO_ANCHOR.BOTTOM)
    lines = [s for s in (nps_sentence(r.nps, deck.lang, withheld=withheld_reason(r, "nps"), said_above=above),
                         *found["untested"], *shared_findings(r.gaps, deck.lang),
                         drivers_withheld(r, said_above=above)) if s]
    for i, line in enumerate(lines):
        para(frame, line, size=12, color=HOUSE_COLORS["neutral"], first=(i == 0), space_after=3)
