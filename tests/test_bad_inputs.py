"""The malformed files consultants really receive, end to end through `check`: each one meets a clear
error (file, row, column, value, fix — no bare traceback) or a line in the quality ledger."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from ruamel.yaml import YAML

from mirrorgap.config.paths import PARAMS_DIR, PROJ_ROOT
from mirrorgap.errors import InputFileError, MirrorgapError, ParamsError
from mirrorgap.run.engagement import check

DEMO_CUSTOMERS = PROJ_ROOT / "data" / "demo" / "customers.csv"
DEMO_EMPLOYEES = PROJ_ROOT / "data" / "demo" / "employees.xlsx"


def demo_customer_lines(n: int = 60) -> list[str]:
    """The first n data lines of the demo customer file (cp1252, ';'), header first."""
    text = DEMO_CUSTOMERS.read_bytes().decode("cp1252")
    return text.splitlines()[: n + 1]


def write_params(tmp_path, *, customer_file, employee_file=DEMO_EMPLOYEES, edit=None):
    yaml = YAML()
    data = yaml.load((PARAMS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    data["customer"]["input"] = {"path": str(customer_file), "outside_project": True}  # files in tmp_path
    data["employee"]["input"] = {"path": str(employee_file), "sheet": "Svar", "outside_project": True}
    data.pop("pulse", None)
    if edit:
        edit(data)
    path = tmp_path / "client.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def customer_csv(tmp_path, lines: list[str], *, encoding="cp1252", name="kunder.csv") -> str:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def expect_error(params, *fragments, kind=InputFileError):
    with pytest.raises(kind) as info:
        check(params)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    if kind is InputFileError:
        assert "fix:" in message
    assert "Traceback" not in message
    return message


def ledger(params):
    _, ledgers = check(params)
    for led in ledgers.values():
        assert led.rows_in == led.rows_used + len(led.excluded)  # nothing lost
    return ledgers


# ---------------------------------------------------------------- files that cannot be read

def test_01_missing_file(tmp_path):
    params = write_params(tmp_path, customer_file=tmp_path / "nope.csv")
    expect_error(params, "nope.csv", "does not exist", "input: path:")


def test_02_empty_file(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    expect_error(write_params(tmp_path, customer_file=tmp_path / "empty.csv"), "empty.csv", "empty")


def test_03_header_only(tmp_path):
    path = customer_csv(tmp_path, demo_customer_lines(0))
    expect_error(write_params(tmp_path, customer_file=path), "kunder.csv", "no data rows")


def test_04_excel_file_renamed_csv(tmp_path):
    path = tmp_path / "kunder.csv"
    path.write_bytes(DEMO_EMPLOYEES.read_bytes())
    expect_error(write_params(tmp_path, customer_file=path), "kunder.csv", "format: xlsx")


def test_05_corrupt_xlsx(tmp_path):
    path = tmp_path / "medarbetare.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    expect_error(write_params(tmp_path, customer_file=DEMO_CUSTOMERS, employee_file=path), "medarbetare.xlsx")


def test_06_unknown_sheet_lists_the_sheets(tmp_path):
    def edit(d):
        d["employee"]["input"]["sheet"] = "Answers"
    params = write_params(tmp_path, customer_file=DEMO_CUSTOMERS, edit=edit)
    expect_error(params, "employees.xlsx", "'Answers'", "Svar")


def test_07_cp1252_file_declared_utf8_names_the_row(tmp_path):
    path = customer_csv(tmp_path, demo_customer_lines())
    params = write_params(tmp_path, customer_file=path,
                          edit=lambda d: d["customer"]["input"].__setitem__("encoding", "utf-8"))
    expect_error(params, "kunder.csv", "row 1", "cannot be decoded", "encoding")


def test_08_row_with_an_unquoted_delimiter_names_the_row(tmp_path):
    lines = demo_customer_lines()
    lines[7] = lines[7] + ";extra;fields"
    expect_error(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)), "kunder.csv", "row 8")


def test_09_duplicate_header_names(tmp_path):
    lines = demo_customer_lines()
    lines[0] = lines[0].replace("Kundtyp", "Besökstyp")
    expect_error(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)), "duplicate", "Besökstyp")


def test_10_wrong_delimiter_declared(tmp_path):
    path = customer_csv(tmp_path, demo_customer_lines())
    params = write_params(tmp_path, customer_file=path,
                          edit=lambda d: d["customer"]["input"].__setitem__("delimiter", ","))
    expect_error(params, "kunder.csv", "Respondent-ID", "look separated by semicolons", "delimiter: ';'")


# ---------------------------------------------------------------- files that read, but do not fit the params

def test_11_missing_column_gets_did_you_mean(tmp_path):
    lines = demo_customer_lines()
    lines[0] = lines[0].replace("K07_extra", "K07_extra_mile")
    msg = expect_error(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)),
                       "'K07_extra' (did you mean 'K07_extra_mile'?)", "row 1")
    assert "Columns found" in msg


def test_12_labels_nobody_declared_on_a_whole_item(tmp_path):
    df = demo_frame()
    df["K06_kunnig"] = "Mycket bra"
    path = tmp_path / "kunder.csv"
    df.to_csv(path, sep=";", index=False, encoding="cp1252")
    expect_error(write_params(tmp_path, customer_file=path), "column 'K06_kunnig'", "'Mycket bra'",
                 "answer_labels")


def test_13_employee_answers_as_labels_instead_of_codes_are_understood(tmp_path):
    wb = openpyxl.load_workbook(DEMO_EMPLOYEES)
    ws = wb["Svar"]
    header = [c.value for c in ws[3]]
    col = header.index("m06") + 1
    words = {1: "Instämmer inte alls", 2: "Instämmer inte", 3: "Varken eller", 4: "Instämmer", 5: "Instämmer helt"}
    for row in range(4, ws.max_row + 1):
        cell = ws.cell(row=row, column=col)
        if cell.value in words:
            cell.value = words[cell.value]
    path = tmp_path / "medarbetare.xlsx"
    wb.save(path)
    ledgers = ledger(write_params(tmp_path, customer_file=DEMO_CUSTOMERS, employee_file=path))
    competence = next(c for c in ledgers["employee"].columns if c.name == "competence")
    assert competence.valid > 200 and not competence.unknown_labels


def test_14_unknown_labels_are_listed_in_the_ledger(tmp_path):
    lines = demo_customer_lines()
    for i in (3, 4, 5):
        parts = lines[i].split(";")
        parts[lines[0].split(";").index("K01_boka")] = "Ganska bra"
        lines[i] = ";".join(parts)
    ledgers = ledger(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)))
    booking = next(c for c in ledgers["customer"].columns if c.name == "easy_booking")
    assert booking.unknown_labels["Ganska bra"] == 3 and booking.missing["unknown_label"] == 3


def test_15_out_of_range_codes_are_listed(tmp_path):
    lines = demo_customer_lines()
    col = lines[0].split(";").index("Rekommendera")
    for i, bad in ((2, "11"), (6, "-1")):
        parts = lines[i].split(";")
        parts[col] = bad
        lines[i] = ";".join(parts)
    ledgers = ledger(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)))
    nps = next(c for c in ledgers["customer"].columns if c.name == "nps")
    assert dict(nps.out_of_range) == {"11": 1, "-1": 1}


def test_16_duplicate_and_missing_ids_and_blank_rows_are_excluded_with_reasons(tmp_path):
    lines = demo_customer_lines()
    header = lines[0].split(";")
    lines.append(lines[5])  # exported twice
    parts = lines[9].split(";")
    parts[header.index("Respondent-ID")] = ""
    lines[9] = ";".join(parts)
    blank = lines[12].split(";")
    for name in header:
        if name.startswith("K"):
            blank[header.index(name)] = ""
    lines[12] = ";".join(blank)
    led = ledger(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)))["customer"]
    reasons = {(e["row"], e["reason"]) for e in led.excluded}
    assert (10, "no_respondent_id") in reasons and (len(lines), "duplicate_respondent_id") in reasons
    assert (13, "no_item_answered") in reasons


def test_17_rows_without_a_wave_are_excluded(tmp_path):
    lines = demo_customer_lines()
    parts = lines[4].split(";")
    parts[lines[0].split(";").index("Våg")] = ""
    lines[4] = ";".join(parts)
    led = ledger(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)))["customer"]
    assert {"row": 5, "respondent_id": parts[0], "reason": "no_wave"} in led.excluded


def test_18_an_item_with_only_dont_know(tmp_path):
    df = demo_frame()
    df["K11_uppfoljning"] = "Vet ej"
    path = tmp_path / "kunder.csv"
    df.to_csv(path, sep=";", index=False, encoding="cp1252")
    expect_error(write_params(tmp_path, customer_file=path), "'follow_up' has no valid customer answer")


def test_19_a_side_with_no_usable_row(tmp_path):
    df = demo_frame()
    df[[c for c in df.columns if c.startswith("K")]] = None
    path = tmp_path / "kunder.csv"
    df.to_csv(path, sep=";", index=False, encoding="cp1252")
    expect_error(write_params(tmp_path, customer_file=path), "no usable customer answers", "no_item_answered: 60")


def test_20_sides_that_share_no_wave(tmp_path):
    lines = demo_customer_lines()
    col = lines[0].split(";").index("Våg")
    for i in range(1, len(lines)):
        parts = lines[i].split(";")
        parts[col] = "VT25"
        lines[i] = ";".join(parts)
    expect_error(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)), "share no wave",
                 "VT25", kind=ParamsError)


def test_21_params_typo_and_bad_value_reported_together(tmp_path):
    def edit(d):
        d["analysis"]["gap_treshold"] = 3
        d["analysis"]["alpha"] = 5
    msg = expect_error(write_params(tmp_path, customer_file=DEMO_CUSTOMERS, edit=edit),
                       "did you mean 'gap_threshold'", "analysis.alpha", kind=ParamsError)
    assert "2 problem(s)" in msg


def demo_frame() -> pd.DataFrame:
    return pd.read_csv(io.StringIO("\n".join(demo_customer_lines())), sep=";", dtype=str)


def test_22_utf8_with_bom_and_comma_delimiter_reads_the_same(tmp_path):
    path = tmp_path / "kunder.csv"
    demo_frame().to_csv(path, sep=",", index=False, encoding="utf-8-sig")
    led = ledger(write_params(tmp_path, customer_file=path))["customer"]
    assert led.read_as["encoding"] == "utf-8-sig" and led.read_as["delimiter"] == ","
    assert led.rows_in == 60


def test_23_tab_delimited_utf8(tmp_path):
    path = tmp_path / "kunder.tsv"
    demo_frame().to_csv(path, sep="\t", index=False, encoding="utf-8")
    led = ledger(write_params(tmp_path, customer_file=path))["customer"]
    assert led.read_as["delimiter"] == "\t" and led.rows_used > 50


def test_24_every_error_is_a_mirrorgap_error_not_a_library_traceback(tmp_path):
    """A grab-bag of garbage: whatever the bytes, the consultant gets a MirrorgapError."""
    for i, payload in enumerate([b"\x00\x01\x02\x03" * 100, b";;;;\r\n;;;;\r\n", b"a\r\n", "å;ä;ö\r\n1;2;3\r\n".encode("cp1252"),
                                 b"{\"json\": true}"]):
        path = tmp_path / f"garbage{i}.csv"
        path.write_bytes(payload)
        with pytest.raises(MirrorgapError):
            check(write_params(tmp_path, customer_file=path))


def test_25_blank_lines_and_a_footer_below_the_table_are_noted_not_lost(tmp_path):
    lines = demo_customer_lines()
    lines = lines[:20] + [";" * (lines[0].count(";"))] + lines[20:] + ["", "Exporterad 2026-03-15 av Enkätverktyget"]
    led = ledger(write_params(tmp_path, customer_file=customer_csv(tmp_path, lines)))["customer"]
    assert led.rows_in == 60
    notes = " ".join(led.reader_notes)
    assert "rows 64-64: 1 line(s) of text below the table left out" in notes
    assert "1 empty row(s) left out (rows 21)" in notes
