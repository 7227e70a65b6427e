"""Nothing vanishes while a CSV is parsed: every record the file holds is a survey row, a line in the
quality ledger, or an error that names the file and the row — with each of the three parsers."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest_readers import error_of, read, write_text
from helpers import engagement
from mirrorgap.read import readers
from mirrorgap.read.recode import clean_side

PARSERS = ["pyarrow", "pandas C", "csv module"]


@pytest.fixture(params=PARSERS)
def parser(request, monkeypatch):
    """Run the test with the fast parser, or with the careful ones forced."""
    if request.param != "pyarrow":
        monkeypatch.setattr(readers, "_parse_fast", lambda *a: None)
    if request.param == "csv module":
        monkeypatch.setattr(readers, "_parse_ragged", lambda *a: None)
    return request.param


def test_short_rows_are_kept_and_listed_in_the_ledger(tmp_path, parser):
    raw = read(write_text(tmp_path, "k.csv", ["id;a;b", "1;x;y", "2;x", "3;x;y", "4", "5;x;y"]))
    assert raw.source_rows.tolist() == [2, 3, 4, 5, 6]
    assert pd.isna(raw.frame["b"].iloc[1]) and raw.frame["id"].iloc[3] == "4"
    assert raw.notes == ["2 row(s) with fewer fields than the header (1, 2 of 3): rows 3, 5; their missing "
                         "last fields read as blank"]


def test_rows_with_a_trailing_delimiter_are_not_short(tmp_path, parser):
    raw = read(write_text(tmp_path, "k.csv", ["id;a;b;", "1;x;y;", "2;;;", "3;x;y;"]))
    assert raw.notes == [] and raw.frame.shape == (3, 3)


def test_a_truncated_last_record_is_an_error(tmp_path, parser):
    path = write_text(tmp_path, "k.csv", ["id;a;b", "1;x;10", "2;x;9", "3;Instämm"], final_newline=False)
    err = error_of(path)
    assert err.row == 4 and err.value == "Instämm" and "ends in the middle of row 4" in str(err)
    assert "ask for the file again" in err.fix


def test_a_short_last_row_with_a_line_end_is_only_short(tmp_path, parser):
    raw = read(write_text(tmp_path, "k.csv", ["id;a;b", "1;x;10", "2;x"]))
    assert raw.source_rows.tolist() == [2, 3] and "rows 3" not in raw.notes[0] and "row 3" in raw.notes[0]


@pytest.mark.parametrize("lines, swallowed", [
    (["id;produkt;betyg", '1;"Skärm 24;5', "2;Mus;4", "3;Tangentbord;3", '4;Kabel";2', "5;Dator;1"],
     "'2;Mus;4'"),
    # one record swallowed, closed in the next line: the merged record has all its fields
    (["id;produkt;betyg", '1;"Skärm 24;5', '2;Mus";4', "3;Dator;1"], "'2;Mus'"),
])
def test_a_quote_that_swallows_whole_records_is_an_error(tmp_path, parser, lines, swallowed):
    err = error_of(write_text(tmp_path, "k.csv", lines))
    assert err.row == 2 and err.column == "produkt" and swallowed in str(err) and "inch mark" in str(err)


def test_inch_marks_inside_a_field_and_real_multiline_comments_are_fine(tmp_path, parser):
    raw = read(write_text(tmp_path, "k.csv", [
        "id;kommentar;betyg",
        '1;Skärm 24" bra;5',
        '2;"Bra service; snabbt.',
        'Dyrt; men värt det; tack";4',
        '3;"Rad ett',
        '12 tum; 24 tum";3',
        "4;Skärm 27\" sämre;2",
    ]))
    assert raw.source_rows.tolist() == [2, 3, 5, 7]
    assert raw.frame["kommentar"].tolist() == ['Skärm 24" bra', "Bra service; snabbt.\nDyrt; men värt det; tack",
                                               "Rad ett\n12 tum; 24 tum", 'Skärm 27" sämre']


@pytest.mark.parametrize("lines, row, spans", [
    (["id;a;b", "1;x;y", '2;"x;y', "3;x;y"], 3, "rows 3–4 would read as one answer"),
    (["id;a", "1;x", '2;"x;y'], 3, "the row is cut off"),
])
def test_a_file_that_ends_inside_a_quote_is_an_error(tmp_path, parser, lines, row, spans):
    err = error_of(write_text(tmp_path, "k.csv", lines))
    assert err.row == row and "never closed" in str(err) and spans in str(err)


def test_mixed_delimiters_are_an_error_naming_the_rows(tmp_path, parser):
    lines = ["id;enhet;svar", "1;Malmö;Instämmer", "2;Umeå;Vet ej", "3,Luleå,Instämmer", "4,Kiruna,Vet ej",
             "5;Lund;Instämmer"]
    err = error_of(write_text(tmp_path, "k.csv", lines))
    assert err.row == 4 and err.value == "3,Luleå,Instämmer"
    assert "separated by commas while the header and the rows above use semicolons (rows 4, 5)" in str(err)


def test_a_line_break_in_an_unquoted_field_is_an_error(tmp_path, parser):
    lines = ["id;kommentar;betyg;enhet", "1;Bra;5;Malmö", "2;Bra men", "dyrt;4;Umeå", "3;Ok;3;Lund"]
    err = error_of(write_text(tmp_path, "k.csv", lines))
    assert err.row == 3 and "rows 3 and 4 look like one row broken in two" in str(err)


def test_rows_in_equal_rows_used_plus_rows_in_the_ledger(tmp_path, parser):
    """A messy but readable file: every record is a used row, an excluded row or a reader note."""
    lines = ["Kundundersökning 2025", "", "id;unit;wave;seg;c1;c2;nps",
             "a;Malmö;2025;Privat;Instämmer;Instämmer;9",
             "b;Malmö;2025;Privat;Instämmer",                       # short: padded, noted
             ";;;;;;",                                               # empty: noted
             "a;Malmö;2025;Privat;Instämmer;Instämmer;9",            # repeated id: excluded
             "c;Umeå;2025;Privat;;;",                                # nothing answered: excluded
             '"d";Umeå;2025;Privat;"Instämmer";"Vet ej";"10"',
             "", "Export: 2025-03-01"]                               # footer: noted
    raw = read(write_text(tmp_path, "k.csv", lines))
    clean = clean_side(raw, engagement(), "customer")
    led = clean.ledger
    data_records = 6
    noted = 1 + 1 + 1  # short (kept), empty, footer
    assert len(raw.notes) == noted
    assert led.rows_in == 5 and led.rows_used == 3 and len(led.excluded) == 2
    assert led.rows_in + 1 == data_records  # the empty row is the one record that is not a row
    assert sorted(e["row"] for e in led.excluded) == [7, 8]
