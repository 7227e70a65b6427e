"""SPSS .sav files as research agencies deliver them: the value labels decide what the codes mean.

Every file is written here with pyreadstat (codes, value labels, user-missing codes), read with the
reader and cleaned with the recoder, so the expected scores follow from what was written.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest_readers import read
from helpers import engagement
from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import clean_side, waves_of

AGREE_DOWN = {1.0: "Strongly agree", 2.0: "Agree", 3.0: "Neither", 4.0: "Disagree", 5.0: "Strongly disagree",
              9.0: "Don't know"}
NPS_1_11 = {1.0: "very unlikely", **{float(k + 1): str(k) for k in range(1, 10)}, 11.0: "very likely"}


def write_sav(folder, columns: dict, *, labels: dict | None = None, missing: dict | None = None,
              name: str = "personal.sav"):
    """A .sav file with these columns (id, unit, wave, dept, e1, e2, enps for the test engagement)."""
    import pyreadstat

    n = len(next(iter(columns.values())))
    base = {"id": [float(i + 1) for i in range(n)], "unit": [1.0] * n, "wave": [1.0] * n, "dept": [1.0] * n,
            "e1": [3.0] * n, "e2": [3.0] * n, "enps": [6.0] * n}
    base.update(columns)
    path = folder / name
    pyreadstat.write_sav(pd.DataFrame(base), str(path), variable_value_labels=labels or {},
                         missing_ranges=missing or {})
    return path


def employee_side(path, **employee):
    """The sav file cleaned as the employee side of the test engagement (no numeric don't-know code
    unless given: the labels must decide)."""
    spec = {"input": {"path": "e.sav"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
            "segment_columns": ["dept"], "nps_column": "enps", "dont_know": []}
    spec.update(employee)
    return clean_side(read(path, side="employee"), engagement(employee=spec), "employee")


def column(clean, name):
    return next(c for c in clean.ledger.columns if c.name == name)


def test_labels_decide_the_direction_of_an_agree_scale(tmp_path):
    path = write_sav(tmp_path, {"e1": [1.0, 2.0, 3.0, 4.0, 5.0, 9.0]}, labels={"e1": AGREE_DOWN})
    clean = employee_side(path)
    # 1 = "Strongly agree" is the top of the scale, not the bottom
    assert clean.frame["extra"].tolist()[:5] == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert np.isnan(clean.frame["extra"].iloc[5])
    led = column(clean, "extra")
    assert led.missing["dont_know"] == 1 and led.valid == 5 and not led.out_of_range
    assert "6 − code" in led.coding and "'Strongly agree' = 5" in led.coding
    assert "9 \"Don't know\" read as don't know" in led.coding


def test_labelled_reversed_item_is_turned_around_after_the_labels(tmp_path):
    # e2 is worded negatively ("stress", reversed: true): code 1 "Strongly agree" = 5, then turned to 1
    path = write_sav(tmp_path, {"e2": [1.0, 5.0, 2.0]}, labels={"e2": AGREE_DOWN})
    assert employee_side(path).frame["stress"].tolist() == [1.0, 5.0, 2.0]


def test_swedish_labels_and_vet_ej_on_code_9(tmp_path):
    labels = {1.0: "Instämmer helt", 2.0: "Instämmer", 3.0: "Varken eller", 4.0: "Instämmer inte",
              5.0: "Instämmer inte alls", 9.0: "Vet ej"}
    path = write_sav(tmp_path, {"e1": [1.0, 5.0, 9.0, 2.0]}, labels={"e1": labels})
    clean = employee_side(path)
    assert clean.frame["extra"].tolist()[:2] == [5.0, 1.0] and np.isnan(clean.frame["extra"].iloc[2])
    assert column(clean, "extra").missing["dont_know"] == 1


def test_codes_labelled_only_at_the_ends_and_unlabelled_codes_between(tmp_path):
    labels = {1.0: "Strongly agree", 5.0: "Strongly disagree"}
    path = write_sav(tmp_path, {"e1": [1.0, 2.0, 3.0, 4.0, 5.0]}, labels={"e1": labels})
    assert employee_side(path).frame["extra"].tolist() == [5.0, 4.0, 3.0, 2.0, 1.0]


def test_codes_that_are_the_scores_stay_as_they_are(tmp_path):
    labels = {1.0: "Strongly disagree", 5.0: "Strongly agree", 9.0: "Vet ej"}
    path = write_sav(tmp_path, {"e1": [1.0, 2.0, 5.0, 9.0]}, labels={"e1": labels})
    clean = employee_side(path)
    assert clean.frame["extra"].tolist()[:3] == [1.0, 2.0, 5.0] and np.isnan(clean.frame["extra"].iloc[3])
    assert column(clean, "extra").coding == "code(s) 9 'Vet ej' read as don't know"


def test_nps_coded_1_to_11_with_labelled_endpoints_is_0_to_10(tmp_path):
    path = write_sav(tmp_path, {"enps": [1.0, 2.0, 6.0, 10.0, 11.0]}, labels={"enps": NPS_1_11})
    clean = employee_side(path)
    assert clean.frame["nps"].tolist() == [0.0, 1.0, 5.0, 9.0, 10.0]
    led = column(clean, "enps")
    assert led.valid == 5 and not led.out_of_range and "code − 1" in led.coding


def test_nps_labelled_with_numbers_in_the_labels(tmp_path):
    labels = {0.0: "0 - Inte alls troligt", 10.0: "10 - Mycket troligt", 99.0: "Vet ej"}
    path = write_sav(tmp_path, {"enps": [0.0, 10.0, 7.0, 99.0]}, labels={"enps": labels})
    clean = employee_side(path)
    assert clean.frame["nps"].tolist()[:3] == [0.0, 10.0, 7.0] and np.isnan(clean.frame["nps"].iloc[3])
    assert column(clean, "enps").missing["dont_know"] == 1


def test_units_waves_and_segments_show_their_labels_in_code_order(tmp_path):
    path = write_sav(tmp_path, {
        "unit": [1.0, 2.0, 2.0, 3.0], "wave": [2.0, 1.0, 2.0, 2.0], "dept": [10.0, 20.0, 10.0, 10.0]},
        labels={"unit": {1.0: "Göteborg", 2.0: "Malmö"}, "wave": {1.0: "Vår 2025", 2.0: "Höst 2025"},
                "dept": {10.0: "Verkstad", 20.0: "Reception"}})
    clean = employee_side(path)
    assert clean.frame["unit"].tolist() == ["Göteborg", "Malmö", "Malmö", "3"]  # an unlabelled code stays visible
    assert clean.frame["dept"].tolist() == ["Verkstad", "Reception", "Verkstad", "Verkstad"]
    assert clean.frame["wave"].tolist() == ["Höst 2025", "Vår 2025", "Höst 2025", "Höst 2025"]
    assert waves_of(clean) == ["Vår 2025", "Höst 2025"]  # code 1 before code 2, not alphabetical


def test_user_missing_codes_apply_to_every_column(tmp_path):
    path = write_sav(tmp_path, {
        "unit": [1.0, 98.0, 1.0, 1.0], "wave": [1.0, 1.0, 99.0, 1.0], "dept": [10.0, 99.0, 10.0, 10.0],
        "enps": [8.0, 99.0, 7.0, 10.0], "e1": [4.0, 4.0, 4.0, 99.0]},
        labels={"dept": {10.0: "Verkstad", 99.0: "Vill ej uppge"}, "wave": {1.0: "2025", 99.0: "Okänd"}},
        missing={"unit": [98.0], "wave": [99.0], "dept": [99.0], "enps": [99.0], "e1": [99.0]})
    clean = employee_side(path)
    led = clean.ledger
    assert [(e["row"], e["reason"]) for e in led.excluded] == [(3, "no_wave")]  # not a wave called "99"
    f = clean.frame
    assert f["unit"].tolist() == ["1", "(blank)", "1"] and f["dept"].tolist() == ["Verkstad", "(blank)", "Verkstad"]
    assert f["nps"].tolist()[0] == 8.0 and np.isnan(f["nps"].iloc[1])
    assert column(clean, "enps").missing["user_missing"] == 1 and column(clean, "extra").missing["user_missing"] == 1


def test_string_codes_with_value_labels(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"id": ["a", "b", "c"], "unit": ["x", "x", "y"], "wave": ["1", "1", "1"],
                          "dept": ["d", "d", "d"], "e1": ["SA", "SD", "DK"], "e2": ["3", "3", "3"],
                          "enps": [5.0, 6.0, 7.0]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={
        "e1": {"SA": "Strongly agree", "SD": "Strongly disagree", "DK": "Vet ej"}, "unit": {"x": "Malmö"}})
    clean = employee_side(path)
    assert clean.frame["extra"].tolist()[:2] == [5.0, 1.0] and np.isnan(clean.frame["extra"].iloc[2])
    assert clean.frame["unit"].tolist() == ["Malmö", "Malmö", "y"]


@pytest.mark.parametrize("labels, expected", [
    ({1.0: "Strongly agree", 2.0: "Strongly disagree", 3.0: "Agree"}, "do not form one scale"),
    ({1.0: "Strongly agree"}, "cannot tell whether the codes run up or down"),
])
def test_labels_that_cannot_be_one_scale_are_an_error_naming_the_column(tmp_path, labels, expected):
    path = write_sav(tmp_path, {"e1": [1.0, 2.0, 3.0]}, labels={"e1": labels})
    with pytest.raises(InputFileError) as info:
        employee_side(path)
    msg = str(info.value)
    assert str(path) in msg and "column 'e1'" in msg and expected in msg and "answer_labels" in msg
    assert "'Strongly agree'" in msg
