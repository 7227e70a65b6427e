"""UTF-8 is checked in pieces; a failure still reports the true offset of the first bad byte."""
import pytest

from mirrorgap.read.encoding import _checked_utf8, decode_to_utf8


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 7, 64])
def test_bad_byte_offset_is_exact_whatever_the_piece_size(chunk):
    data = "åäö".encode() + b"ab\xe5cd" + "ö".encode()
    with pytest.raises(UnicodeDecodeError) as info:
        _checked_utf8(data, chunk=chunk)
    assert info.value.start == data.index(b"\xe5")


@pytest.mark.parametrize("chunk", [1, 2, 3, 64])
def test_multibyte_characters_split_across_pieces_are_fine(chunk):
    data = "Instämmer helt; Vet ej; Ørsted; Æble".encode() * 3
    assert _checked_utf8(data, chunk=chunk) is data


def test_cp1252_falls_back_and_names_it():
    data, encoding = decode_to_utf8("Anläggning;Våg\r\nÖrebro;2025\r\n".encode("cp1252"), None)
    assert encoding == "cp1252" and data.decode("utf-8").startswith("Anläggning;Våg")
