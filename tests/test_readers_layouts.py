"""Survey-tool layouts: SurveyMonkey's two header rows, Qualtrics re-saved with one header row, R's
write.csv, Google Forms and Microsoft Forms exports — each built here as the tool writes it."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from conftest_readers import error_of, read, write_text
from helpers import engagement
from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import clean_side


def customer_params(**customer):
    """The test engagement with the customer side's columns renamed (c1, c2: the two items)."""
    spec = {"input": {"path": "c.csv"}, "id_column": "id", "dont_know": ["Vet ej"]}
    spec.update(customer)
    items = [{"id": "extra", "label": {"sv": "Gör det lilla extra"}, "customer_column": spec.pop("c1"),
              "employee_column": "e1"},
             {"id": "stress", "label": {"sv": "Stressad"}, "customer_column": spec.pop("c2"),
              "employee_column": "e2", "reversed": True}]
    return engagement(customer=spec, items=items)


SURVEYMONKEY = [
    'Respondent ID,Collector ID,Start Date,End Date,Hur nöjd är du med oss?,Personalen …,,Kommentar',
    ',,,,Response,gör det lilla extra,verkar stressad,Open-Ended Response',
    '114012345,2345,03/01/2025 10:01:12 AM,03/01/2025 10:04:40 AM,Mycket nöjd,Instämmer helt,Instämmer inte,"Bra, tack"',
    '114012346,2345,03/01/2025 11:00:00 AM,03/01/2025 11:02:00 AM,Nöjd,Instämmer,Vet ej,',
]


def test_surveymonkey_two_header_rows(tmp_path):
    raw = read(write_text(tmp_path, "sm.csv", SURVEYMONKEY))
    assert raw.format == "surveymonkey" and raw.source_rows.tolist() == [3, 4]
    assert list(raw.frame.columns) == ["Respondent ID", "Collector ID", "Start Date", "End Date",
                                       "Hur nöjd är du med oss?", "Personalen … - gör det lilla extra",
                                       "Personalen … - verkar stressad", "Kommentar"]
    assert raw.frame["Respondent ID"].tolist() == ["114012345", "114012346"]  # no 'Response' respondent
    clean = clean_side(raw, customer_params(id_column="Respondent ID", c1="Personalen … - gör det lilla extra",
                                            c2="Personalen … - verkar stressad"), "customer")
    assert clean.frame["extra"].tolist() == [5.0, 4.0] and clean.ledger.rows_in == 2


def test_format_surveymonkey_can_be_given(tmp_path):
    lines = ["id,Fråga,", ",Response,Annat", "1,Ja,x"]
    raw = read(write_text(tmp_path, "sm.csv", lines), format="surveymonkey")
    assert list(raw.frame.columns) == ["id", "Fråga", "Fråga - Annat"] and raw.source_rows.tolist() == [3]


def test_qualtrics_resaved_with_one_header_row_and_repeated_ids(tmp_path):
    lines = ["StartDate,ResponseId,Q6_TEXT,Q6_TEXT,Q1,Q2",
             "2025-03-01 10:00:00,R_1,a,b,Instämmer helt,Instämmer inte",
             "2025-03-01 10:05:00,R_2,c,d,Instämmer,Vet ej"]
    path = write_text(tmp_path, "q.csv", lines)
    raw = read(path)
    assert raw.format == "csv" and raw.source_rows.tolist() == [2, 3]
    assert "'Q6_TEXT' ('Q6_TEXT [1]', 'Q6_TEXT [2]')" in raw.notes[0]
    clean = clean_side(raw, customer_params(id_column="ResponseId", c1="Q1", c2="Q2"), "customer")
    assert clean.ledger.rows_used == 2 and raw.notes[0] in clean.ledger.reader_notes
    with pytest.raises(InputFileError) as info:  # used by the params: which of the two is meant?
        clean_side(raw, customer_params(id_column="ResponseId", c1="Q6_TEXT", c2="Q2"), "customer")
    assert "duplicate column names: 'Q6_TEXT'" in str(info.value) and "'Q6_TEXT [2]'" in info.value.fix


@pytest.mark.parametrize("lines", [
    ["ResponseId,Q1,Q2", "R_1,Instämmer helt,Instämmer", "R_2,Instämmer,Vet ej", "R_3,Vet ej,Instämmer"],
    ["id,Q1,Q2", "1,5,4", "2,4,4", "3,3,2"],
])
def test_format_qualtrics_on_a_file_whose_second_row_is_data(tmp_path, lines):
    path = write_text(tmp_path, "q.csv", lines)
    err = error_of(path, format="qualtrics")
    assert err.row == 2 and "holds answers" in str(err) and "remove `format: qualtrics`" in err.fix


def test_r_write_csv_row_numbers_and_na(tmp_path):
    lines = ['"","id","enhet","c1","c2","nps"',
             '"1","a","Malmö","Instämmer helt","Instämmer",9',
             '"2","b",NA,"Instämmer",NA,NA',
             '"3","c","Umeå",NA,"Instämmer",10']
    raw = read(write_text(tmp_path, "r.csv", lines))
    assert list(raw.frame.columns) == ["id", "enhet", "c1", "c2", "nps"]
    assert pd.isna(raw.frame["enhet"].iloc[1]) and pd.isna(raw.frame["nps"].iloc[1])
    assert raw.notes == ["R export (write.csv): 4 cell(s) written as NA read as blank",
                         "column 1 has no name and holds the row numbers 1–3 (as R's write.csv writes them): "
                         "left out"]
    clean = clean_side(raw, customer_params(unit_column="enhet", nps_column="nps", c1="c1", c2="c2"), "customer")
    assert clean.frame["unit"].tolist() == ["Malmö", "(blank)", "Umeå"]  # not a unit called "NA"
    assert {c.name: c.missing["blank"] for c in clean.ledger.columns}["nps"] == 1
    assert not any(c.unknown_labels for c in clean.ledger.columns)


def test_google_forms_export(tmp_path):
    lines = ["Tidstämpel,E-postadress,Hur nöjd är du?  [Bemötande],Hur nöjd är du?  [Väntetid],Kommentar,Kommentar",
             '2025/03/01 10:01:12 fm CET,a@example.se,Instämmer helt,Instämmer inte,"Bra, tack",',
             "2025/03/01 11:01:12 fm CET,b@example.se,Vet ej,Instämmer,,Snabbt"]
    raw = read(write_text(tmp_path, "g.csv", lines))
    assert raw.frame.columns[2] == "Hur nöjd är du? [Bemötande]"  # white space folded
    assert "'Kommentar'" in raw.notes[0]
    clean = clean_side(raw, customer_params(id_column="E-postadress", c1="Hur nöjd är du? [Bemötande]",
                                            c2="Hur nöjd är du? [Väntetid]"), "customer")
    assert clean.ledger.rows_used == 2 and clean.frame["stress"].tolist() == [4.0, 2.0]


def test_microsoft_forms_export(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "Hur nöjd är du med bemötandet?\xa0",
               "Personalen verkar  stressad", "Kommentar", "Kommentar"])
    ws.append([1, "2025-03-01 10:00", "2025-03-01 10:03", "anonymous", None, "Instämmer helt", "Instämmer inte",
               "Bra", None])
    ws.append([2, "2025-03-01 11:00", "2025-03-01 11:03", "anonymous", None, "Instämmer", "Vet ej", None, "Ok"])
    path = tmp_path / "forms.xlsx"
    book.save(path)
    raw = read(path)
    assert "Hur nöjd är du med bemötandet?" in raw.frame.columns and "Personalen verkar stressad" in raw.frame.columns
    clean = clean_side(raw, customer_params(id_column="ID", c1="Hur nöjd är du med bemötandet?",
                                            c2="Personalen verkar stressad"), "customer")
    assert clean.frame["extra"].tolist() == [5.0, 4.0] and clean.ledger.rows_used == 2
