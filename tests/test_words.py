"""The charts' texts come from the language files: whole sets per language, English defaults."""
import importlib

import pytest

from mirrorgap.config.params import LANGUAGES
from mirrorgap.config.texts import section
from mirrorgap.render import words
from mirrorgap.render.words import (
    EnglishTexts,
    chart_texts,
    comment_chart_texts,
    texts_under,
    unit_chart_texts,
)

CHART_MODULES = ["answers", "drivers", "heatmap", "linkage", "priority", "pulse", "rows", "themes", "trends"]


def test_defaults_are_read_when_first_used_and_fixed_keys_win(monkeypatch):
    calls = []
    real = words.texts_under
    monkeypatch.setattr(words, "texts_under", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    defaults = EnglishTexts("side", "chart", title="", customer="Buyers")
    assert calls == []  # nothing read at construction (charts build their defaults at import)
    assert defaults["customer"] == "Buyers" and defaults["title"] == ""
    assert defaults["employee"] == section("en", "side")["employee"]
    assert dict(defaults) == {**texts_under("en", "side", "chart"), "title": "", "customer": "Buyers"}
    assert len(calls) == 1 and len(defaults) == len(dict(defaults))  # read once


@pytest.mark.parametrize("name", CHART_MODULES)
def test_no_chart_holds_words_of_its_own(name):
    module = importlib.import_module(f"mirrorgap.render.charts.{name}")
    assert isinstance(module.DEFAULT_TEXTS, EnglishTexts)
    assert all(v == "" for k, v in module.DEFAULT_TEXTS._fixed.items())  # only empty titles are fixed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_the_whole_set(lang):
    for build in (chart_texts, unit_chart_texts, comment_chart_texts):
        assert set(build(lang)) == set(build("en")), build.__name__
    assert chart_texts(lang)["nps_name_employee"] == "eNPS" and "{n}" in chart_texts(lang)["n_label"]
    assert comment_chart_texts(lang)["title"] == section(lang, "comments")["chart_title"]


def test_metric_words_the_axes():
    assert chart_texts("en", "top_box")["score_axis"] == section("en", "chart", metric="top_box")["score_axis"]
    assert chart_texts("en", "top_box")["score_axis"] != chart_texts("en")["score_axis"]
