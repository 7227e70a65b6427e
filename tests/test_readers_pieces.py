"""The fast CSV parser cuts a big body into pieces, parsed on all cores: the cuts fall only where a record
starts, and the rows, their file line numbers, the notes, the ledger and the errors are those of the
careful parser (Python's csv module, row by row), wherever the cuts fall."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest_readers import error_of, read, write_text
from helpers import engagement
from mirrorgap.errors import InputFileError
from mirrorgap.read import fast_csv, readers, sniff
from mirrorgap.read.recode import clean_side

# Multi-line quoted comments shift file lines against record numbers; blank lines, a doubled quote, a
# quoted delimiter, a decimal comma and cp1252 letters sit on either side of wherever a cut can fall.
LINES = ["id;unit;wave;seg;c1;c2;nps;kommentar",
         'a;Malmö;2025;Privat;Instämmer;Instämmer;9;"rad ett',
         'rad två"',
         "b;Umeå;2025;Företag;Instämmer helt;Vet ej;4,5;",
         "",
         'c;Malmö;2025;Privat;Delvis;Instämmer;10;"x;""y"""',
         'd;Lund;2025;Privat;Instämmer inte;;7;"tre',
         "",
         'rader"',
         "e;Umeå;2025;Företag;;Instämmer;8;Åsa",
         "f;Lund;2025;Privat;Instämmer;Instämmer helt;6;ok"]
LINE_OF = {"a": 2, "b": 4, "c": 6, "d": 7, "e": 10, "f": 11}  # the file line each respondent starts on


@pytest.fixture
def in_pieces(monkeypatch):
    """Parse with the fast parser cut into (at most) k pieces whatever the size; returns a function that
    sets k and returns a list that records, per parse, the pieces used and whether they parsed."""
    used, state = [], {"k": 1}
    real_pieces, real_parse = fast_csv.pieces, fast_csv.parse

    def parse(*args):
        columns = real_parse(*args)
        used[-1] = (used[-1], columns is not None)
        return columns

    def pieces(starts, size, wanted):
        used.append(len(real_pieces(starts, size, state["k"])))
        return real_pieces(starts, size, state["k"])

    monkeypatch.setattr(fast_csv, "MIN_PIECE_BYTES", 1)
    monkeypatch.setattr(fast_csv, "pieces", pieces)
    monkeypatch.setattr(fast_csv, "parse", parse)
    return lambda k: state.update(k=k) or used


def careful(path, monkeypatch, **spec):
    """The file as the csv module reads it, record by record (the reference)."""
    with monkeypatch.context() as m:
        m.setattr(readers, "_parse_fast", lambda *a: None)
        m.setattr(readers, "_parse_ragged", lambda *a: None)
        return read(path, **spec)


def test_cuts_fall_only_where_records_start(monkeypatch):
    monkeypatch.setattr(fast_csv, "MIN_PIECE_BYTES", 1)
    body = ("\n".join(LINES[1:]) + "\n").encode("cp1252")
    starts, lines, multiline = sniff.record_starts(body, 2)
    assert multiline and lines.tolist() == [LINE_OF[k] for k in "abcdef"]
    inside_quotes = {body.index(b"rad tv"), body.index(b"\n\nrader") + 1, body.index(b"rader")}
    for k in range(1, 8):
        cuts = fast_csv.pieces(starts, len(body), k)
        assert cuts[0][0] == 0 and cuts[-1][1] == len(body) and len(cuts) == min(k, starts.size)
        assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:]))  # no byte lost, none read twice
        assert all(lo in starts.tolist() for lo, _, _ in cuts[1:])
        assert not {lo for lo, _, _ in cuts} & inside_quotes
        assert sum(n for _, _, n in cuts) == starts.size


@pytest.mark.parametrize("k", [2, 3, 6])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_file_read_in_pieces_is_the_file_read_row_by_row(tmp_path, monkeypatch, in_pieces, k, newline):
    path = write_text(tmp_path, "k.csv", LINES, encoding="cp1252", newline=newline)
    used = in_pieces(k)
    got, want = read(path), careful(path, monkeypatch)
    assert used == [(k, True)]  # the fast parser read it, in k pieces
    pd.testing.assert_frame_equal(got.frame, want.frame, check_dtype=False, check_categorical=False)
    assert got.source_rows.tolist() == [LINE_OF[k] for k in "abcdef"] == want.source_rows.tolist()
    assert got.notes == want.notes == [] and got.encoding == "cp1252" and got.decimal == ","
    assert got.frame["kommentar"].iloc[3] == f"tre{newline}{newline}rader"
    assert got.frame["nps"].iloc[1] == "4,5" and got.frame["unit"].iloc[4] == "Umeå"


@pytest.mark.parametrize("k", [2, 4])
def test_rows_left_out_in_a_later_piece_name_their_file_line(tmp_path, in_pieces, k):
    """The ledger names the true file line of a row left out near the end (after multi-line cells)."""
    lines = LINES + ["a;Malmö;2025;Privat;Instämmer;Instämmer;9;igen",  # line 12: repeats a (line 2)
                     "g;Lund;2025;Privat;;;5;inget svar"]              # line 13: no item answered
    used = in_pieces(k)
    clean = clean_side(read(write_text(tmp_path, "k.csv", lines)), engagement(), "customer")
    assert used == [(k, True)]
    excluded = {e["row"]: e for e in clean.ledger.excluded}
    assert set(excluded) == {12, 13}
    assert excluded[12]["reason"] == "duplicate_respondent_id" and excluded[12]["duplicate_of"] == 2
    assert excluded[13]["reason"] == "no_item_answered"
    assert clean.frame["source_row"].tolist() == [LINE_OF[k] for k in "abcdef"]
    assert clean.ledger.rows_in == len(clean.frame) + len(clean.ledger.excluded)


def test_a_bad_wave_in_a_later_piece_names_its_file_line(tmp_path, in_pieces):
    lines = LINES + ["h;Lund;2024;Privat;Instämmer;Instämmer;5;"]  # line 12
    used = in_pieces(3)
    raw = read(write_text(tmp_path, "k.csv", lines))
    eng = engagement(analysis={"wave_order": ["2025"]})
    with pytest.raises(InputFileError) as info:
        clean_side(raw, eng, "customer")
    assert used == [(3, True)] and info.value.row == 12 and "2024" in str(info.value)


def test_a_swallowing_quote_in_a_later_piece_names_its_row(tmp_path, in_pieces):
    lines = ["id;produkt;betyg", "1;Mus;4", "2;Skärm;5", "3;Kabel;2",
             '4;"Skärm 24;5', "5;Mus;4", "6;Tangentbord;3", '7;Kabel";2', "8;Dator;1"]
    used = in_pieces(3)
    err = error_of(write_text(tmp_path, "k.csv", lines))
    assert used == [(3, True)]
    assert err.row == 5 and err.column == "produkt" and "'5;Mus;4'" in str(err)


def test_a_short_row_in_a_later_piece_is_read_by_the_careful_parser(tmp_path, monkeypatch, in_pieces):
    lines = LINES[:6] + ["x;Lund;2025"] + LINES[6:]  # line 7 is short
    path = write_text(tmp_path, "k.csv", lines)
    used = in_pieces(3)
    got, want = read(path), careful(path, monkeypatch)
    assert used == [(3, False)]  # the short row stops the fast parser: the careful ones read the file
    pd.testing.assert_frame_equal(got.frame, want.frame, check_dtype=False, check_categorical=False)
    assert got.source_rows.tolist() == want.source_rows.tolist() == [2, 4, 6, 7, 8, 11, 12]
    assert got.notes == want.notes and "row 7" in got.notes[0]
