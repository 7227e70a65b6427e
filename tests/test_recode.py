"""Recoding raw cells and the quality ledger: nothing is lost, every missing answer has its reason."""
import numpy as np
import pandas as pd
import pytest

from helpers import engagement, raw_survey
from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import clean_side

NA = None


def customer_frame(**cols):
    base = {
        "id": ["a", "b", "c", "d", "e", "f"],
        "unit": ["Malmö", "Malmö", "Örebro", "Örebro", NA, "Malmö"],
        "wave": ["2025"] * 6,
        "seg": ["Privat", "Företag", NA, "Privat", "Privat", "Privat"],
        "c1": ["Instämmer helt", "  instämmer   HELT ", "Vet ej", "Delvis", "Instämmer delvis", "6"],
        "c2": ["Instämmer inte alls", "Instämmer", "4,5", NA, "2", "1"],
        "nps": ["10 - Mycket troligt", "0 - Inte alls troligt", "9", "7", "11", "Vet ej"],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_labels_codes_dont_know_unknown_and_out_of_range():
    clean = clean_side(raw_survey(customer_frame(), decimal=","), engagement(), "customer")
    f = clean.frame.set_index("respondent_id")
    assert f.loc["a", "extra"] == 5 and f.loc["b", "extra"] == 5  # case and spaces do not matter
    assert np.isnan(f.loc["c", "extra"])  # Vet ej
    assert f.loc["d", "extra"] == 3  # the client's own label
    assert np.isnan(f.loc["e", "extra"]) and np.isnan(f.loc["f", "extra"])
    # reversed: 1 -> 5, 4 -> 2, 4,5 (decimal comma) -> 1,5
    assert f.loc["a", "stress"] == 5 and f.loc["b", "stress"] == 2 and f.loc["c", "stress"] == pytest.approx(1.5)
    assert f["nps"].iloc[:4].tolist() == [10, 0, 9, 7] and np.isnan(f.loc["e", "nps"])
    led = {c.name: c for c in clean.ledger.columns}
    assert led["extra"].valid == 3
    assert led["extra"].missing["dont_know"] == 1
    assert dict(led["extra"].unknown_labels) == {"Instämmer delvis": 1}
    assert dict(led["extra"].out_of_range) == {"6": 1}
    assert led["nps"].missing["out_of_range"] == 1 and led["nps"].missing["dont_know"] == 1
    assert led["stress"].missing["blank"] == 1


def test_unit_and_segment_blanks_stay_visible():
    clean = clean_side(raw_survey(customer_frame(), decimal=","), engagement(), "customer")
    f = clean.frame.set_index("respondent_id")
    assert f.loc["e", "unit"] == "(blank)" and f.loc["c", "seg"] == "(blank)"


def test_employee_code_9_is_dont_know_for_items_but_a_promoter_on_enps():
    frame = pd.DataFrame({"id": [1, 2, 3], "unit": ["A"] * 3, "wave": [2025.0] * 3, "dept": ["X"] * 3,
                          "e1": [9, 5, 4], "e2": [1, 9, 2], "enps": [9, 10, 3]})
    clean = clean_side(raw_survey(frame), engagement(), "employee")
    assert clean.frame["extra"].isna().tolist() == [True, False, False]
    assert clean.frame["nps"].tolist() == [9, 10, 3]
    assert clean.frame["wave"].tolist() == ["2025"] * 3  # 2025.0 from Excel reads as 2025
    assert clean.frame["respondent_id"].tolist() == ["1", "2", "3"]


def test_every_row_is_used_or_excluded_with_its_reason():
    frame = customer_frame(
        id=["a", "a", NA, "d", "e", "f"],
        wave=["2025", "2025", "2025", NA, "2025", "2025"],
        c1=["Instämmer", "Instämmer", "Instämmer", "Instämmer", NA, "Vet ej"],
        c2=["Instämmer", "Instämmer", "Instämmer", "Instämmer", NA, NA],
    )
    clean = clean_side(raw_survey(frame, skip_rows=2), engagement(), "customer")
    led = clean.ledger
    assert led.rows_in == 6
    assert led.rows_used + len(led.excluded) == led.rows_in
    assert [(e["row"], e["reason"]) for e in led.excluded] == [
        (6, "no_respondent_id"), (5, "duplicate_respondent_id"), (7, "no_wave"),
        (8, "no_item_answered"), (9, "no_usable_answer")]
    assert clean.frame["respondent_id"].tolist() == ["a"]
    # valid answers are those used; why answers were unusable is counted for every row, excluded ones too
    assert {c.name: c.valid for c in led.columns}["extra"] == 1
    assert led.columns[0].missing["dont_know"] == 1 and led.columns[0].missing["blank"] == 1


def test_missing_columns_are_listed_at_once_with_did_you_mean():
    frame = customer_frame().rename(columns={"c1": "C1 ", "seg": "segment"})
    with pytest.raises(InputFileError) as info:
        clean_side(raw_survey(frame, path="data/acme/kunder.csv"), engagement(), "customer")
    msg = str(info.value)
    assert "data/acme/kunder.csv" in msg and "row 1" in msg
    assert "'seg' (did you mean 'segment'?)" in msg and "'c1' (did you mean 'C1 '?)" in msg
    assert "fix:" in msg


def test_an_item_without_any_valid_answer_names_column_and_labels():
    frame = customer_frame(c1=["Mycket bra", "Bra", "Mycket bra", "Dålig", "Bra", "Bra"])
    with pytest.raises(InputFileError) as info:
        clean_side(raw_survey(frame), engagement(), "customer")
    msg = str(info.value)
    assert "column 'c1'" in msg and "'Bra'" in msg and "answer_labels" in msg


def test_no_usable_row_is_an_error_not_an_empty_report():
    frame = customer_frame(c1=[NA] * 6, c2=["Vet ej"] * 6)
    with pytest.raises(InputFileError, match="no usable customer answers .*no_usable_answer: 6"):
        clean_side(raw_survey(frame), engagement(), "customer")


def test_standard_labels_off_means_only_the_params_labels_count():
    eng = engagement()
    data = eng.model_dump()
    data["customer"]["standard_labels"] = False
    data["customer"]["dont_know"] = []
    data["customer"]["answer_labels"] = {"Instämmer helt": 5, "Delvis": 3, "Instämmer": 4,
                                         "Instämmer inte alls": 1}
    from mirrorgap.config.params import parse_engagement
    clean = clean_side(raw_survey(customer_frame(), decimal=","), parse_engagement(data), "customer")
    led = {c.name: c for c in clean.ledger.columns}
    assert led["extra"].unknown_labels["Vet ej"] == 1  # no built-in don't-know labels either


def test_sav_user_missing_codes_numeric_and_text():
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "unit": ["A"] * 4, "wave": ["1"] * 4, "dept": ["X"] * 4,
                          "e1": [99.0, 4.0, 5.0, 3.0], "e2": ["2", "NA", "1", "2"], "enps": [8, 9, 10, 0]})
    raw = raw_survey(frame, user_missing={"e1": [99], "e2": ["NA"]})
    clean = clean_side(raw, engagement(), "employee")
    led = {c.name: c for c in clean.ledger.columns}
    assert led["extra"].missing["user_missing"] == 1 and led["stress"].missing["user_missing"] == 1
    assert clean.frame["extra"].isna().tolist() == [True, False, False, False]


# ---------------------------------------------------------------- respondent ids

def _without_id(eng):
    data = eng.model_dump()
    del data["customer"]["id_column"]
    from mirrorgap.config.params import parse_engagement
    return parse_engagement(data)


def test_no_id_column_means_each_row_is_one_respondent():
    frame = customer_frame().drop(columns="id")
    frame.loc[1] = frame.loc[0]  # two people may give the same answers: both count
    clean = clean_side(raw_survey(frame, decimal=","), _without_id(engagement()), "customer")
    led = clean.ledger
    assert led.rows_in == 6 and led.rows_used == 6 and not led.excluded
    assert clean.frame["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert led.id_column is None and "each row is one respondent" in led.to_dict()["respondent_ids"]
    assert led.to_dict()["excluded_by_reason"]["no_respondent_id"] == 0


def test_ids_that_restart_in_each_wave_are_different_respondents():
    frame = customer_frame(id=["1", "2", "1", "2", "2", "3"],
                           wave=["2025", "2025", "2026", "2026", "2026", "2026"],
                           c1=["Instämmer"] * 6, c2=["Instämmer"] * 6)
    clean = clean_side(raw_survey(frame), engagement(), "customer")
    led = clean.ledger
    assert led.rows_used == 5  # 1 and 2 of 2025 are not repeated by 1 and 2 of 2026
    assert [(e["row"], e["reason"], e["duplicate_of"]) for e in led.excluded] == [(6, "duplicate_respondent_id", 5)]
    assert led.to_dict()["respondent_ids"] == "column 'id', unique within each wave"


def test_repeated_ids_with_other_answers_are_told_apart_from_re_exports():
    frame = customer_frame(id=["a", "b", "a", "b", "c", "a"],
                           c1=["Instämmer", "Instämmer", "Instämmer", "Vet ej", "Instämmer", "Instämmer"],
                           c2=["Instämmer"] * 6, seg=["Privat"] * 6, unit=["Malmö"] * 6,
                           nps=["9", "9", "9", "9", "9", NA])
    led = clean_side(raw_survey(frame), engagement(), "customer").ledger
    dups = [(e["row"], e["duplicate_of"], e["same_answers"]) for e in led.excluded]
    assert dups == [(4, 2, True), (5, 3, False), (7, 2, False)]  # a blank NPS is a different answer
    assert led.duplicate_counts() == {"same_answers": 1, "different_answers": 2}
    assert led.to_dict()["duplicates"] == {"same_answers": 1, "different_answers": 2}


def test_a_row_answered_only_with_unknown_labels_is_not_unanswered_and_its_labels_are_counted():
    frame = customer_frame(c1=["Instämmer", "Jättebra", "Instämmer", NA, "Instämmer", "Instämmer"],
                           c2=["Instämmer", "Sådär", "Instämmer", NA, "Instämmer", "Instämmer"])
    led = clean_side(raw_survey(frame), engagement(), "customer").ledger
    reasons = {e["row"]: e["reason"] for e in led.excluded}
    assert reasons == {3: "no_usable_answer", 5: "no_item_answered"}
    assert led.columns[0].unknown_labels == {"Jättebra": 1} and led.columns[1].unknown_labels == {"Sådär": 1}


def test_when_nothing_is_usable_the_error_names_the_answers_seen():
    frame = customer_frame(c1=["Jättebra", "Sådär", "Jättebra", "Jättebra", "Sådär", NA], c2=["Dålig"] * 6)
    with pytest.raises(InputFileError) as info:
        clean_side(raw_survey(frame), engagement(), "customer")
    message = str(info.value)
    assert "no_usable_answer: 6" in message and "'Jättebra'" in message and "'Dålig'" in message
