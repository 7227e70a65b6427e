"""Excel workbooks as CRM systems and scripts deliver them: hidden sheets, the survey on another sheet,
formulas nobody calculated, and files called .xls that are something else."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from conftest_readers import SWEDISH_ROWS, error_of, read, workbook, write_text
from helpers import engagement
from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import clean_side

HEADER = ["id", "unit", "wave", "dept", "e1", "e2", "enps"]


def book_with(path, sheets: list[tuple[str, list[list], str]]):
    """A workbook of (title, rows, state) sheets, in that order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    book.save(path)
    return path


ANSWERS = [HEADER, [1, "Malmö", 2025, "Verkstad", 4, 2, 9], [2, "Umeå", 2025, "Verkstad", 5, 1, 10]]
LAST_YEAR = [HEADER, [1, "Malmö", 2024, "Verkstad", 1, 5, 0]]


def test_a_hidden_sheet_is_never_read_by_default(tmp_path):
    path = book_with(tmp_path / "p.xlsx", [("Förra året", LAST_YEAR, "hidden"), ("Svar", ANSWERS, "visible")])
    raw = read(path)
    assert raw.sheet == "Svar" and raw.frame["wave"].tolist() == [2025, 2025]
    assert raw.notes == ["hidden sheet(s) not read: 'Förra året'"] and raw.hidden_sheets == ["Förra året"]


def test_a_hidden_sheet_named_in_the_params_is_read_with_a_note(tmp_path):
    path = book_with(tmp_path / "p.xlsx", [("Förra året", LAST_YEAR, "veryHidden"), ("Svar", ANSWERS, "visible")])
    for wanted in ("Förra året", 0):
        raw = read(path, sheet=wanted)
        assert raw.sheet == "Förra året" and raw.frame["wave"].tolist() == [2024]
        assert "hidden in the workbook; read because `sheet:` names it" in raw.notes[0]


@pytest.mark.parametrize("state, hidden", [("visible", ""), ("hidden", " (a hidden sheet)")])
def test_columns_on_another_sheet_name_that_sheet(tmp_path, state, hidden):
    notes = [["Kundundersökning 2025"], ["Exporterad ur CRM"], ["id", "kommentar"], [1, "x"]]
    path = book_with(tmp_path / "p.xlsx", [("Info", notes, "visible"), ("Svar", ANSWERS, state)])
    with pytest.raises(InputFileError) as info:
        clean_side(read(path, side="employee"), engagement(), "employee")
    msg = str(info.value)
    assert f"are on sheet 'Svar'{hidden}" in msg and "'unit', 'wave', 'dept', 'e1', 'e2' …" in msg
    assert "set `sheet: Svar`" in info.value.fix and str(path) in msg


def _formula_book(tmp_path, cached: bool):
    book = Workbook()
    ws = book.active
    ws.title = "Svar"
    for row in ANSWERS:
        ws.append(row)
    ws["E2"] = "=2+2"       # an item answer computed by a formula
    ws["E3"] = "=F3*5"
    ws["H1"], ws["H2"], ws["H3"] = "summa", "=E2+F2", "=E3+F3"  # a column the params do not use
    path = tmp_path / "f.xlsx"
    book.save(path)
    if cached:  # as Excel saves it: each formula with its result
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<v></v>", b"<v>4</v>")
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
    return path


def test_formula_cells_without_a_saved_result_are_an_error_naming_the_cells(tmp_path):
    raw = read(_formula_book(tmp_path, cached=False), side="employee")
    assert pd.isna(raw.frame["e1"].iloc[0])  # what openpyxl gives: a blank, not 4
    assert raw.formulas_without_value == {"e1": ["E2", "E3"], "summa": ["H2", "H3"]}
    with pytest.raises(InputFileError) as info:
        clean_side(raw, engagement(), "employee")
    msg = str(info.value)
    assert "2 formula cell(s) in the employee column(s) 'e1' have no saved result" in msg and "E2, E3" in msg
    assert "column 'e1'" in msg and "calculate" in info.value.fix


def test_formula_cells_in_unused_columns_are_a_note_and_saved_results_are_read(tmp_path):
    raw = read(_formula_book(tmp_path, cached=True), side="employee")
    assert raw.frame["e1"].tolist() == [4, 4] and raw.formulas_without_value == {}
    book = Workbook()
    book.active.append(HEADER + ["summa"])
    book.active.append([1, "Malmö", 2025, "Verkstad", 4, 2, 9, "=E2+F2"])
    path = tmp_path / "u.xlsx"
    book.save(path)
    clean = clean_side(read(path, side="employee"), engagement(), "employee")
    assert "column 'summa' (not used): 1 formula cell(s) without a saved result, e.g. H2" in clean.ledger.reader_notes


def test_an_old_binary_xls_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "kunder.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    err = error_of(path)
    assert "old-style Excel .xls" in str(err) and "save it as .xlsx" in err.fix and "CSV UTF-8" in err.fix
    err = error_of(path, format="xlsx")
    assert "save it as .xlsx" in err.fix


def test_an_xls_that_is_a_web_page_is_refused(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xef\xbb\xbf  <html><body><table><tr><td>id</td></tr></table></body></html>")
    err = error_of(path)
    assert "web page or XML file" in str(err) and "CSV" in err.fix


def test_an_xls_that_is_text_or_a_renamed_xlsx_is_read(tmp_path):
    text = write_text(tmp_path, "kunder.xls", [r.replace(";", "\t") for r in SWEDISH_ROWS], encoding="cp1252")
    raw = read(text)
    assert raw.format == "csv" and raw.delimiter == "\t" and len(raw.frame) == 4
    assert "the .xls file is delimited text, not a workbook: read as CSV" in raw.notes
    renamed = tmp_path / "kunder2.xls"
    renamed.write_bytes(workbook(tmp_path).read_bytes())
    assert read(renamed).format == "xlsx" and read(renamed).sheet == "Kunder"
