"""The whole survey: the 5 I's scorecard, the employee journey measured by stage, and the key drivers
from the side-only questions. Hidden (too small) figures are left out of the charts, never drawn."""
from __future__ import annotations

from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.slides.drivers import drivers_slides
from mirrorgap.deliver.number_formats import WHOLE
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["five_is_slide", "index_groups_slides", "journey_measured_slide", "question_drivers_slides"]


def _score_slide(deck: Deck, name: str, title: str, *, rows_of=lambda t: t, note: str | None = None,
                 side: str = "employee") -> None:
    table = deck.table(name)
    if table is None:
        return
    shown = rows_of(table)
    shown = shown[~shown["suppressed"].astype(bool)].dropna(subset=["mean"])
    if shown.empty:
        return
    slide = deck.content_slide(title, deck.t["chart"]["score_axis"], note=note)
    add_bar_chart(slide, deck.chart_box(), shown["label"].tolist(),
                  [(deck.t["side"][side], shown["mean"].tolist(), HOUSE_COLORS[side])],
                  font=deck.font, fmt=WHOLE, minimum=0, maximum=100, major=20, legend=False, gap_width=50,
                  overlap=0)


def five_is_slide(deck: Deck) -> None:
    """A score per I; the note says where the scorecard and the eNPS drivers point first."""
    table = deck.table("five_is")
    words = deck.t["survey"]
    note = None
    if table is not None:
        first = table[~table["suppressed"].astype(bool)].sort_values("focus_rank").head(2)
        if len(first):
            note = f"{words['report_col_focus']}: " + ", ".join(first["label"])
    _score_slide(deck, "five_is", words["report_five_is_title"], note=note)


def journey_measured_slide(deck: Deck) -> None:
    """The employee journey by stage, scored from its questions."""
    _score_slide(deck, "journey_measured", deck.t["survey"]["report_journey_title"],
                 rows_of=lambda t: t[t["side"] == "employee"])


def question_drivers_slides(deck: Deck) -> None:
    """The key drivers from the side-only questions, one slide per side, as the mirror items' drivers."""
    drivers_slides(deck, table="question_drivers")


def index_groups_slides(deck: Deck) -> None:
    """Each index per unit, one slide per index: the shown units' scores; the note names the units
    that read "too few answers" (hidden exactly as in the report and the dashboard's aggregates)."""
    table = deck.table("indices")
    if table is None:
        return
    too_few = deck.t["chart"]["too_few"]
    for (_, side), part in table[table["by"] == "unit"].groupby(["index", "side"], sort=False):
        hidden = part["suppressed"].astype(bool) | part["mean"].isna()
        note = f"{too_few}: {', '.join(part.loc[hidden, 'group'])}" if hidden.any() else None
        _score_slide(deck, "indices", deck.d["index_units_title"].format(index=part["label"].iloc[0]),
                     rows_of=lambda t, rows=part.index: t.loc[rows].assign(label=t.loc[rows, "group"]),
                     note=note, side=side)
