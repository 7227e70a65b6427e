"""Writing settings back into a params YAML: only the changed lines move, comments and quotes stay,
nothing invalid is ever written."""
import difflib
import shutil

import pytest

from mirrorgap.config.params import load_engagement
from mirrorgap.config.params_io import dump, round_trip_yaml, set_values
from mirrorgap.config.paths import PARAMS_DIR, TEMPLATES_DIR
from mirrorgap.errors import ParamsError


@pytest.fixture()
def params(tmp_path):
    path = tmp_path / "demo.yaml"
    shutil.copy(PARAMS_DIR / "demo.yaml", path)
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]


@pytest.mark.parametrize("path", [PARAMS_DIR / "demo.yaml", TEMPLATES_DIR / "params_starter.yaml"])
def test_reading_and_writing_back_changes_nothing(path):
    text = path.read_text(encoding="utf-8")
    assert dump(round_trip_yaml().load(text)) == text


def test_one_setting_changes_one_line_and_keeps_the_comments(params):
    before = params.read_text(encoding="utf-8")
    changes, engagement = set_values(params, {("analysis", "min_n"): 7})
    after = params.read_text(encoding="utf-8")
    assert changes == {("analysis", "min_n"): (5, 7)} and engagement.analysis.min_n == 7
    assert changed_lines(before, after) == ["-   min_n: 5", "+   min_n: 7"]
    assert "# The consultancy's look on the dashboard and deck." in after and 'primary_color: "#1D3557"' in after
    assert load_engagement(params).analysis.min_n == 7


def test_whole_number_floats_are_written_as_people_write_them(params):
    before = params.read_text(encoding="utf-8")
    changes, _ = set_values(params, {("analysis", "gap_threshold"): 5.0, ("analysis", "alpha"): 0.05})
    assert changes == {} and params.read_text(encoding="utf-8") == before  # 5.0 == 5: nothing to write
    set_values(params, {("analysis", "gap_threshold"): 8.0, ("analysis", "alpha"): 0.1})
    assert sorted(changed_lines(before, params.read_text(encoding="utf-8"))) == [
        "+   alpha: 0.1", "+   gap_threshold: 8", "-   alpha: 0.05", "-   gap_threshold: 5"]


def test_a_missing_section_is_added(tmp_path):
    path = tmp_path / "acme.yaml"
    text = (PARAMS_DIR / "demo.yaml").read_text(encoding="utf-8")
    path.write_text(text[:text.index("analysis:")], encoding="utf-8")
    set_values(path, {("analysis", "min_n"): 10})
    assert path.read_text(encoding="utf-8").endswith("analysis:\n  min_n: 10\n")
    assert load_engagement(path).analysis.min_n == 10


@pytest.mark.parametrize("updates, problem", [
    ({("analysis", "alpha"): 1.5}, "analysis.alpha"),
    ({("analysis", "min_n"): 1}, "analysis.min_n"),
    ({("analysis", "metrik"): "mean"}, "unknown key"),
])
def test_invalid_settings_are_refused_and_the_file_is_untouched(params, updates, problem):
    before = params.read_bytes()
    with pytest.raises(ParamsError, match=problem):
        set_values(params, updates)
    assert params.read_bytes() == before
    assert not [p for p in params.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ParamsError, match="make new CLIENT=nobody"):
        set_values(tmp_path / "nobody.yaml", {("analysis", "min_n"): 5})
