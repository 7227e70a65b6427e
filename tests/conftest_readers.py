"""Builders of small survey files for the reader tests (imported by tests/test_readers*.py).

Every builder writes into a folder it is given (a pytest tmp_path) and returns the file's path, so the
tests can assert exact values against what was written here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mirrorgap.config.params import InputFile
from mirrorgap.read.readers import RawSurvey, read_survey


def read(path: Path, side: str = "customer", **spec) -> RawSurvey:
    """read_survey on an absolute path with optional InputFile fields."""
    return read_survey(InputFile(path=str(path), **spec), side=side)


def error_of(path: Path, **spec):
    """The InputFileError that reading `path` raises; it names the file and has a fix, no traceback."""
    import pytest

    from mirrorgap.errors import InputFileError

    with pytest.raises(InputFileError) as info:
        read(path, **spec)
    err = info.value
    assert str(path) in str(err) and err.fix and "Traceback" not in str(err)
    return err


def write_text(folder: Path, name: str, lines: list[str], *, encoding: str = "utf-8",
               newline: str = "\n", bom: bool = False, final_newline: bool = True) -> Path:
    """Write `lines` joined by `newline` in `encoding` (optionally with a UTF-8 BOM)."""
    text = newline.join(lines) + (newline if final_newline else "")
    data = text.encode(encoding)
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


# The Nordic Excel export: cp1252, ';' delimiter, decimal commas, Swedish labels.
SWEDISH_ROWS = [
    "Respondent;Enhet;Personalen gör det lilla extra;Nöjdhet;Kommentar",
    "1;Göteborg;Instämmer helt;4,5;Bra bemötande",
    "2;Malmö;Instämmer inte alls;3,0;",
    "3;Umeå;Varken eller;;Åtgärda kön, snälla",
    "4;Örebro;Vet ej;2,5;Ärligt talat: ÅÄÖ åäö",
]


def swedish_cp1252(folder: Path, name: str = "kunder.csv") -> Path:
    """A Swedish Excel-style CSV in Windows-1252 with CRLF line ends."""
    return write_text(folder, name, SWEDISH_ROWS, encoding="cp1252", newline="\r\n")


def skolverket_like(folder: Path) -> Path:
    """UTF-8 with BOM, a text preamble, ';', decimal commas, '..'/'.' markers, trailing ';', a footer."""
    return write_text(folder, "skolor.csv", [
        "Statistik från Skolverket, https://www.skolverket.se",
        "",
        "Grundskolan - Antal elever per årskurs",
        "Valt läsår: 2023/24",
        "",
        "Skola;Kommun;Elever, åk 1-9;Andel (%) flickor, åk 1-9;",
        "Ahlafors Fria skola;Ale;261;47,5;",
        "Alboskolan;Ale;195;..;",
        "Älvängens skola;Ale;.;52,1;",
        "",
        "Rapportbeskrivning och definitioner etc.",
        " ",
        "Två prickar (..) visas i stället för utfall.",
    ], bom=True)


def qualtrics_export(folder: Path, *, quote: str = '"', name: str = "qualtrics.csv") -> Path:
    """A Qualtrics export with 3 header rows (ids, question texts, ImportId JSON)."""
    def import_id(qid: str) -> str:
        if quote == '"':
            return '"{""ImportId"":""%s""}"' % qid
        return "{'ImportId': '%s'}" % qid
    return write_text(folder, name, [
        "StartDate,ResponseId,Q1,Q2_1,Q3",
        'Startdatum,Svars-ID,Hur nöjd är du?,"Personalen gör det lilla extra - Håller med",Kommentar',
        ",".join(import_id(q) for q in ["startDate", "_recordId", "QID1", "QID2_1", "QID3_TEXT"]),
        '2024-03-01 10:00:00,R_1,5,Instämmer helt,"Bra, tack"',
        "2024-03-01 10:05:00,R_2,-1,Vet ej,",
    ])


def qualtrics_legacy(folder: Path) -> Path:
    """The older Qualtrics layout: V1..V10 ids over a row of names / question texts, UTF-8 BOM."""
    ids = [f"V{i}" for i in range(1, 11)] + ["Q1", "Q2", ""]
    texts = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress",
             "Status", "StartDate", "EndDate", "Finished", "Hur nöjd är du?", "Kommentar", ""]
    data = ["R_1", "Default Response Set", "Anonymous", "", "", "", "0", "2016-05-27 10:45:04",
            "2016-05-27 10:45:05", "1", "4", "Jättebra", ""]
    return write_text(folder, "legacy.csv", [",".join(ids), ",".join(texts), ",".join(data)], bom=True)


def workbook(folder: Path, name: str = "kunder.xlsx") -> Path:
    """Two sheets: 'Kunder' with 2 title rows, a blank row, the header in row 4; 'Personal' plain."""
    from openpyxl import Workbook

    book = Workbook()
    kunder = book.active
    kunder.title = "Kunder"
    kunder["A1"] = "Kundundersökning 2024"
    kunder["A2"] = "Export från CRM, 2024-03-01"
    kunder.append([])
    kunder.append(["Respondent", "Enhet", "Personalen gör det lilla extra", "Nöjdhet", "Postnummer"])
    kunder.append([1, "Göteborg", "Instämmer helt", 4.5, "00123"])
    kunder.append([2, "Malmö", "Instämmer inte alls", "4,5", "41101"])
    kunder.append([3, "Umeå", None, 3, None])
    personal = book.create_sheet("Personal")
    personal.append(["Id", "Avdelning", "Vi gör det lilla extra"])
    personal.append(["E1", "Kundtjänst", "Instämmer"])
    path = folder / name
    book.save(path)
    return path


def sav_file(folder: Path, name: str = "personal.sav", **write_kw) -> Path:
    """An SPSS file with codes, Swedish value labels, user-missing 9 and the range 90-99."""
    import pyreadstat

    frame = pd.DataFrame({
        "id": [1.0, 2.0, 3.0, 4.0],
        "q1": [1.0, 5.0, 9.0, np.nan],
        "q2": [2.0, 4.0, 99.0, 7.0],
        "enhet": ["Göteborg", "Malmö", "", "Umeå"],
    })
    path = folder / name
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={"q1": "Vi gör det lilla extra för våra kunder", "enhet": "Enhet"},
        variable_value_labels={"q1": {1.0: "Instämmer inte alls", 5.0: "Instämmer helt", 9.0: "Vet ej"},
                               "q2": {99.0: "Vill ej svara"}},
        missing_ranges={"q1": [9], "q2": [{"lo": 90, "hi": 99}]},
        **write_kw)
    return path
