"""The engagement schema: the demo validates, defaults live in the schema, every problem is reported at once."""
import copy

import pytest

from mirrorgap.config.params import load_engagement, parse_engagement, plain, read_params_yaml
from mirrorgap.config.paths import PARAMS_DIR, TEMPLATES_DIR
from mirrorgap.errors import ParamsError


@pytest.fixture()
def demo_dict():
    return plain(read_params_yaml(PARAMS_DIR / "demo.yaml"))


def problems_of(data) -> list[str]:
    with pytest.raises(ParamsError) as info:
        parse_engagement(data, source="params/x.yaml")
    assert "params/x.yaml" in str(info.value)
    return info.value.problems


def test_demo_params_validate_with_schema_defaults():
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    assert eng.language == "sv"
    assert len(eng.items) == 11
    assert [i.id for i in eng.items if i.reversed] == ["staff_stressed"]
    assert eng.analysis.min_n == 5 and eng.analysis.gap_threshold == 5 and eng.analysis.alpha == 0.05
    assert eng.items[0].customer_scale.min == 1 and eng.items[0].customer_scale.max == 5


def test_misspelt_keys_get_a_did_you_mean_and_all_problems_come_at_once(demo_dict):
    data = copy.deepcopy(demo_dict)
    data["langauge"] = "sv"
    data["customer"]["id_colum"] = data["customer"].pop("id_column")
    data["analysis"]["min_nn"] = 3
    data["items"][2]["revresed"] = True
    problems = problems_of(data)
    text = "\n".join(problems)
    assert "langauge: unknown key — did you mean 'language'?" in text
    assert "customer.id_colum: unknown key — did you mean 'id_column'?" in text
    assert "customer.id_column" not in text  # optional: a file may have no respondent id
    assert "analysis.min_nn: unknown key — did you mean 'min_n'?" in text
    assert "items.2.revresed: unknown key — did you mean 'reversed'?" in text
    assert len(problems) == 4


@pytest.mark.parametrize("path, value, expected", [
    (("language",), "fi", "language"),
    (("analysis", "alpha"), 1.5, "analysis.alpha"),
    (("analysis", "min_n"), 0, "analysis.min_n"),
    (("items", 0, "customer_scale"), {"min": 5, "max": 1}, "scale max (1.0) must be above min (5.0)"),
    (("items", 1, "id"), "bad id!", "items.1.id"),
    (("customer", "input", "delimiter"), ":", "customer.input.delimiter"),
    (("analysis", "metric"), "median", "analysis.metric"),
])
def test_bad_values_are_named(demo_dict, path, value, expected):
    data = copy.deepcopy(demo_dict)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert any(expected in p for p in problems_of(data))


def test_duplicate_item_ids_and_columns_and_missing_label_in_language(demo_dict):
    data = copy.deepcopy(demo_dict)
    data["items"][1]["id"] = data["items"][0]["id"]
    data["items"][1]["employee_column"] = data["items"][0]["employee_column"]
    data["items"][2]["label"] = {"en": "English only"}
    text = "\n".join(problems_of(data))
    assert "item id 'easy_booking' is used more than once" in text
    assert "employee column 'm01' is used by more than one item" in text
    assert "has no label in the engagement language 'sv'" in text


def test_excluded_items_must_be_items_and_leave_one(demo_dict):
    data = copy.deepcopy(demo_dict)
    data["analysis"]["exclude_items"] = ["competense"]
    assert any("analysis.exclude_items: 'competense' is not an item id — did you mean 'competence'?" in p
               for p in problems_of(data))
    data["analysis"]["exclude_items"] = [i["id"] for i in data["items"]]
    assert any("leaves no mirror item to analyse" in p for p in problems_of(data))
    data["analysis"]["exclude_items"] = ["competence", "extra_mile"]
    engagement = parse_engagement(data)
    assert [i.id for i in engagement.items] == [i["id"] for i in data["items"]]  # the params keep them
    assert {i.id for i in engagement.analysed_items} == {i["id"] for i in data["items"]} - {"competence", "extra_mile"}


def test_no_items_and_not_a_mapping():
    assert any("items" in p for p in problems_of({"client": "x", "customer": {}, "employee": {}, "items": []}))
    assert problems_of(["a", "list"]) == ["the file must hold a mapping of keys (client:, language:, customer:, …)"]


def test_missing_params_file_says_how_to_create_it(tmp_path):
    with pytest.raises(ParamsError, match="make new CLIENT=acme"):
        load_engagement(tmp_path / "acme.yaml")


def test_broken_yaml_is_a_params_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("client: x\n  language: sv\n items: [\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_engagement(path)


def test_starter_params_validate_once_filled_in(tmp_path):
    text = (TEMPLATES_DIR / "params_starter.yaml").read_text(encoding="utf-8").replace("{client}", "acme")
    path = tmp_path / "acme.yaml"
    path.write_text(text, encoding="utf-8")
    eng = load_engagement(path)
    assert eng.client == "acme" and eng.items[0].id == "extra_mile"


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_id_column_is_an_error_and_leaving_it_out_is_fine(demo_dict, value):
    data = copy.deepcopy(demo_dict)
    data["customer"]["id_column"] = value
    assert any("customer.id_column" in p and "leave `id_column:` out" in p for p in problems_of(data))
    del data["customer"]["id_column"]
    assert parse_engagement(data).customer.id_column is None


@pytest.mark.parametrize("path", ["/etc/passwd", "../other-project/data/kunder.csv", "data/../../kunder.csv",
                                  "~/kunder.csv"])
def test_input_paths_outside_the_project_are_refused_unless_allowed(demo_dict, path):
    data = copy.deepcopy(demo_dict)
    data["customer"]["input"]["path"] = path
    assert any("customer.input.path:" in p and "outside the project folder" in p
               and "outside_project: true" in p for p in problems_of(data))
    data["customer"]["input"]["outside_project"] = True
    assert parse_engagement(data).customer.input.outside_project is True


def test_input_paths_inside_the_project_are_fine(demo_dict):
    from mirrorgap.config.paths import PROJ_ROOT

    data = copy.deepcopy(demo_dict)
    data["customer"]["input"]["path"] = str(PROJ_ROOT / "data" / "acme" / "kunder.csv")
    data["employee"]["input"]["path"] = "data/acme/../acme/personal.xlsx"
    assert parse_engagement(data).customer.input.path.endswith("kunder.csv")


@pytest.mark.parametrize("item_id", ["nps", "satisfaction", "wave", "unit", "respondent_id", "respondents"])
def test_reserved_names_cannot_be_item_ids(demo_dict, item_id):
    data = copy.deepcopy(demo_dict)
    data["items"][0]["id"] = item_id
    assert any(f"item id {item_id!r} is a name the pipeline uses itself" in p for p in problems_of(data))


def test_an_item_id_cannot_be_a_segment_or_comment_column(demo_dict):
    data = copy.deepcopy(demo_dict)
    data["items"][0]["id"] = "Kundtyp"
    data["items"][1]["id"] = "kommentar"
    text = "\n".join(problems_of(data))
    assert "item id 'Kundtyp' is also a customer segment or comment column" in text
    assert "item id 'kommentar' is also an employee segment or comment column" in text


def test_the_reserved_ids_are_the_names_the_pipeline_creates():
    from helpers import demo_aggregates
    from mirrorgap.aggregate.store import RESPONDENTS
    from mirrorgap.config.params import RESERVED_IDS

    demo = demo_aggregates()
    for clean in (demo.customer, demo.employee):
        spec = demo.engagement.side(clean.side)
        named = {i.id for i in clean.items} | {q.id for q in clean.questions}  # ids the params give
        own = set(clean.frame.columns) - named - set(spec.segment_columns) - set(spec.comment_columns)
        assert own <= RESERVED_IDS, own - RESERVED_IDS
        assert {c.name for c in clean.ledger.columns} - named <= RESERVED_IDS
    assert RESPONDENTS in RESERVED_IDS
