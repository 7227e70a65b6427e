"""What to do: the proposed initiatives, grouped by the 5 I's, with the items each one answers."""
from __future__ import annotations

from pptx.util import Emu, Inches

from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CONTENT_W, MARGIN
from mirrorgap.deliver.deck.shapes import WHITE, cell
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["actions_slide"]


def actions_slide(deck: Deck) -> None:
    """The action plan as a table: the I, the initiative with its description, the items it is for."""
    actions = deck.table("actions")
    if actions is None:
        return
    at = deck.t["actions"]
    slide = deck.content_slide(at["heading"])
    n = len(actions) + 1
    grid = slide.shapes.add_table(n, 3, Emu(MARGIN), Inches(1.5), Emu(CONTENT_W), Inches(0.5) * n).table
    for col, w in enumerate((Inches(1.9), CONTENT_W - Inches(5.3), Inches(3.4))):
        grid.columns[col].width = Emu(w)
    deck.header_row(grid, [deck.d["action_group"], deck.d["action_initiative"], deck.d["action_for"]], size=12)
    for i, r in enumerate(actions.itertuples(), start=1):
        fill = HOUSE_COLORS["light"] if i % 2 else WHITE
        cell(grid.cell(i, 0), [(at.get(r.i, r.i), 13, True, None)], fill=fill)
        cell(grid.cell(i, 1), [(r.title, 12, True, None), (r.text, 10.5, False, HOUSE_COLORS["neutral"])], fill=fill)
        cell(grid.cell(i, 2), [(r.for_items.replace("; ", "\n"), 10.5, False, None)], fill=fill)
