"""What matters most: the key drivers of each side's loyalty, and the priority matrix."""
from __future__ import annotations

from mirrorgap.analyse.priority import crosshairs
from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.charts.matrix import add_priority_chart
from mirrorgap.deliver.deck.charts.rows import priority_rows
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.number_formats import percent_of_100
from mirrorgap.render.findings import size_words
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["drivers_slides", "priority_slide"]


def drivers_slides(deck: Deck, *, table: str = "drivers") -> None:
    """One slide per side and outcome: each item's relative weight, with the model's R² and n.
    table: "drivers" (the mirror items) or "question_drivers" (the side-only questions; titled so)."""
    drivers = deck.table(table)
    if drivers is None:
        return
    dt = deck.t["drivers"]
    for (side, outcome), part in drivers.groupby(["side", "outcome"], sort=False):
        shown = part[~part["suppressed"].astype(bool)].dropna(subset=["weight_pct"])
        if shown.empty:
            continue
        shown = shown.sort_values("weight_pct", ascending=False)
        note = dt["model_note"].format(r2=deck.f(shown["r2"].iloc[0], decimals=2),
                                       n=size_words(shown["n_respondents"].iloc[0], side=side,
                                                    min_n=deck.eng.analysis.min_n, language=deck.eng.language),
                                       conf=deck.f(100 * (1 - deck.eng.analysis.alpha)))
        title = dt.get(f"title_{side}_{outcome}", dt["priority_title"])
        if table != "drivers":
            title = f"{title} — {deck.d['sheet.question_drivers']}"
        slide = deck.content_slide(title, dt["weight_axis"], note=note)
        add_bar_chart(slide, deck.chart_box(), shown["label"].tolist(),
                      [(deck.t["side"][side], shown["weight_pct"].tolist(), HOUSE_COLORS[side])],
                      font=deck.font, fmt=percent_of_100(deck.t), minimum=0, legend=False, gap_width=50,
                      overlap=0)


def priority_slide(deck: Deck) -> None:
    """Customers' score against the items' importance, cut into quadrants where the analysis cut them."""
    priority = deck.table("priority")
    rows = priority_rows(priority) if priority is not None else None
    if rows is None or rows.empty:
        return
    slide = deck.content_slide(deck.t["drivers"]["priority_title"], deck.d["priority_subtitle"],
                               note=deck.d["priority_note"])
    add_priority_chart(slide, deck.chart_box(), rows, deck.t, font=deck.font, crosshairs=crosshairs(priority))
