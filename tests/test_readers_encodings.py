"""Encodings that decode without an error and still give the wrong text, and the bad byte shown as it is."""
from __future__ import annotations

import pickle

import pytest

from conftest_readers import SWEDISH_ROWS, error_of, read, write_text
from mirrorgap.errors import EncodingMismatch

DASHES = ["id;enhet;kommentar", "1;Malmö;Bra – men dyrt", "2;Umeå;”Toppen”", "3;Luleå;ok"]


@pytest.mark.parametrize("declared", ["latin-1", "iso-8859-1", "ISO8859-15"])
def test_declared_latin1_on_a_cp1252_file_with_dashes_and_quotes(tmp_path, declared):
    path = write_text(tmp_path, "k.csv", DASHES, encoding="cp1252")
    err = error_of(path, encoding=declared)
    assert err.row == 2 and err.value == b"\x96" and "'–'" in str(err)
    assert "set `encoding: cp1252`" in err.fix
    assert read(path, encoding="cp1252").frame["kommentar"].tolist()[:2] == ["Bra – men dyrt", "”Toppen”"]


def test_declared_latin1_without_those_bytes_is_fine(tmp_path):
    path = write_text(tmp_path, "k.csv", SWEDISH_ROWS, encoding="cp1252")
    assert read(path, encoding="latin-1").frame["Enhet"].tolist()[-1] == "Örebro"


def test_a_utf8_bom_over_a_cp1252_body(tmp_path):
    path = write_text(tmp_path, "k.csv", DASHES, encoding="cp1252", bom=True)
    err = error_of(path)
    assert "byte-order mark" in str(err) and "set `encoding: cp1252`" in err.fix
    assert err.row == 2 and err.value == "ö".encode("cp1252")  # the real byte, not one three bytes earlier
    raw = read(path, encoding="cp1252")
    assert raw.frame.columns[0] == "id" and raw.frame["enhet"].tolist() == ["Malmö", "Umeå", "Luleå"]


def test_the_bad_byte_is_the_real_one_when_utf8_is_declared_over_a_bom(tmp_path):
    path = write_text(tmp_path, "k.csv", DASHES, encoding="cp1252", bom=True)
    err = error_of(path, encoding="utf-8")
    raw = path.read_bytes()
    assert err.value == b"\xf6" and raw.index(b"\xf6") == raw.index(b"Malm") + 4 and err.row == 2


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(tmp_path, order):
    path = tmp_path / "k.txt"
    path.write_bytes("\r\n".join(r.replace(";", "\t") for r in SWEDISH_ROWS).encode(order))
    err = error_of(path)
    assert "UTF-16 text without a byte-order mark" in str(err) and f"set `encoding: {order}`" in err.fix
    for declared in (order, "utf-16"):
        raw = read(path, encoding=declared)
        assert raw.delimiter == "\t" and raw.frame["Enhet"].tolist() == ["Göteborg", "Malmö", "Umeå", "Örebro"]


@pytest.mark.parametrize("encoding, lines, suggested", [
    ("cp949", ["id;지점;답변;코멘트", "1;서울;매우 그렇다;직원이 친절했습니다", "2;부산;그렇다;대기 시간이 길었어요",
               "3;대구;보통;가격이 비쌉니다", "4;인천;전혀 그렇지 않다;다시는 안 갑니다"], "cp949"),
    ("cp1251", ["id;филиал;ответ;комментарий", "1;Москва;Полностью согласен;Персонал был дружелюбным",
                "2;Казань;Согласен;Долго ждали", "3;Самара;Не согласен;Слишком дорого"], "cp1251"),
])
def test_a_non_nordic_code_page_read_as_cp1252_is_caught(tmp_path, encoding, lines, suggested):
    path = write_text(tmp_path, "k.csv", lines, encoding=encoding)
    path.read_bytes().decode("cp1252")  # decodes without a single error: only the text shows it is wrong
    err = error_of(path)
    assert "reads as nonsense in cp1252" in str(err) and f"set `encoding: {suggested}`" in err.fix
    assert err.row == 1
    declared = error_of(path, encoding="cp1252")
    assert f"set `encoding: {suggested}`" in declared.fix
    assert read(path, encoding=suggested).frame.iloc[0, 1] == lines[1].split(";")[1]


def test_a_file_that_cp1252_cannot_decode_gets_a_suggestion(tmp_path):
    lines = ["id;店舗;回答", "1;東京;とてもそう思う", "2;大阪;そう思う", "3;名古屋;どちらでもない"]
    path = write_text(tmp_path, "k.csv", lines, encoding="shift_jis")
    err = error_of(path)
    assert "cannot be decoded as UTF-8 or Windows-1252" in str(err)
    assert "set `encoding: cp932`" in err.fix or "set `encoding: shift_jis`" in err.fix


def test_nordic_text_with_letters_side_by_side_is_not_nonsense(tmp_path):
    lines = ["Kunde;Afdeling;Svar", "1;Århus;Helt enig", "2;Ærø;Hverken enig eller uenig", "3;Køge;ÅÄÖ åäö ÆØ",
             "4;Næstved;Søren Løkke – blåbærgrød"]
    raw = read(write_text(tmp_path, "k.csv", lines, encoding="cp1252"))
    assert raw.encoding == "cp1252" and raw.frame["Afdeling"].tolist()[1] == "Ærø"


def test_encoding_mismatch_survives_pickling():
    err = EncodingMismatch("x", offset=3, length=1, tried="cp1252", suggestion="cp949")
    back = pickle.loads(pickle.dumps(err))
    assert (back.reason, back.offset, back.suggestion) == ("x", 3, "cp949")
