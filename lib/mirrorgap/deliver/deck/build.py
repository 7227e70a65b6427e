"""deck.pptx: the engagement's slides for the client's management team, in the engagement language.

Built from the master (`theme.MASTER`) with the consultancy's look in its theme (`theme.brand_theme`),
so slides a consultant adds in PowerPoint match. Charts are native PowerPoint charts (`charts/`),
never pictures: their figures can be checked and edited in PowerPoint.

Slides (`slides/`): title, summary (blind spots and hidden strengths in words), NPS/eNPS, the mirror,
the gaps, then whatever the run's insight tables hold (touchpoints, gap per unit and segment, drivers,
priority matrix, trends, pulse, themes, linkage, key drivers from the side-only questions, the employee
journey measured, the 5 I's scorecard, action plan, the response rates), and the method with the data behind it.
Suppressed employee figures never reach a chart, a table or a chart's embedded data: their place is
empty and the label says "too few answers".
"""
from __future__ import annotations

from pathlib import Path

from pptx import Presentation

from mirrorgap.analyse.pipeline import Results
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.slides.actions import actions_slide
from mirrorgap.deliver.deck.slides.drivers import drivers_slides, priority_slide
from mirrorgap.deliver.deck.slides.loyalty import nps_slide
from mirrorgap.deliver.deck.slides.method import method_slide
from mirrorgap.deliver.deck.slides.mirror import gap_slide, mirror_slide, touchpoint_slide
from mirrorgap.deliver.deck.slides.response_rates import response_rate_slides
from mirrorgap.deliver.deck.slides.summary import summary_slide, title_slide
from mirrorgap.deliver.deck.slides.survey import (
    five_is_slide,
    index_groups_slides,
    index_segments_slides,
    journey_measured_slide,
    question_drivers_slides,
)
from mirrorgap.deliver.deck.slides.themes import themes_slide
from mirrorgap.deliver.deck.slides.trends import pulse_slide, trend_slide
from mirrorgap.deliver.deck.slides.units import heatmap_slides, linkage_slide
from mirrorgap.deliver.deck.theme import LOCALES, MASTER, brand_theme

__all__ = ["SLIDES", "write_deck"]

# The slides in the deck's order; each draws nothing when the run lacks its table.
SLIDES = (title_slide, summary_slide, nps_slide, mirror_slide, gap_slide, touchpoint_slide, heatmap_slides,
          drivers_slides, priority_slide, trend_slide, pulse_slide, themes_slide, linkage_slide,
          question_drivers_slides, journey_measured_slide, five_is_slide, index_groups_slides, index_segments_slides,
          actions_slide, response_rate_slides, method_slide)


def write_deck(results: Results, path: Path, *, run_id: str) -> Path:
    """Write deck.pptx for a run.

    results: the run's Results (gaps, nps and whatever `results.tables` holds).
    path: where to write (…/deck.pptx). run_id: shown (with its date) on the title slide.
    Returns the path.
    """
    eng = results.engagement
    prs = Presentation(str(MASTER))
    brand_theme(prs, eng.branding)
    deck = Deck(prs, results, run_id=run_id)
    for make in SLIDES:
        make(deck)
    props = prs.core_properties
    props.title = f"{eng.client} — {deck.t['report']['title']}"
    props.author = props.last_modified_by = eng.branding.consultancy
    props.language = LOCALES.get(eng.language, eng.language)
    path = Path(path)
    prs.save(str(path))
    return path
