"""The mirror: customers' and employees' scores per item and per touchpoint, and the gap per item."""
from __future__ import annotations

import pandas as pd
from pptx.util import Inches

from mirrorgap.deliver.deck.charts.bars import add_gap_chart, add_mirror_chart
from mirrorgap.deliver.deck.charts.rows import CLASSES, gap_rows, mirror_rows, touchpoint_rows
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CHART_TOP
from mirrorgap.render.findings import item_findings
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["gap_slide", "mirror_slide", "touchpoint_slide"]


def mirror_slide(deck: Deck) -> None:
    rows = mirror_rows(deck.results.gaps, deck.t)
    slide = deck.content_slide(deck.t["chart"]["mirror_title"], deck.d["mirror_subtitle"], note=deck.n_note())
    add_mirror_chart(slide, deck.chart_box(), rows, deck.t, font=deck.font)


def gap_slide(deck: Deck) -> None:
    """The gap per item coloured by classification, a colour key, and the CIs in the speaker notes."""
    rows = gap_rows(deck.results.gaps, deck.t)
    threshold = deck.t["chart"]["threshold_note"].format(threshold=deck.eng.analysis.gap_threshold)
    slide = deck.content_slide(deck.t["chart"]["gap_title"], deck.d["gap_subtitle"],
                               note=f"{threshold} {deck.n_note()}")
    add_gap_chart(slide, deck.chart_box(top=CHART_TOP + Inches(0.3)), rows, deck.t, font=deck.font)
    deck.legend(slide, [(deck.t["classification"][c], HOUSE_COLORS[c]) for c in CLASSES],
                top=CHART_TOP - Inches(0.02))
    # the confidence intervals, which the chart leaves out for legibility, go to the speaker notes
    found = item_findings(deck.results.gaps, deck.lang)
    ci, f = deck.t["table"]["ci"], lambda v: deck.f(v, signed=True)  # noqa: E731
    lines = [f"{r.category}: {f(r.gap)} ({ci} {f(r.gap_ci_low)} … {f(r.gap_ci_high)})"
             for r in rows.itertuples() if pd.notna(r.gap)]
    deck.notes(slide, found["blind_spot"] + found["hidden_strength"] + [""] + lines)


def touchpoint_slide(deck: Deck) -> None:
    touchpoints = deck.table("touchpoints")
    if touchpoints is None:
        return
    slide = deck.content_slide(deck.t["units"]["touchpoint_title"], deck.d["touchpoint_subtitle"],
                               note=deck.n_note())
    add_mirror_chart(slide, deck.chart_box(), touchpoint_rows(touchpoints, deck.t), deck.t, font=deck.font)
