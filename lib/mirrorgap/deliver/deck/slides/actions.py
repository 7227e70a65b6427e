"""What to do: the proposed initiatives, grouped by the 5 I's, with the items each one answers and,
when the plan is grounded in the 5 I's scorecard (`actions.ground_actions`), why it is proposed."""
from __future__ import annotations

from pptx.util import Emu, Inches

from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CONTENT_W, MARGIN
from mirrorgap.deliver.deck.shapes import WHITE, cell
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["actions_slide"]


def actions_slide(deck: Deck) -> None:
    """The action plan as a table: the I, the initiative with its description, the items it is for,
    and why (a column of its own when the plan carries the reasons)."""
    actions = deck.table("actions")
    if actions is None:
        return
    at = deck.t["actions"]
    slide = deck.content_slide(at["heading"])
    why = "why" in actions.columns and actions["why"].fillna("").astype(str).str.len().gt(0).any()
    n = len(actions) + 1
    widths = ((Inches(1.6), CONTENT_W - Inches(7.4), Inches(2.6), Inches(3.2)) if why
              else (Inches(1.9), CONTENT_W - Inches(5.3), Inches(3.4)))
    grid = slide.shapes.add_table(n, len(widths), Emu(MARGIN), Inches(1.5), Emu(CONTENT_W), Inches(0.5) * n).table
    for col, w in enumerate(widths):
        grid.columns[col].width = Emu(w)
    deck.header_row(grid, [deck.d["action_group"], deck.d["action_initiative"], deck.d["action_for"]]
                    + ([deck.d["action_why"]] if why else []), size=12)
    small = 9.5 if why else 10.5
    for i, r in enumerate(actions.itertuples(), start=1):
        fill = HOUSE_COLORS["light"] if i % 2 else WHITE
        cell(grid.cell(i, 0), [(at.get(r.i, r.i), 13, True, None)], fill=fill)
        cell(grid.cell(i, 1), [(r.title, 12, True, None), (r.text, small, False, HOUSE_COLORS["neutral"])], fill=fill)
        cell(grid.cell(i, 2), [(r.for_items.replace("; ", "\n"), small, False, None)], fill=fill)
        if why:
            cell(grid.cell(i, 3), [(str(r.why or ""), small, False, HOUSE_COLORS["neutral"])], fill=fill)
