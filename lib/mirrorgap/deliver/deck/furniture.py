"""The deck being built and its house furniture: the title, grey subtitle and note of a content
slide, the logo, the footer with a slide number, colour keys and table header rows."""
from __future__ import annotations

import pandas as pd
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.paths import resolve_input
from mirrorgap.config.texts import tree
from mirrorgap.deliver.deck.layout import CHART_TOP, CONTENT_W, FOOTER_TOP, MARGIN, NOTE_TOP, SLIDE_W, Box
from mirrorgap.deliver.deck.shapes import WHITE, cell, para, rect, slide_number, textbox
from mirrorgap.render.findings import respondents_words
from mirrorgap.render.style import HOUSE_COLORS
from mirrorgap.render.words import breakdown_name

__all__ = ["Deck"]

PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf"}  # python-pptx's


class Deck:
    """One deck being built: the presentation, the results, the texts (`t`, the deck's own `d`) and
    the master's layouts; the slide modules draw on it."""

    def __init__(self, prs, results: Results, *, run_id: str):
        self.prs, self.results, self.run_id = prs, results, run_id
        self.eng = results.engagement
        self.lang = self.eng.language
        self.t = tree(self.lang, metric=self.eng.analysis.metric)
        self.d = self.t["deck"]
        self.font = self.eng.branding.font
        self.primary = self.eng.branding.primary_color
        self.layouts = {layout.name: layout for layout in prs.slide_layouts}
        logo = resolve_input(self.eng.branding.logo) if self.eng.branding.logo else None
        # SVG is not a picture type PowerPoint files can carry through python-pptx: no logo then
        usable = logo is not None and logo.is_file() and logo.suffix.lower() in PICTURE_TYPES
        self.logo = logo if usable else None

    def f(self, value, **kw) -> str:
        """A number in the deck's language (`config.numbers.fmt_number`)."""
        return fmt_number(value, self.lang, **kw)

    def breakdown(self, by: str) -> str:
        """A breakdown's name on the slides: "Enhet" for units, a segment column capitalised."""
        return breakdown_name(by, self.d["by_unit"])

    def table(self, name: str) -> pd.DataFrame | None:
        """The run's insight table `name`, or None when the run has none or it is empty."""
        table = self.results.tables.get(name)
        return table if isinstance(table, pd.DataFrame) and len(table) else None

    def chart_box(self, *, left=MARGIN, width=CONTENT_W, top=CHART_TOP, bottom=NOTE_TOP) -> Box:
        return Box(int(left), int(top), int(width), int(bottom - top))

    def add_logo(self, slide, *, top, height, right) -> None:
        if self.logo is not None:
            pic = slide.shapes.add_picture(str(self.logo), Emu(0), Emu(top), height=Emu(height))
            pic.left = Emu(right - pic.width)
            pic.name = "Logo"

    def footer(self, slide) -> None:
        frame = textbox(slide, Box(MARGIN, FOOTER_TOP, Inches(9), Inches(0.3)), anchor=MSO_ANCHOR.MIDDLE)
        para(frame, f"{self.eng.branding.consultancy} · {self.eng.client}", size=10,
             color=HOUSE_COLORS["muted"], first=True, space_after=0)
        box = Box(SLIDE_W - MARGIN - Inches(1.5), FOOTER_TOP, Inches(1.5), Inches(0.3))
        p = textbox(slide, box, anchor=MSO_ANCHOR.MIDDLE).paragraphs[0]
        p.alignment = PP_ALIGN.RIGHT
        slide_number(p, self.lang)

    def content_slide(self, title: str, subtitle: str | None = None, *, note: str | None = None):
        """A slide with the house furniture: title, grey subtitle, a note above the footer, logo, footer."""
        slide = self.prs.slides.add_slide(self.layouts["Title Only"])
        slide.shapes.title.text = title
        if len(title) > 52:  # one line at a smaller size rather than two lines crowding the subtitle
            slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(22 if len(title) <= 64 else 20)
        if subtitle:
            frame = textbox(slide, Box(MARGIN, Inches(1.33), CONTENT_W, Inches(0.4)))
            para(frame, subtitle, size=13, color=HOUSE_COLORS["neutral"], first=True, space_after=0)
        if note:
            frame = textbox(slide, Box(MARGIN, NOTE_TOP, CONTENT_W, Inches(0.45)), anchor=MSO_ANCHOR.BOTTOM)
            para(frame, note, size=10, color=HOUSE_COLORS["neutral"], first=True, space_after=0)
        self.add_logo(slide, top=Inches(0.42), height=Inches(0.5), right=SLIDE_W - MARGIN)
        self.footer(slide)
        return slide

    def notes(self, slide, lines: list[str]) -> None:
        if lines:
            slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    def n_note(self) -> str:
        """"Answers: customers n, employees n · wave w" for the slides of the gap table."""
        r, side = self.results, self.t["side"]
        wave = r.wave if r.wave is not None else self.t["report"]["all_waves"]
        shown = respondents_words(r.respondents, min_n=r.engagement.analysis.min_n, language=self.lang)
        return self.d["n_note"].format(customers=side["customer"], customer_n=shown["customer"],
                                       employees=side["employee"], employee_n=shown["employee"],
                                       wave_word=self.t["report"]["wave"], wave=wave)

    def header_row(self, grid, texts: list[str], *, size: float = 11) -> None:
        for col, text in enumerate(texts):
            cell(grid.cell(0, col), [(text, size, True, WHITE)], fill=self.primary)

    def legend(self, slide, entries: list[tuple[str, str]], *, top) -> None:
        """A row of colour keys, for charts coloured per point (which PowerPoint's legend cannot list)."""
        left = MARGIN
        for text, color in entries:
            rect(slide, left, top + Inches(0.07), Inches(0.18), Inches(0.18), color)
            width = Inches(0.3 + 0.11 * len(text))
            box = Box(left + Inches(0.26), top, width, Inches(0.32))
            frame = textbox(slide, box, anchor=MSO_ANCHOR.MIDDLE)
            para(frame, text, size=11, first=True, space_after=0)
            left += Inches(0.26) + width
