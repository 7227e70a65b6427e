"""How it was done: the method in words, the anonymity rule, and the data behind it (rows read, used
and left out per side)."""
from __future__ import annotations

from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches

from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CONTENT_W, MARGIN, Box
from mirrorgap.deliver.deck.shapes import WHITE, cell, para, textbox
from mirrorgap.deliver.quality import client_ledger
from mirrorgap.read.ledger import EXCLUSION_REASONS
from mirrorgap.render.findings import method_text
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["method_slide", "text_size"]


def _ledger_lines(deck: Deck) -> list[tuple[str, list[int | None]]]:
    """(label, [customers, employees]) for rows in, rows used and each reason rows were left out for;
    None where a count would give a hidden group's size."""
    rep = deck.t["report"]
    ledgers = list(client_ledger(deck.results).values())
    lines = [(rep["rows_in"], [led["rows_in"] for led in ledgers]),
             (rep["rows_used"], [led["rows_used"] for led in ledgers])]
    for reason in EXCLUSION_REASONS:
        counts = [led["excluded_by_reason"][reason] for led in ledgers]
        if any(counts):
            lines.append((f"{rep['excluded']}: {deck.t['reasons'][reason]}", counts))
    return lines


FITS_AT_12PT = 1700  # characters of method text that fill the slide's text box at 12 pt


def text_size(characters: int) -> float:
    """The point size at which the method's text fits its box: 12 pt up to FITS_AT_12PT characters,
    then smaller as the area a text needs grows with the square of its size (weights and a headcount
    add their sentences), never under 8 pt."""
    if characters <= FITS_AT_12PT:
        return 12
    return max(8.0, round(12 * (FITS_AT_12PT / characters) ** 0.5 * 2) / 2)


def method_slide(deck: Deck) -> None:
    rep = deck.t["report"]
    slide = deck.content_slide(deck.d["method_title"])
    frame = textbox(slide, Box(MARGIN, Inches(1.5), Inches(6.6), Inches(4.9)))
    para(frame, rep["method_heading"], size=16, bold=True, color=deck.primary, first=True)
    texts = [method_text(deck.eng, deck.results), deck.d["anonymity"].format(min_n=deck.f(deck.eng.analysis.min_n)),
             rep["nps_note"]]
    size = text_size(sum(len(t) for t in texts))
    for k, text in enumerate(texts):
        para(frame, text, size=size, space_after=8 if k < len(texts) - 1 else 0)
    left, width = MARGIN + Inches(7.1), CONTENT_W - Inches(7.1)
    frame = textbox(slide, Box(left, Inches(1.5), width, Inches(0.4)))
    para(frame, rep["quality_heading"], size=16, bold=True, color=deck.primary, first=True)
    lines = _ledger_lines(deck)
    n = len(lines) + 1
    grid = slide.shapes.add_table(n, 3, Emu(left), Inches(2.0), Emu(width), Inches(0.34) * n).table
    grid.columns[0].width = Emu(width - Inches(2.8))
    grid.columns[1].width = grid.columns[2].width = Inches(1.4)
    deck.header_row(grid, ["", deck.t["side"]["customer"], deck.t["side"]["employee"]])
    for i, (label, counts) in enumerate(lines, start=1):
        fill = HOUSE_COLORS["light"] if i % 2 else WHITE
        cell(grid.cell(i, 0), [(label, 10.5, False, None)], fill=fill)
        for col, count in enumerate(counts, start=1):
            text = deck.t["chart"]["too_few"] if count is None else deck.f(count)
            cell(grid.cell(i, col), [(text, 10.5, False, None)], fill=fill, align=PP_ALIGN.RIGHT)
