"""mirrorgap.read.readers on real survey exports in ../shared/realdata (skipped when that folder is absent).

Expected counts come from Python's csv module (or openpyxl) reading the same files, not from the reader.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest_readers import read
from mirrorgap.errors import InputFileError

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
QT = REALDATA / "QualtricsTools_ctesta01"
CARP = REALDATA / "carpentries_assessment"
SWE = REALDATA / "sweden_skolinspektionen_skolverket"
PLS = REALDATA / "plspm_bank_satisfaction_ECSI"

pytestmark = [pytest.mark.realdata,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=f"no real data at {REALDATA}")]


def records(path: Path, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """(first file line, fields) of every non-blank record, by the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        out, last = [], 0
        for fields in reader:
            if any(f.strip() for f in fields):
                out.append((last + 1, fields))
            last = reader.line_num
    return out


def qualtrics_header_rows(recs: list[tuple[int, list[str]]]) -> int:
    """3 when the third record holds ImportIds, else 2 (legacy)."""
    return 3 if "ImportId" in recs[2][1][0] else 2


# ------------------------------------------------------------------ qualtRics (ropensci)

def test_qualtrics_sample_with_german_labels():
    raw = read(REALDATA / "qualtRics_ropensci" / "sample.csv")
    assert (raw.format, raw.encoding, raw.delimiter) == ("qualtrics", "utf-8", ",")
    assert raw.frame.columns[0] == "StartDate" and raw.frame.columns[-1] == "Q2 - Topics"
    assert raw.frame.shape == (1, 20) and raw.source_rows.tolist() == [4]
    assert raw.column_labels["RecipientLastName"] == "Nachname des Empfängers"
    assert raw.column_labels["LocationLongitude"] == "Längengrad des Standorts"
    assert raw.column_labels["Q1"] == "This is a multiple choice question."
    row = raw.frame.iloc[0]
    assert (row["ResponseId"], row["Q1"], row["Q2"], row["UserLanguage"]) == (
        "R_2YPOQ602ER1jkf1", "2", "Hello World!", "DE")
    assert pd.isna(row["RecipientEmail"]) and pd.isna(row["Q2 - Topics"])


def test_qualtrics_sample_legacy_with_bom():
    raw = read(REALDATA / "qualtRics_ropensci" / "sample_legacy.csv")
    assert (raw.format, raw.encoding) == ("qualtrics", "utf-8-sig")
    assert list(raw.frame.columns[:3]) == ["V1", "V2", "V3"] and raw.frame.shape == (1, 15)
    assert raw.column_labels["V1"] == "ResponseID" and raw.column_labels["Q2"] == "This is a free text question."
    assert raw.source_rows.tolist() == [3]
    assert raw.frame.iloc[0]["V2"] == "Standard-Antwortsatz" and raw.frame.iloc[0]["LocationAccuracy"] == "-1"


# ------------------------------------------------------------------ QualtricsTools (Insights and Legacy)

@pytest.mark.parametrize("path", sorted(QT.glob("*.csv")), ids=lambda p: p.stem[:50])
def test_qualtricstools_exports(path):
    raw = read(path)
    recs = records(path)
    n_header = qualtrics_header_rows(recs)
    assert raw.format == "qualtrics"
    assert raw.source_rows.tolist() == [line for line, _ in recs[n_header:]]
    assert len(raw.frame) == len(recs) - n_header
    assert raw.frame.columns.is_unique and all(c == c.strip() and c for c in raw.frame.columns)
    assert raw.frame.columns[0] == ("ResponseID" if n_header == 3 else "V1")
    first = recs[n_header][1]
    assert raw.frame.iloc[0, 0] == first[0] and raw.frame.iloc[0, 0].startswith("R_")


def test_no_basis_codes_stay_raw_insights():
    raw = read(QT / "No_Basis_for_Evaluation__No_Basis_for_Evaluation_(Insights).csv")
    assert raw.encoding == "utf-8" and raw.frame.shape == (15, 49)
    assert raw.column_labels["Q2_-1"] == "Check all statements you agree with-No basis for evaluation"
    first = raw.frame.iloc[0]
    assert (first["ResponseID"], first["Q3_1"], first["Q4_2"], first["Q4_3"]) == (
        "R_ebopwASnJ6p0KSp", "-1", "-2", "-1")
    assert pd.isna(first["Q2_1"])
    assert {"-1", "-2"} <= set(raw.frame["Q4_2"].dropna())


def test_no_basis_codes_stay_raw_legacy():
    raw = read(QT / "No_Basis_for_Evaluation__No_Basis_for_Evaluation_(Legacy).csv")
    assert raw.encoding == "utf-8-sig" and raw.frame.shape == (15, 48)  # trailing comma column dropped
    assert raw.column_labels["V1"] == "ResponseID" and raw.source_rows[0] == 3
    assert raw.frame.iloc[2]["Q3_2"] == "-1" and raw.frame.iloc[0]["Q3_1"] == "-1"


def test_single_quoted_import_ids_and_repeated_ids():
    raw = read(QT / "Long_Exhaustive_Sample_Survey__Long_Exhaustive_Sample_Survey.csv")
    assert "Q44#2_red_pandas_4 [QID44#2-1-1]" in raw.frame.columns
    assert "Q44#2_red_pandas_4 [QID44#2-1-5]" in raw.frame.columns
    assert "Q44#2_red_pandas_4" not in raw.frame.columns
    assert any("repeat in the Qualtrics header" in n for n in raw.notes)
    legacy = read(QT / "Single_Answer_Matrix_Questions__Single_Answer_Matrix_Questions.csv")
    assert {"question_one [1]", "question_one [2]", "question_one [3]"} <= set(legacy.frame.columns)


@pytest.mark.parametrize("name, columns, first", [
    ("Sample_Coded_Comments__Q5_Coded.xlsx",
     ["ResponseID", "varname", "Please briefly state your position on fruit"], ["R_9RWrgh1F9m7488l", "q5_position"]),
    ("Multiple_Answer_Matrix_Questions__Insights_vs_Pre-Insights_Headers.xlsx",
     ["Insights", "Pre-Insights"], ["ResponseID", "V1"]),
])
def test_qualtricstools_xlsx(name, columns, first):
    from openpyxl import load_workbook

    raw = read(QT / name)
    book = load_workbook(QT / name, read_only=True)
    sheet = book.worksheets[0]
    filled = [i for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
              if any(v is not None for v in row)]
    book.close()
    assert raw.format == "xlsx" and raw.sheet == sheet.title
    assert list(raw.frame.columns[:len(columns)]) == columns
    assert raw.source_rows.tolist() == filled[1:]
    assert raw.frame.iloc[0, :2].tolist() == first
    if name.startswith("Sample_Coded"):
        assert raw.frame["Category 1: Fruit are good"].iloc[0] == 1  # a native number


# ------------------------------------------------------------------ carpentries (SurveyMonkey-derived)

def test_carpentries_post_workshop_text_scales():
    path = CARP / "20180908_post_clean.csv"
    raw = read(path)
    recs = records(path)
    assert raw.frame.shape == (len(recs) - 1, 41) == (967, 41)
    assert raw.source_rows[-1] == recs[-1][0] == 968
    assert set(raw.frame["AtmosphereWelcoming"].dropna()) == {
        "Strongly Agree", "Agree", "Neither Agree nor Disagree", "Disagree", "Strongly Disagree"}
    assert raw.frame["AtmosphereWelcoming"].isna().sum() == 58
    assert raw.frame["Date"].iloc[0] == "9/8/18 15:29"


def test_carpentries_long_term_recommend_score_and_multiline_answers():
    path = CARP / "2020-12-long-term-other_questions-no-open.csv"
    raw = read(path)
    recs = records(path)
    assert raw.frame.shape == (87, 26)
    assert raw.source_rows.tolist() == [line for line, _ in recs[1:]]
    assert raw.source_rows[-1] < 90 + 1 and raw.source_rows.tolist() != list(range(2, 89))  # multi-line fields
    scores = raw.frame["recommendation_score"]
    assert set(scores.dropna()) <= {str(i) for i in range(11)} and scores.iloc[0] == "9"
    assert raw.frame["new_topics"].iloc[0] == "NA"  # R's NA stays text; the recoder decides


@pytest.mark.parametrize("name, shape, first", [
    ("longterm_October2017.csv", (476, 75), {"Country": "Norway", "Column2": "Biomedical/Health Sciences"}),
    ("2020-12-longterm-answer-key.csv", (84, 3), {"column": "occupation", "verbatim": "Administrative Staff"}),
    ("2020-12-longterm-column-names.csv", (119, 2), {"full": "#", "short": "respondent_id"}),
    ("2020-12-longterm-questions.csv", (31, 2), {"short": "consent"}),
])
def test_carpentries_other_files(name, shape, first):
    path = CARP / name
    raw = read(path)
    assert raw.frame.shape == shape and len(records(path)) - 1 == shape[0]
    for column, value in first.items():
        assert raw.frame[column].iloc[0] == value


# ------------------------------------------------------------------ Skolverket / LUPP (Swedish)

@pytest.mark.parametrize("year, n_rows, decimal, suppressed", [
    (2009, 4655, ".", "Andel (%) elever med utländsk bakgrund, åk 1-9"),
    (2023, 4665, ",", "Andel (%) flickor, förskoleklass"),
])
def test_skolverket_csv(year, n_rows, decimal, suppressed):
    path = SWE / f"Grundskolan - Antal elever per årskurs {year} Skolenhet.csv"
    raw = read(path)
    table = [(line, f) for line, f in records(path, ";") if len(f) == 23][1:]
    assert n_rows == len(table)
    assert (raw.encoding, raw.delimiter, raw.skip_rows, raw.decimal) == ("utf-8-sig", ";", 5, decimal)
    assert raw.frame.shape == (n_rows, 22)  # the empty column from the trailing ';' is gone
    assert list(raw.frame.columns[:2]) == ["Skola", "Skol-enhetskod"]
    assert raw.frame.columns[-1] == "Elever, årskurs 9" and "Elever, förskoleklass" in raw.frame.columns
    assert raw.source_rows.tolist() == [line for line, _ in table]
    assert raw.source_rows[0] == 7
    first = raw.frame.iloc[0]
    assert first["Skola"] == "Ahlafors Fria skola"
    assert first[suppressed] == ".."
    assert raw.frame.iloc[1]["Elever, förskoleklass"] == "."
    assert len(raw.notes) == 1 and "below the table" in raw.notes[0]
    if year == 2023:
        assert first["Andel (%) flickor, årskurs 1-9"] == "47,5"
        assert first["Huvudman"] == "Ahlafors Fria Skola Ekonomisk förening"


def test_lupp_itemlabels():
    raw = read(SWE / "LUPPitemlabels.csv")
    assert list(raw.frame.columns) == ["itemnr", "item", "itemold"] and raw.frame.shape == (43, 3)
    assert raw.frame["item"].iloc[0] == "Var är du och din förälder eller dina föräldrar födda, du själv?"
    assert raw.frame["itemnr"].iloc[-1] == "År_43"


def test_skolverket_itemlabels():
    raw = read(SWE / "SkolverketItemlabels.csv")
    labels = dict(zip(raw.frame["variable"], raw.frame["description"]))
    assert len(raw.frame) == 20 and labels["studentsPerTeacherQuota"] == "Elever per lärare"


def test_skolverket_xlsx_with_merged_multirow_header_is_noted():
    path = SWE / "excelrapport-elever-grundskola-ak-8-2022.xlsx"
    notes = " ".join(read(path).notes)
    assert "the header repeats column name(s)" in notes and "span several rows" in notes
    with pytest.raises(InputFileError) as excinfo:
        read(path, sheet="Resultat elever åk 9")
    assert "'Resultat elever åk 8 2022', 'Könsuppdelat resultat', 'Förklaring'" in str(excinfo.value)


# ------------------------------------------------------------------ plspm (ECSI)

def test_plspm_satisfaction():
    raw = read(PLS / "satisfaction.csv")
    assert raw.frame.shape == (250, 28) and raw.frame.columns[-1] == "gender"
    assert set(raw.frame["gender"]) == {"male", "female"}
    assert raw.frame.iloc[0, :3].tolist() == ["8", "8", "9"]
    assert raw.source_rows[-1] == 251


def test_plspm_mobile():
    raw = read(PLS / "mobile.csv")
    assert raw.frame.shape == (250, 24) and raw.decimal == "."
    assert raw.frame["ima1"].iloc[0] == "66.67" and raw.frame["loy3"].iloc[1] == "100.0"
