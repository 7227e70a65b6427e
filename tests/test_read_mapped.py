"""A big file read through a memory map reads exactly as its bytes do: the same frame, rows, notes and
errors (`read/mapped.py`)."""
import numpy as np
import pandas as pd
import pytest

from mirrorgap.config.params import InputFile
from mirrorgap.errors import InputFileError
from mirrorgap.read import mapped
from mirrorgap.read.readers import read_survey

SV = "Respondent;Våg;Fråga 1;Kommentar\n1;2025;Instämmer helt;Bra – tack\n2;2025;Vet ej;\n3;2026;Instämmer;\"två\nrader\"\n"


def _mapped(path):
    with path.open("rb") as fh:
        return mapped.MappedFile(fh.fileno(), 0, flags=mapped.mmap.MAP_SHARED, prot=mapped.mmap.PROT_READ)


@pytest.mark.parametrize("content", [b"abc\n\ndef\r\n", b" \t\r\n", b"\xef\xbb\xbfa;b\n", b"x", b"\n\n\n"])
def test_the_bytes_methods_are_bytes(tmp_path, content):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    m = _mapped(path)
    for prefix in (b"", b"a", b"abc", b"\xef\xbb\xbf", (b"\xff\xfe", b"\xfe\xff"), (b"x", b"abc")):
        assert m.startswith(prefix) == content.startswith(prefix)
    assert m.isspace() == content.isspace()
    for start, end in ((0, None), (1, 4), (2, 100), (0, 0)):
        assert m.count(b"\n", start, end) == content.count(b"\n", start, end)
    assert (b"\n" in m) == (b"\n" in content) and (b"def" in m) == (b"def" in content)
    assert m.replace(b"\r", b"\n") == content.replace(b"\r", b"\n")
    assert m.decode("latin-1") == content.decode("latin-1")


def _read(path, monkeypatch, mapped_from, **spec):
    monkeypatch.setattr(mapped, "MAPPED_FROM", mapped_from)
    try:
        return read_survey(InputFile(path=str(path), outside_project=True, **spec), side="customer")
    except InputFileError as exc:
        return str(exc)


@pytest.mark.parametrize("name, content, spec", [
    ("cp1252", SV.encode("cp1252"), {}),
    ("utf8", SV.encode("utf-8"), {}),
    ("bom", b"\xef\xbb\xbf" + SV.encode("utf-8"), {}),
    ("bom over cp1252", b"\xef\xbb\xbf" + SV.encode("cp1252"), {}),
    ("utf16", SV.encode("utf-16"), {}),
    ("old mac", SV.replace("\n", "\r").encode("cp1252"), {}),
    ("undefined in cp1252", SV.encode("cp1252") + b"4;2026;\x81;x\n", {}),
    ("declared latin-1, is cp1252", SV.encode("cp1252").replace(b"\x96", b"\x96"), {"encoding": "latin-1"}),
    ("russian", "id;ответ\n1;Полностью согласен\n2;Скорее согласен\n".encode("cp1251") * 20, {}),
    ("blank", b" \n\r\n\t\n", {}),
    ("no rows", "Respondent;Våg\n".encode("cp1252"), {}),
])
def test_a_mapped_file_reads_as_its_bytes(tmp_path, monkeypatch, name, content, spec):
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    copied, mapped_ = _read(path, monkeypatch, 1 << 40, **spec), _read(path, monkeypatch, 1, **spec)
    if isinstance(copied, str):
        assert mapped_ == copied  # the same error, row and fix
        return
    pd.testing.assert_frame_equal(mapped_.frame, copied.frame, check_exact=True)
    np.testing.assert_array_equal(mapped_.source_rows, copied.source_rows)
    assert (mapped_.notes, mapped_.encoding, mapped_.delimiter) == (copied.notes, copied.encoding, copied.delimiter)
