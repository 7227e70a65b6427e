"""The action plan: the library validates, and initiatives follow the top-priority items' themes."""
import pandas as pd
import pytest
from ruamel.yaml import YAML

from mirrorgap.analyse.actions import FIVE_IS, load_actions, priority_items, propose_actions
from mirrorgap.config.params import LANGUAGES
from mirrorgap.config.paths import TEMPLATES_DIR
from mirrorgap.errors import ParamsError

GAPS = pd.DataFrame([
    {"item": "extra_mile", "label": "Gör det lilla extra", "theme": "extra_mile", "gap": 19.6, "classification": "blind_spot"},
    {"item": "stress", "label": "Personalen verkar stressad", "theme": "wellbeing", "gap": 8.7, "classification": "blind_spot"},
    {"item": "follow_up", "label": "Uppföljning", "theme": "care", "gap": 7.4, "classification": "blind_spot"},
    {"item": "on_time", "label": "Klar i tid", "theme": "reliability", "gap": 2.4, "classification": "aligned"},
    {"item": "competence", "label": "Kunnig personal", "theme": "competence", "gap": -15.1, "classification": "hidden_strength"},
])


def test_library_has_every_i_and_every_language():
    library = load_actions()
    assert {a.i for a in library.initiatives} == set(FIVE_IS)
    for a in library.initiatives:
        assert set(a.title) == set(LANGUAGES) and set(a.text) == set(LANGUAGES), a.id


def test_library_typos_are_errors_with_did_you_mean(tmp_path):
    data = YAML(typ="safe").load((TEMPLATES_DIR / "actions.yaml").read_text(encoding="utf-8"))
    data["initiatives"][0]["theme"] = data["initiatives"][0].pop("themes")
    data["initiatives"][1]["i"] = "inspiration"
    path = tmp_path / "actions.yaml"
    YAML(typ="safe").dump(data, path)
    with pytest.raises(ParamsError) as info:
        load_actions(path)
    text = str(info.value)
    assert "did you mean 'themes'" in text and "initiatives.1.i" in text


def test_priority_puts_blind_spots_that_matter_first():
    priority = pd.DataFrame({"item": ["extra_mile", "stress", "follow_up", "on_time", "competence"],
                             "quadrant": ["low_priority", "keep_up_the_good_work", "possible_overkill",
                                          "concentrate_here", "keep_up_the_good_work"]})
    chosen = priority_items(GAPS, priority, top=3)
    assert chosen["item"].tolist() == ["stress", "on_time", "extra_mile"]
    chosen = priority_items(GAPS, priority, top=5)
    assert chosen["item"].tolist() == ["stress", "on_time", "extra_mile", "follow_up"]  # never a hidden strength


def test_one_initiative_per_i_matched_to_the_themes():
    items = priority_items(GAPS, None, top=3)
    plan = propose_actions(items, load_actions(), "sv")
    assert plan["i"].tolist() == list(FIVE_IS)
    by_i = plan.set_index("i")
    assert by_i.loc["involve", "initiative"] in {"cx_ambassadors", "answer_feedback"}  # extra_mile + care fit best
    assert "Gör det lilla extra" in by_i.loc["incentives", "for_items"]
    assert all(plan["title"].str.len() > 5)
    assert by_i.loc["inspire", "title"] == "Tillgängliga ledare"  # wellbeing + care + any


def test_no_priority_items_means_only_general_initiatives():
    plan = propose_actions(priority_items(GAPS.assign(classification="aligned"), None), load_actions(), "en")
    assert len(plan) == 5 and (plan["for_items"] == "").all()
