"""The whole survey: the 5 I's scorecard, the employee journey measured by stage, and the key drivers
from the side-only questions. Hidden (too small) figures are left out of the charts, never drawn."""
from __future__ import annotations

import pandas as pd

from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.slides.drivers import drivers_slides
from mirrorgap.deliver.number_formats import WHOLE
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["MAX_BARS", "five_is_slide", "index_groups_slides", "index_segments_slides", "journey_measured_slide", "question_drivers_slides"]


MAX_BARS = 14  # bars on one index-per-segment slide before its segments go on to the next slide


def _score_slide(deck: Deck, name: str, title: str, *, rows_of=lambda t: t, note: str | None = None,
                 side: str = "employee", group_of: str | None = None) -> None:
    """A bar per shown row (label, mean 0–100); group_of: a column whose value labels a second level of
    categories (the segment beside its groups)."""
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
                  overlap=0, groups=None if group_of is None else shown[group_of].tolist())


def _hidden(part: pd.DataFrame) -> pd.Series:
    """The rows of an index breakdown that read "too few answers": hidden where the audited aggregates
    hide the index for that group (`analyse.questions.index_table` decided it)."""
    return part["suppressed"].astype(bool) | part["mean"].isna()


def _hidden_note(deck: Deck, names: list[str]) -> str | None:
    """"Too few answers: A, B" naming the groups left out of a chart; None when none is."""
    if not names:
        return None
    too_few = deck.t["chart"]["too_few"]
    return f"{too_few[:1].upper()}{too_few[1:]}: {', '.join(names)}"


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
    for (_, side), part in table[table["by"] == "unit"].groupby(["index", "side"], sort=False):
        note = _hidden_note(deck, part.loc[_hidden(part), "group"].tolist())
        _score_slide(deck, "indices", deck.d["index_units_title"].format(index=part["label"].iloc[0]),
                     rows_of=lambda t, rows=part.index: t.loc[rows].assign(label=t.loc[rows, "group"]),
                     note=note, side=side)


def _pages(part: pd.DataFrame) -> list[list[str]]:
    """The segments of one index on slides of at most MAX_BARS shown bars (a segment is never split)."""
    pages: list[list[str]] = [[]]
    bars = 0
    for by, rows in part.groupby("by", sort=False):
        shown = int((~_hidden(rows)).sum())
        if pages[-1] and bars + shown > MAX_BARS:
            pages.append([])
            bars = 0
        pages[-1].append(by)
        bars += shown
    return pages


def index_segments_slides(deck: Deck) -> None:
    """Each index per segment group (every segment column of its side, the segment's name beside its
    groups): the shown groups' scores; the note names the groups that read "too few answers" — hidden
    exactly where the audited aggregates hide the index, as on the per-unit slide."""
    table = deck.table("indices")
    if table is None:
        return
    segments = table[~table["by"].isin(["", "unit"])]
    for (_, side), part in segments.groupby(["index", "side"], sort=False):
        for page in _pages(part):
            rows = part[part["by"].isin(page)]
            hidden = rows[_hidden(rows)]
            names = [f"{deck.breakdown(by)}: {', '.join(g['group'])}" for by, g in hidden.groupby("by", sort=False)]
            title = deck.d["index_segments_title"].format(index=part["label"].iloc[0])
            _score_slide(deck, "indices", title, note=_hidden_note(deck, names), side=side, group_of="segment",
                         rows_of=lambda t, rows=rows.index: t.loc[rows].assign(
                             label=t.loc[rows, "group"], segment=t.loc[rows, "by"].map(deck.breakdown)))
