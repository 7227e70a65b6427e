"""Tests for mirrorgap.read.readers (and the sniffing in mirrorgap.read.sniff) on small files built in code."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest_readers import (
    SWEDISH_ROWS,
    qualtrics_export,
    qualtrics_legacy,
    read,
    sav_file,
    skolverket_like,
    swedish_cp1252,
    workbook,
    write_text,
)
from mirrorgap.config.params import InputFile
from mirrorgap.errors import InputFileError
from mirrorgap.read import readers
from mirrorgap.read.encoding import decode_to_utf8
from mirrorgap.read.readers import read_survey
from mirrorgap.read.sniff import header_index, sniff_decimal


def cell(raw, column: str, row: int):
    """The value in frame row `row` of `column`."""
    return raw.frame[column].iloc[row]


def assert_error(excinfo, path: Path, *parts: str, row: int | None = None) -> str:
    """The error names the file, the row (when given), every part, and has a fix."""
    err, msg = excinfo.value, str(excinfo.value)
    assert str(path) in msg
    assert err.fix and "fix:" in msg
    if row is not None:
        assert err.row == row and f"row {row}" in msg
    for part in parts:
        assert part in msg, (part, msg)
    return msg


# ------------------------------------------------------------------ CSV: encodings, delimiters, decimals

def test_cp1252_semicolon_decimal_comma(tmp_path):
    raw = read(swedish_cp1252(tmp_path))
    assert (raw.format, raw.encoding, raw.delimiter, raw.decimal, raw.skip_rows) == ("csv", "cp1252", ";", ",", 0)
    assert list(raw.frame.columns) == ["Respondent", "Enhet", "Personalen gör det lilla extra", "Nöjdhet",
                                       "Kommentar"]
    assert list(raw.frame["Personalen gör det lilla extra"]) == [
        "Instämmer helt", "Instämmer inte alls", "Varken eller", "Vet ej"]
    assert list(raw.frame["Enhet"]) == ["Göteborg", "Malmö", "Umeå", "Örebro"]
    assert cell(raw, "Nöjdhet", 0) == "4,5" and cell(raw, "Respondent", 0) == "1"
    assert cell(raw, "Kommentar", 3) == "Ärligt talat: ÅÄÖ åäö"
    assert pd.isna(cell(raw, "Nöjdhet", 2)) and pd.isna(cell(raw, "Kommentar", 1))
    assert raw.source_rows.tolist() == [2, 3, 4, 5]
    assert raw.frame.index.tolist() == [0, 1, 2, 3]
    assert all(isinstance(v, str) for v in raw.frame["Kommentar"].dropna())
    assert not any(v.endswith("\r") for v in raw.frame["Kommentar"].dropna())


def test_utf8_with_bom_is_utf8_sig_and_bom_not_in_first_name(tmp_path):
    path = write_text(tmp_path, "k.csv", SWEDISH_ROWS, bom=True)
    raw = read(path)
    assert raw.encoding == "utf-8-sig"
    assert raw.frame.columns[0] == "Respondent"
    assert cell(raw, "Personalen gör det lilla extra", 0) == "Instämmer helt"


def test_utf8_without_bom(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", SWEDISH_ROWS))
    assert raw.encoding == "utf-8" and cell(raw, "Enhet", 2) == "Umeå"


def test_utf16_from_excel_unicode_text(tmp_path):
    path = tmp_path / "k.txt"
    path.write_bytes("\r\n".join(r.replace(";", "\t") for r in SWEDISH_ROWS).encode("utf-16"))
    raw = read(path)
    assert (raw.encoding, raw.delimiter) == ("utf-16", "\t")
    assert cell(raw, "Enhet", 3) == "Örebro" and raw.source_rows.tolist() == [2, 3, 4, 5]


@pytest.mark.parametrize("delimiter, name", [("\t", "k.tsv"), ("|", "k.txt"), (",", "k.csv")])
def test_delimiter_sniffed(tmp_path, delimiter, name):
    rows = ["id{0}enhet{0}svar".format(delimiter), "1{0}Malmö{0}Instämmer".format(delimiter),
            "2{0}Luleå{0}".format(delimiter)]
    raw = read(write_text(tmp_path, name, rows))
    assert raw.delimiter == delimiter
    assert list(raw.frame.columns) == ["id", "enhet", "svar"]
    assert cell(raw, "enhet", 1) == "Luleå" and pd.isna(cell(raw, "svar", 1))


def test_comma_file_with_quoted_commas_and_semicolons_keeps_dot_decimal(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", [
        "id,kommentar,betyg",
        '1,"Bra; men dyrt, tyvärr",4.5',
        '2,"A, B; C",3.5',
        '3,"x;y;z","4,5"',
    ]))
    assert (raw.delimiter, raw.decimal) == (",", ".")
    assert cell(raw, "kommentar", 0) == "Bra; men dyrt, tyvärr" and cell(raw, "betyg", 2) == "4,5"


def test_semicolon_file_with_dot_decimals_keeps_dot(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", ["id;betyg", "1;4.5", "2;3.25", "3;7"]))
    assert (raw.delimiter, raw.decimal) == (";", ".")


def test_preamble_bom_decimal_comma_trailing_delimiter_and_footer(tmp_path):
    raw = read(skolverket_like(tmp_path))
    assert (raw.encoding, raw.delimiter, raw.decimal, raw.skip_rows) == ("utf-8-sig", ";", ",", 5)
    assert list(raw.frame.columns) == ["Skola", "Kommun", "Elever, åk 1-9", "Andel (%) flickor, åk 1-9"]
    assert raw.source_rows.tolist() == [7, 8, 9]
    assert list(raw.frame["Andel (%) flickor, åk 1-9"]) == ["47,5", "..", "52,1"]
    assert cell(raw, "Elever, åk 1-9", 2) == "." and cell(raw, "Skola", 2) == "Älvängens skola"
    assert len(raw.notes) == 1 and "rows 11-13" in raw.notes[0] and "2 line(s) of text" in raw.notes[0]


def test_given_layout_is_used_as_given(tmp_path):
    path = skolverket_like(tmp_path)
    raw = read(path, skip_rows=5, delimiter=";", decimal=".", encoding="utf-8")
    assert (raw.skip_rows, raw.delimiter, raw.decimal, raw.encoding) == (5, ";", ".", "utf-8-sig")
    assert raw.source_rows.tolist() == [7, 8, 9]
    # a wrong skip_rows puts the header where it says (row 7), and the data below it
    wrong = read(path, skip_rows=6)
    assert wrong.frame.columns[0] == "Ahlafors Fria skola" and wrong.source_rows.tolist() == [8, 9]


def test_explicit_cp1252_and_latin1(tmp_path):
    path = swedish_cp1252(tmp_path)
    assert read(path, encoding="cp1252").encoding == "cp1252"
    raw = read(path, encoding="latin-1")
    assert raw.encoding == "iso8859-1" and cell(raw, "Enhet", 3) == "Örebro"


def test_quoted_newlines_blank_lines_and_source_rows(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", [
        "id,kommentar,betyg",
        '1,"rad ett',
        'rad två",5',
        "",
        '2,"""citat"" och ""mer""",4',
        "3,,",
        '4,"a',
        "",
        'b",1',
    ], newline="\r\n"))
    assert raw.source_rows.tolist() == [2, 5, 6, 7]
    assert cell(raw, "kommentar", 0) == "rad ett\r\nrad två"
    assert cell(raw, "kommentar", 1) == '"citat" och "mer"'
    assert cell(raw, "kommentar", 3) == "a\r\n\r\nb" and cell(raw, "betyg", 3) == "1"
    assert pd.isna(cell(raw, "kommentar", 2)) and pd.isna(cell(raw, "betyg", 2))


def test_na_text_is_kept_and_empty_rows_are_left_out_with_a_note(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", ["id;svar;x", "1;NA;n/a", ";;", "2;;-", ";;"]))
    assert list(raw.frame["svar"].astype("str").fillna("<NA>")) == ["NA", "<NA>"] and cell(raw, "x", 0) == "n/a"
    assert raw.source_rows.tolist() == [2, 4]
    assert raw.notes == ["2 empty row(s) left out (rows 3, 5)"]


def test_short_rows_are_padded_with_a_note_and_trailing_empty_fields_allowed(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", ["a;b;c", "1;2;3;", "4;5", "6;7;8;;"]))
    assert raw.frame.shape == (3, 3)
    assert pd.isna(cell(raw, "c", 1)) and cell(raw, "c", 2) == "8"
    assert raw.source_rows.tolist() == [2, 3, 4]
    assert raw.notes == ["1 row(s) with fewer fields than the header (2 of 3): row 3; their missing last "
                         "fields read as blank"]


def test_no_final_newline_and_old_mac_line_ends(tmp_path):
    raw = read(write_text(tmp_path, "a.csv", ["a,b", "1,2", "3,4"], final_newline=False))
    assert raw.source_rows.tolist() == [2, 3] and cell(raw, "b", 1) == "4"
    mac = read(write_text(tmp_path, "b.csv", ["a,b", "1,2", "3,4"], newline="\r"))
    assert mac.source_rows.tolist() == [2, 3] and cell(mac, "b", 1) == "4"


def test_large_file_fast_and_careful_parsers_agree(tmp_path):
    """5,000 rows (beyond the 64 KB sniffing sample); one short row sends it to the careful parser."""
    rng = np.random.default_rng(7)
    answers = np.array(["Instämmer helt", "Vet ej", "", "4,5", '"Bra; tack"'])
    lines = ["id;enhet;svar;betyg"] + [
        f"{i};Enhet {i % 7};{answers[rng.integers(5)]};{answers[rng.integers(5)]}" for i in range(5000)]
    fast = read(write_text(tmp_path, "fast.csv", lines, encoding="cp1252"))
    slow_lines = lines[:-1] + [lines[-1].rsplit(";", 1)[0]]  # last row one field short
    slow = read(write_text(tmp_path, "slow.csv", slow_lines, encoding="cp1252"))
    assert fast.frame.shape == slow.frame.shape == (5000, 4)
    assert fast.decimal == ","
    assert fast.source_rows.tolist() == list(range(2, 5002)) == slow.source_rows.tolist()
    pd.testing.assert_frame_equal(fast.frame.iloc[:-1], slow.frame.iloc[:-1], check_dtype=False)
    assert pd.isna(cell(slow, "betyg", 4999))
    assert cell(fast, "svar", 0) in {"Instämmer helt", "Vet ej", "4,5", "Bra; tack"} or pd.isna(cell(fast, "svar", 0))


QUOTED_NEWLINES = ["id;kommentar;betyg", '1;"rad ett', 'rad två";4,5', "", "2;;", '3;"x;""y""";5', "4;Åsa;"]


@pytest.mark.parametrize("parsers", ["pyarrow", "pandas C", "csv module"])
def test_the_three_parsers_agree(tmp_path, monkeypatch, parsers):
    """pyarrow reads regular files; pandas' C parser takes ragged ones; the csv module the rest."""
    files = [swedish_cp1252(tmp_path), skolverket_like(tmp_path), qualtrics_export(tmp_path),
             write_text(tmp_path, "q.csv", QUOTED_NEWLINES, newline="\r\n")]
    expected = [read(p) for p in files]
    if parsers != "pyarrow":
        monkeypatch.setattr(readers, "_parse_fast", lambda *a: None)
    if parsers == "csv module":
        monkeypatch.setattr(readers, "_parse_ragged", lambda *a: None)
    for path, want in zip(files, expected):
        got = read(path)
        pd.testing.assert_frame_equal(got.frame, want.frame)
        assert got.source_rows.tolist() == want.source_rows.tolist() and got.notes == want.notes
    assert expected[3].source_rows.tolist() == [2, 5, 6, 7]
    assert expected[3].frame["kommentar"].tolist()[::2] == ["rad ett\r\nrad två", 'x;"y"']


def test_row_with_two_extra_fields(tmp_path):
    path = write_text(tmp_path, "k.csv", ["id;svar", "1;Instämmer", "", "2;Instämmer; helt; verkligen"])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "4 fields but the header has 2", row=4)
    assert excinfo.value.value == " helt"


def test_relative_path_and_base_dir(tmp_path):
    swedish_cp1252(tmp_path)
    raw = read_survey(InputFile(path="kunder.csv"), side="customer", base_dir=tmp_path)
    assert raw.path == tmp_path / "kunder.csv" and len(raw.frame) == 4
    with pytest.raises(InputFileError) as excinfo:
        read_survey(InputFile(path="data/no-such-client/kunder.csv"), side="employee")
    assert str(readers.resolve_input("data/no-such-client/kunder.csv")) in str(excinfo.value)


# ------------------------------------------------------------------ Qualtrics

@pytest.mark.parametrize("quote", ['"', "'"])
def test_qualtrics_three_header_rows(tmp_path, quote):
    raw = read(qualtrics_export(tmp_path, quote=quote))
    assert raw.format == "qualtrics"
    assert list(raw.frame.columns) == ["StartDate", "ResponseId", "Q1", "Q2_1", "Q3"]
    assert raw.column_labels["Q1"] == "Hur nöjd är du?"
    assert raw.column_labels["Q2_1"] == "Personalen gör det lilla extra - Håller med"
    assert raw.source_rows.tolist() == [4, 5]
    assert list(raw.frame["Q1"]) == ["5", "-1"] and cell(raw, "Q3", 0) == "Bra, tack"
    assert cell(raw, "Q2_1", 0) == "Instämmer helt"


def test_qualtrics_legacy_layout(tmp_path):
    raw = read(qualtrics_legacy(tmp_path))
    assert (raw.format, raw.encoding) == ("qualtrics", "utf-8-sig")
    assert list(raw.frame.columns) == [f"V{i}" for i in range(1, 11)] + ["Q1", "Q2"]
    assert raw.column_labels["V1"] == "ResponseID" and raw.column_labels["Q1"] == "Hur nöjd är du?"
    assert raw.source_rows.tolist() == [3]
    assert cell(raw, "V1", 0) == "R_1" and cell(raw, "Q2", 0) == "Jättebra"


def test_qualtrics_multiline_question_text_keeps_line_numbers(tmp_path):
    raw = read(write_text(tmp_path, "q.csv", [
        "ResponseId,Q1",
        'Svars-ID,"Hur nöjd är du',
        'med oss?"',
        '{"ImportId":"_recordId"},{"ImportId":"QID1"}',
        "R_1,4",
        "R_2,5",
    ]))
    assert raw.format == "qualtrics" and raw.column_labels["Q1"] == "Hur nöjd är du\nmed oss?"
    assert raw.source_rows.tolist() == [5, 6]


def test_qualtrics_repeated_ids_get_their_import_ids(tmp_path):
    raw = read(write_text(tmp_path, "q.csv", [
        "ResponseId,Q6_TEXT,Q6_TEXT",
        "Svars-ID,Fråga A,Fråga B",
        "{'ImportId': 'responseId'},{'ImportId': 'QID6-1-TEXT'},{'ImportId': 'QID6-2-TEXT'}",
        "R_1,a,b",
    ]))
    assert list(raw.frame.columns) == ["ResponseId", "Q6_TEXT [QID6-1-TEXT]", "Q6_TEXT [QID6-2-TEXT]"]
    assert raw.column_labels["Q6_TEXT [QID6-2-TEXT]"] == "Fråga B"
    assert len(raw.notes) == 1 and "'Q6_TEXT'" in raw.notes[0]


def test_format_qualtrics_without_import_ids_means_two_header_rows(tmp_path):
    path = write_text(tmp_path, "q.csv", ["id,Q1", "Id,Hur nöjd?", "1,5", "2,4"])
    raw = read(path, format="qualtrics")
    assert raw.format == "qualtrics" and raw.column_labels == {"id": "Id", "Q1": "Hur nöjd?"}
    assert raw.source_rows.tolist() == [3, 4]
    plain = read(path)  # without the hint it is a plain CSV: row 2 is data
    assert plain.format == "csv" and plain.source_rows.tolist() == [2, 3, 4]


def test_v1_v2_columns_alone_are_not_taken_for_qualtrics_legacy(tmp_path):
    raw = read(write_text(tmp_path, "v.csv", ["V1,V2,V3", "1,2,3", "4,5,6"]))
    assert raw.format == "csv" and len(raw.frame) == 2


# ------------------------------------------------------------------ Excel

def test_xlsx_title_rows_first_sheet_native_values(tmp_path):
    raw = read(workbook(tmp_path))
    assert (raw.format, raw.sheet, raw.skip_rows, raw.encoding, raw.delimiter) == ("xlsx", "Kunder", 3, None, None)
    assert list(raw.frame.columns) == ["Respondent", "Enhet", "Personalen gör det lilla extra", "Nöjdhet",
                                       "Postnummer"]
    assert raw.source_rows.tolist() == [5, 6, 7]
    assert list(raw.frame["Respondent"]) == [1, 2, 3] and isinstance(cell(raw, "Respondent", 0), int)
    assert cell(raw, "Nöjdhet", 0) == 4.5 and cell(raw, "Nöjdhet", 1) == "4,5"  # number stored as text
    assert cell(raw, "Postnummer", 0) == "00123"
    assert cell(raw, "Personalen gör det lilla extra", 0) == "Instämmer helt"
    assert pd.isna(cell(raw, "Personalen gör det lilla extra", 2)) and pd.isna(cell(raw, "Postnummer", 2))


@pytest.mark.parametrize("sheet", ["Personal", 1])
def test_xlsx_sheet_by_name_or_index(tmp_path, sheet):
    raw = read(workbook(tmp_path), sheet=sheet)
    assert raw.sheet == "Personal" and raw.skip_rows == 0
    assert list(raw.frame.columns) == ["Id", "Avdelning", "Vi gör det lilla extra"]
    assert raw.source_rows.tolist() == [2] and cell(raw, "Avdelning", 0) == "Kundtjänst"


def test_xlsx_given_skip_rows_and_decimal_sniff(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Titel", "med", "tre celler"])
    book.active.append(["id", "betyg", "svar"])
    for row in (["a", "4,5", "Instämmer"], ["b", "3,5", "Vet ej"]):
        book.active.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    raw = read(path, skip_rows=1)
    assert list(raw.frame.columns) == ["id", "betyg", "svar"] and raw.decimal == ","
    assert raw.source_rows.tolist() == [3, 4]


def test_xlsx_unnamed_empty_column_dropped_and_empty_rows_noted(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", None, "svar"])
    sheet.append([1, None, "Instämmer"])
    sheet.append([])
    sheet.append([2, None, "Vet ej"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    raw = read(path)
    assert list(raw.frame.columns) == ["id", "svar"] and raw.source_rows.tolist() == [2, 4]
    assert raw.notes == ["1 empty row(s) left out (rows 3)"]


def test_format_from_content_for_unknown_extension(tmp_path):
    path = workbook(tmp_path)
    odd = tmp_path / "kunder.export"
    odd.write_bytes(path.read_bytes())
    assert read(odd).format == "xlsx"


# ------------------------------------------------------------------ SPSS

def test_sav_codes_labels_and_user_missing(tmp_path):
    raw = read(sav_file(tmp_path), side="employee")
    assert (raw.format, raw.encoding, raw.delimiter, raw.decimal, raw.sheet) == ("sav", None, None, ".", None)
    assert list(raw.frame.columns) == ["id", "q1", "q2", "enhet"]
    assert raw.frame["q1"].tolist()[:3] == [1.0, 5.0, 9.0] and pd.isna(cell(raw, "q1", 3))
    assert raw.frame["q2"].tolist() == [2.0, 4.0, 99.0, 7.0]  # user-missing codes kept as codes
    assert raw.value_labels["q1"] == {1.0: "Instämmer inte alls", 5.0: "Instämmer helt", 9.0: "Vet ej"}
    assert raw.value_labels["q2"] == {99.0: "Vill ej svara"}
    assert raw.user_missing == {"q1": [9.0], "q2": [99.0]}
    assert raw.column_labels == {"q1": "Vi gör det lilla extra för våra kunder", "enhet": "Enhet"}
    assert cell(raw, "enhet", 1) == "Malmö" and pd.isna(cell(raw, "enhet", 2))
    assert raw.source_rows.tolist() == [1, 2, 3, 4]


def test_zsav(tmp_path):
    raw = read(sav_file(tmp_path, "personal.zsav", compress=True))
    assert raw.format == "sav" and raw.frame["q1"].tolist()[:3] == [1.0, 5.0, 9.0]


# ------------------------------------------------------------------ malformed input: one test each

def test_missing_file(tmp_path):
    path = tmp_path / "saknas.csv"
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "does not exist", "path:", "params/<client>.yaml")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputFileError) as excinfo:
        read(tmp_path)
    assert_error(excinfo, tmp_path, "is a folder")


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "tom.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as excinfo:
        read(path, side="employee")
    assert_error(excinfo, path, "employee survey file is empty")


def test_header_only(tmp_path):
    path = write_text(tmp_path, "h.csv", ["", "id;svar;betyg"])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "no data rows", row=2)


def test_header_and_empty_rows_only(tmp_path):
    path = write_text(tmp_path, "h.csv", ["id;svar;betyg", ";;", ";;"])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "only empty rows", row=1)


def test_qualtrics_header_rows_only(tmp_path):
    path = write_text(tmp_path, "q.csv", ["ResponseId,Q1", "Svars-ID,Fråga",
                                          '{"ImportId":"_recordId"},{"ImportId":"QID1"}'])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "no data rows", row=3)


def test_xlsx_header_only(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "svar"])
    path = tmp_path / "h.xlsx"
    book.save(path)
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "no data rows", row=1)


def test_excel_file_named_csv(tmp_path):
    path = tmp_path / "kunder.csv"
    path.write_bytes(workbook(tmp_path).read_bytes())
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "Excel", "format: xlsx")


def test_sav_file_named_csv(tmp_path):
    path = tmp_path / "personal.csv"
    path.write_bytes(sav_file(tmp_path).read_bytes())
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "SPSS", "format: sav")


def test_binary_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"id,svar\n\x00\x01\x02\x03\xff\xfe\x00")
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "binary")


def test_old_xls_workbook(tmp_path):
    path = tmp_path / "kunder.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, ".xls", "save it as .xlsx")


def test_row_with_more_fields_than_header(tmp_path):
    path = write_text(tmp_path, "k.csv", ["id,enhet,svar", "1,Malmö,Instämmer", "2,Göteborg, Hisingen,Vet ej",
                                          "3,Umeå,Instämmer"])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "4 fields but the header has 3", "unquoted comma", "quotes", "delimiter:",
                 row=3)
    assert excinfo.value.value == "Vet ej"


def test_row_with_more_fields_after_a_multiline_field(tmp_path):
    path = write_text(tmp_path, "k.csv", ["id;kommentar", '1;"två', 'rader"', "2;a;b"])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "semicolon", row=4)


@pytest.mark.parametrize("header, names", [
    ("id;svar;svar ;enhet", ["id", "svar [1]", "svar [2]", "enhet"]),
    ("id;svar;Svar;svar", ["id", "svar [1]", "Svar", "svar [2]"]),
])
def test_duplicate_header_names_are_numbered_and_noted(tmp_path, header, names):
    raw = read(write_text(tmp_path, "k.csv", [header, "1;2;3;4"]))
    assert list(raw.frame.columns) == names and raw.duplicate_columns == {"svar": ["svar [1]", "svar [2]"]}
    assert raw.notes == ["the header repeats column name(s) 'svar' ('svar [1]', 'svar [2]'); the repeats are "
                         "numbered and only an error if the params use them"]


def test_duplicate_header_names_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "Nöjdhet", "Nöjdhet"])
    book.active.append([1, 4, 5])
    path = tmp_path / "d.xlsx"
    book.save(path)
    raw = read(path)
    assert list(raw.frame.columns) == ["id", "Nöjdhet [1]", "Nöjdhet [2]"] and "'Nöjdhet'" in raw.notes[0]


def test_blank_header_cell_over_data_is_left_out_with_a_note(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", ["id;;enhet", "1;;Malmö", "2;x;Umeå"]))
    assert list(raw.frame.columns) == ["id", "enhet"]
    assert raw.notes == ["column 2 has data but no name in the header row (a blank or merged header cell?): "
                         "left out (first value 'x' in row 3)"]


def test_blank_header_column_without_data_is_dropped(tmp_path):
    raw = read(write_text(tmp_path, "k.csv", ["id;;enhet;", "1;;Malmö;", "2;;Umeå;"]))
    assert list(raw.frame.columns) == ["id", "enhet"]


def test_merged_header_cells_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Enhet", "Fråga 1", None, "Fråga 2", None])
    sheet.append([None, "Medelvärde", "Antal", "Medelvärde", "Antal"])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    sheet.merge_cells("A1:A2")
    sheet.append(["Malmö", 4.1, 20, 3.9, 18])
    path = tmp_path / "m.xlsx"
    book.save(path)
    raw = read(path)
    assert list(raw.frame.columns) == ["Enhet", "Fråga 1", "Fråga 2"]
    assert "column C has data but no name in the header row (a blank or merged header cell?): left out " \
           "(first value 'Antal' in row 2)" in raw.notes
    lower = read(path, skip_rows=1)
    assert "'Antal', 'Medelvärde'" not in lower.notes[0] and "'Antal' ('Antal [1]', 'Antal [2]')" in lower.notes[0]
    assert "span several rows" in lower.notes[0]


def test_unknown_sheet(tmp_path):
    path = workbook(tmp_path)
    for wanted in ("Kund", 5):
        with pytest.raises(InputFileError) as excinfo:
            read(path, sheet=wanted)
        assert_error(excinfo, path, f"no sheet {wanted!r}", "'Kunder', 'Personal'", "sheet:")


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(workbook(tmp_path).read_bytes()[:600])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "cannot be opened as an Excel workbook", "save it again")


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "inte.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hej")
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "cannot be opened as an Excel workbook")


def test_text_file_given_as_xlsx(tmp_path):
    path = swedish_cp1252(tmp_path)
    with pytest.raises(InputFileError) as excinfo:
        read(path, format="xlsx")
    assert_error(excinfo, path, "should be an Excel .xlsx workbook but is a text file", "format:")


def test_corrupt_sav(tmp_path):
    path = tmp_path / "trasig.sav"
    path.write_bytes(sav_file(tmp_path).read_bytes()[:200])
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "cannot be read as an SPSS file")


def test_text_file_named_sav(tmp_path):
    path = tmp_path / "personal.sav"
    path.write_bytes(b"id;svar\n1;2\n")
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "should be an SPSS .sav file but is a text file")


def test_undecodable_bytes_in_given_encoding(tmp_path):
    path = swedish_cp1252(tmp_path)
    with pytest.raises(InputFileError) as excinfo:
        read(path, encoding="utf-8")
    msg = assert_error(excinfo, path, "cannot be decoded as utf-8", "encoding:", row=1)
    assert excinfo.value.value == b"\xf6" and "b'\\xf6'" in msg  # the ö of "gör" in the header


def test_undecodable_in_utf8_and_cp1252(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(b"id;svar\n1;ok\n2;\x81\x8d\n")
    with pytest.raises(InputFileError) as excinfo:
        read(path)
    assert_error(excinfo, path, "UTF-8 or Windows-1252", row=3)


def test_unknown_encoding_name(tmp_path):
    path = swedish_cp1252(tmp_path)
    with pytest.raises(InputFileError) as excinfo:
        read(path, encoding="svenska-8")
    assert_error(excinfo, path, "unknown text encoding 'svenska-8'")


def test_files_are_never_modified(tmp_path):
    paths = [swedish_cp1252(tmp_path), skolverket_like(tmp_path), qualtrics_export(tmp_path),
             workbook(tmp_path), sav_file(tmp_path)]
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths}
    for p in paths:
        read(p)
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths} == before
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(p.name for p in paths)


# ------------------------------------------------------------------ sniffing helpers

def test_decode_prefers_strict_utf8_then_cp1252():
    text = "Instämmer helt; Åsa Öberg"
    assert decode_to_utf8(text.encode("utf-8"), None) == (text.encode("utf-8"), "utf-8")
    assert decode_to_utf8(text.encode("cp1252"), None) == (text.encode("utf-8"), "cp1252")
    # a generic detector would call this cp1250 and turn å into ĺ
    assert "ĺ" not in decode_to_utf8("Skåne län".encode("cp1252"), None)[0].decode("utf-8")


@pytest.mark.parametrize("counts, expected", [
    ([1, 1, 0, 5, 4, 5], 3),      # two title rows, a blank row, the header
    ([5, 3, 5], 0),
    ([1, 0, 0], 0),
    ([0, 0], None),
    ([1, 5], 1),                  # header last: nothing below it, still the header
])
def test_header_index(counts, expected):
    assert header_index(counts) == expected


@pytest.mark.parametrize("cells, delimiter, expected", [
    (["4,5", "3", "1 234,5"], ";", ","),
    (["4.5", "4,5", "3.25"], ";", "."),
    (["4,5"], ",", "."),
    (["Instämmer", "1", None, 2.5], ";", "."),
])
def test_sniff_decimal(cells, delimiter, expected):
    assert sniff_decimal(cells, delimiter) == expected
