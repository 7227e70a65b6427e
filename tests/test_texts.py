"""Every language has every text, and the placeholders the code fills in."""
import re

import pytest

from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.params import LANGUAGES
from mirrorgap.config.texts import texts
from mirrorgap.render.findings import summary_markdown

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_all_languages_have_the_same_keys():
    english = set(texts("en"))
    for lang in LANGUAGES:
        assert set(texts(lang)) == english, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english(lang):
    for key, text in texts("en").items():
        assert set(PLACEHOLDER.findall(texts(lang)[key])) == set(PLACEHOLDER.findall(text)), (lang, key)


def test_translations_are_not_english_copies():
    for lang in ("sv", "da", "nb"):
        same = [k for k, v in texts(lang).items() if v == texts("en")[k] and len(v) > 12]
        assert not same, (lang, same)


@pytest.mark.parametrize("value, lang, kw, expected", [
    (19.26, "sv", {"signed": True}, "+19"), (-14.6, "sv", {"signed": True}, "\u221215"),
    (0.049, "da", {"decimals": 3}, "0,049"), (0.049, "en", {"decimals": 3}, "0.049"),
    (float("nan"), "nb", {}, "–"), (-0.2, "en", {"signed": True}, "0"),
])
def test_numbers_are_written_the_readers_way(value, lang, kw, expected):
    assert fmt_number(value, lang, **kw) == expected


def test_summary_speaks_the_engagement_language_and_only_of_significant_gaps():
    import pandas as pd
    gaps = pd.DataFrame([
        {"item": "extra", "label": "Gör det lilla extra", "customer_mean": 55.6, "employee_mean": 76.6, "gap": 21.0,
         "gap_ci_low": 16.2, "gap_ci_high": 25.8, "classification": "blind_spot", "shared": ""},
        {"item": "kunnig", "label": "Kunnig personal", "customer_mean": 78.6, "employee_mean": 64.0, "gap": -14.6,
         "gap_ci_low": -19.0, "gap_ci_high": -10.1, "classification": "hidden_strength", "shared": ""},
        {"item": "pris", "label": "Tydligt pris", "customer_mean": 45.0, "employee_mean": 52.0, "gap": 7.0,
         "gap_ci_low": -1.0, "gap_ci_high": 15.0, "classification": "aligned", "shared": "shared_weakness"},
    ])
    nps = pd.DataFrame([{"side": "customer", "nps": 36.4, "ci_low": 31.0, "ci_high": 41.5, "n": 1490},
                        {"side": "employee", "nps": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "n": 4}])
    text = summary_markdown(gaps, nps, "sv")
    assert "Medarbetarna bedömer ”Gör det lilla extra” 21 poäng högre än kunderna (77 mot 56; 95 % KI 16 till 26 poäng)." in text
    assert "Kunderna bedömer ”Kunnig personal” 15 poäng högre än medarbetarna (79 mot 64; 95 % KI 10 till 19 poäng)." in text
    assert "Medarbetarna bedömer ”Tydligt pris”" not in text  # not significant: no claim of a gap
    assert "Gemensamma svagheter, lågt bedömda av båda sidor: Tydligt pris." in text
    assert "eNPS visas inte: för få svar" in text and "+36 (95 % KI +31 till +42, n = 1490)" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_metric_variants_replace_their_key_and_use_the_same_placeholders(lang):
    from mirrorgap.config.texts import section, tree

    flat = texts(lang)
    variants = {k: v for k, v in flat.items() if "_if_" in k}
    assert {"chart.score_axis_if_top_box", "report.method_text_if_top_box", "deck.gap_subtitle_if_top_box"} <= set(variants)
    for key, text in variants.items():
        base, _, metric = key.rpartition("_if_")
        assert metric == "top_box" and base in flat, key  # a variant of a text that exists
        extra = set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(flat[base]))
        assert extra <= {"top_box_at"}, (key, extra)  # the caller fills the same fields (+ the top-box cut)
    assert section(lang, "chart", metric="top_box")["score_axis"] == flat["chart.score_axis_if_top_box"]
    assert section(lang, "chart")["score_axis"] == flat["chart.score_axis"]
    assert tree(lang, metric="top_box")["deck"]["about.pomp"] == flat["deck.about.pomp_if_top_box"]
