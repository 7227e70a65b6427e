"""The executive summary claims only what the statistics support, in every language."""

import pandas as pd
import pytest

from mirrorgap.config.params import LANGUAGES, load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.config.texts import section
from mirrorgap.deliver.narrative import (
    _change_sentences,
    _driver_sentence,
    _linkage_sentence,
    _unit_sentence,
    summary_markdown,
)


def words(lang="sv"):
    return section(lang, "narrative")


def test_a_driver_is_named_alone_only_when_its_interval_clears_the_next():
    d = pd.DataFrame([
        {"side": "customer", "outcome": "nps", "label": "Kunnig personal", "rank": 1, "weight_pct": 30.0,
         "weight_ci_low": 25.0, "weight_ci_high": 35.0},
        {"side": "customer", "outcome": "nps", "label": "Klar i tid", "rank": 2, "weight_pct": 15.0,
         "weight_ci_low": 10.0, "weight_ci_high": 20.0}])
    alone = _driver_sentence(d, words(), "sv", words())
    assert "är ”Kunnig personal”: 30 %" in alone and "Klar i tid" not in alone
    d.loc[1, "weight_ci_high"] = 26.0
    both = _driver_sentence(d, words(), "sv", words())
    assert "”Kunnig personal” och ”Klar i tid”" in both and "osäker" in both


def test_unit_gaps_whose_ci_crosses_zero_are_not_claimed():
    units = pd.DataFrame([
        {"group": "Malmö", "label": "Gör det lilla extra", "gap": 25.0, "gap_ci_low": -2.0, "gap_ci_high": 52.0, "suppressed": False},
        {"group": "Örebro", "label": "Kunnig personal", "gap": -12.0, "gap_ci_low": -20.0, "gap_ci_high": -4.0, "suppressed": False},
        {"group": "Ledning", "label": "Kunnig personal", "gap": float("nan"), "gap_ci_low": float("nan"),
         "gap_ci_high": float("nan"), "suppressed": True}])
    sentence = _unit_sentence(units, words("en"), "en")
    assert "Örebro" in sentence and "Malmö" not in sentence and "−12" in sentence
    units.loc[1, "gap_ci_high"] = 1.0
    assert _unit_sentence(units, words("en"), "en") == words("en")["unit_none"]


def test_changes_named_only_when_significant_and_gaps_closed_only_with_ci():
    trends = pd.DataFrame([
        {"kind": "item_change", "side": "customer", "label": "Uppföljning", "wave_from": "2025", "wave_to": "2026",
         "change": 7.7, "change_ci_low": 5.9, "change_ci_high": 9.5, "significant": True, "gap_direction": None},
        {"kind": "item_change", "side": "employee", "label": "Kunnig personal", "wave_from": "2025", "wave_to": "2026",
         "change": -4.0, "change_ci_low": -9.0, "change_ci_high": 1.0, "significant": False, "gap_direction": None},
        {"kind": "gap_change", "side": "gap", "label": "Gör det lilla extra", "wave_from": "2025", "wave_to": "2026",
         "gap_from": 22.5, "gap_to": 19.6, "gap_change": -2.9, "gap_change_ci_low": -8.6, "gap_change_ci_high": 2.7,
         "significant": False, "gap_direction": "unchanged"}])
    wave_from, sentences = _change_sentences(trends, words(), {"customer": "Kunderna", "employee": "Medarbetarna"}, "sv")
    text = " ".join(sentences)
    assert wave_from == "2025"
    assert "Kunderna bedömer ”Uppföljning” högre än 2025: +7,7 poäng" in text
    assert "Kunnig personal" not in text  # CI crosses zero: no claim
    assert "Inget gap har förändrats signifikant sedan 2025." in text


def test_linkage_is_never_causal():
    class Summary:
        n_units, pearson_r, pearson_ci_low, pearson_ci_high = 6, 0.62, -0.35, 0.95
    unclear = _linkage_sentence(Summary, words("en"), "en")
    assert "no clear relation" in unclear
    Summary.pearson_ci_low, Summary.pearson_ci_high = 0.1, 0.9
    clear = _linkage_sentence(Summary, words("en"), "en")
    assert "go together" in clear and "both ways" in clear
    for causal in ("because", "causes", "leads to", "drives"):
        assert causal not in clear


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_of_the_demo_in_every_language(language):
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import run_analysis
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    eng = eng.model_copy(update={"language": language, "items": [
        i.model_copy(update={"label": {**i.label, language: i.label.get(language, i.label["sv"])}}) for i in eng.items]})
    text = summary_markdown(add_insights(run_analysis(eng)))
    assert text.startswith("# ") and eng.client in text
    assert section(language, "narrative")["drivers_heading"] in text
    assert "{" not in text and "nan" not in text.lower().replace("finans", "")


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """A pooled run (analysis.wave: all) whose employee total (131 + 257 = 388, over min_n 150) the
    aggregates hide only because, minus the dashboard's 2026 (257), it gives back 2025 (131 < 150)."""
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import analyse, load_side
    from test_thin_data import thin_engagement

    eng = thin_engagement(tmp_path_factory.mktemp("pooled"), customers=30, employees=257,
                          earlier={"customer": 30, "employee": 131}, analysis={"min_n": 150, "wave": "all"})
    results = add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))
    assert results.wave is None and {"respondents", "nps"} <= results.hidden_totals
    assert len(results.employee.frame) == 388 >= eng.analysis.min_n
    return results


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pooled_total_hidden_to_protect_a_small_wave_says_so_not_too_few(pooled, language):
    """The summary names the real reason (the pool would give a small wave back) for the items, the
    eNPS and the employees' key drivers, in every language; never "too few employees answered"."""
    from dataclasses import replace

    r = replace(pooled, engagement=pooled.engagement.model_copy(update={"language": language}))
    finding = section(language, "finding")
    text = summary_markdown(r)
    reason = finding["withheld_pooled"]
    assert reason.lower() in text.lower()
    assert finding["none_withheld_above"] in text
    assert finding["drivers_withheld_above"] in text
    assert f"; {finding['enps_withheld_above'].split('; ', 1)[1]}" in text
    assert finding["none_tested"] not in text
    assert finding["enps_suppressed"].split("; ", 1)[1] not in text  # "eNPS is not shown: too few answers."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pooled_summary_gives_the_reason_once_next_to_the_undisclosed_number(pooled, language):
    """eNPS, the item comparison and the employees' key drivers are all withheld for the same reason:
    the summary says it once, in the intro that gives the undisclosed number of employees, and the three
    sections point to it instead of repeating the long sentence."""
    from dataclasses import replace

    r = replace(pooled, engagement=pooled.engagement.model_copy(update={"language": language}))
    finding = section(language, "finding")
    text = summary_markdown(r)
    reason = finding["withheld_pooled"].lower()
    assert text.lower().count(reason) == 1
    intro = text.split("\n\n")[1]  # the paragraph after the title
    assert finding["size_hidden"] in intro and reason in intro.lower()
    pointers = [f"; {finding['enps_withheld_above'].split('; ', 1)[1]}", finding["none_withheld_above"],
                finding["drivers_withheld_above"]]
    assert all(text.count(p) == 1 and text.index(p) > text.lower().index(reason) for p in pointers)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_decks_summary_slide_gives_the_reason_once_above_the_columns(pooled, language, tmp_path):
    """The deck's summary slide says the pooled reason once, above the blind-spot and hidden-strength
    columns, and the columns, the eNPS and the drivers lines point to it."""
    from dataclasses import replace

    from pptx import Presentation

    from mirrorgap.deliver.deck.build import write_deck

    r = replace(pooled, engagement=pooled.engagement.model_copy(update={"language": language}))
    path = write_deck(r, tmp_path / "deck.pptx", run_id="20261207-100000")
    slide = Presentation(path).slides[1]
    boxes = [(sh.top, sh.text_frame.text) for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.strip()]
    finding = section(language, "finding")
    reason = finding["withheld_pooled"].lower()
    holding = [(top, text) for top, text in boxes if reason in text.lower()]
    assert len(holding) == 1 and " ".join(t for _, t in boxes).lower().count(reason) == 1
    columns = [(top, text) for top, text in boxes if finding["none_withheld_above"] in text]
    assert len(columns) == 2 and all(top > holding[0][0] for top, _ in columns)
    bottom = next(text for _, text in boxes if finding["drivers_withheld_above"] in text)
    assert finding["enps_withheld_above"].split("; ", 1)[1] in bottom


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withheld_sentence_says_the_reason_unless_it_was_said_above(language):
    """Where nothing said the reason before, each sentence still carries it."""
    from mirrorgap.render.findings import withheld_sentence

    reason = section(language, "finding")["withheld"]
    parts = dict(nps="+10", low="0", high="20", n=99)
    for key in ("none_withheld", "enps_withheld", "drivers_withheld"):
        full = withheld_sentence(key, language, reason, **parts)
        short = withheld_sentence(key, language, reason, said_above=True, **parts)
        assert reason in full and reason not in short and len(short) < len(full)
        assert "{" not in full + short
