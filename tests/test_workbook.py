"""gaps.xlsx, the client's workbook: one localized sheet per table, frozen headers, number formats, and
nothing a client must not see (suppressed figures, respondent ids, raw comments)."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import demo_results
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.deliver.workbook import write_workbook
from mirrorgap.read.readers import read_survey
from mirrorgap.read.scrub import scrub_text

MARKER = "för få svar"




@pytest.fixture(scope="module")
def demo():
    return demo_results()


@pytest.fixture(scope="module")
def book(demo, tmp_path_factory):
    return load_workbook(write_workbook(demo, tmp_path_factory.mktemp("wb") / "gaps.xlsx"))


@pytest.fixture(scope="module")
def hidden():
    """min_n 121: the gap table's items with 114–120 employee answers are suppressed too."""
    return demo_results(min_n=121)


@pytest.fixture(scope="module")
def hidden_book(hidden, tmp_path_factory):
    return load_workbook(write_workbook(hidden, tmp_path_factory.mktemp("wb") / "gaps.xlsx"))


def _frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def _cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield ws.title, cell


def test_every_table_has_its_own_swedish_sheet(book):
    assert book.sheetnames == ["Om arbetsboken", "Gap", "NPS och eNPS", "Kontaktpunkter", "Nyckeldrivare",
                               "Nyckeldrivare (frågor)", "Prioritering", "Enheter", "Segment", "Länkning",
                               "Medarbetarresan", "Resorna uppmätta", "Index", "5 I-kortet", "Förändring", "Veckopuls",
                               "Kommentarteman", "Handlingsplan", "Svarsfrekvens", "Datakvalitet", "Datakvalitet per fråga"]
    assert book.active.title == "Gap"


def test_headers_frozen_filtered_and_localized(book):
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "B2", ws.title
        assert all(cell.font.bold for cell in ws[1] if cell.value), ws.title
    gap = book["Gap"]
    assert gap.auto_filter.ref == f"A1:{gap.cell(1, gap.max_column).column_letter}12"
    headers = [c.value for c in gap[1]]
    assert headers[:4] == ["Fråga", "Kontaktpunkt", "Kunder, n", "Kunder, resultat"]
    assert {"Gap", "q-värde (BH)", "Hedges g", "Resultat"} <= set(headers)
    assert gap.column_dimensions["A"].width >= 20


def test_gap_sheet_equals_the_gap_table_with_number_formats(book, demo):
    ws = book["Gap"]
    sheet = _frame(ws)
    gaps = demo.gaps
    assert sheet["Fråga"].tolist() == gaps["label"].tolist()
    np.testing.assert_allclose(sheet["Kunder, resultat"].astype(float), gaps["customer_mean"])
    np.testing.assert_allclose(sheet["Gap"].astype(float), gaps["gap"])
    np.testing.assert_allclose(sheet["Kunder, andel högsta betyg"].astype(float), gaps["customer_top_box"] / 100)
    assert dict(zip(sheet["Fråge-id"], sheet["Resultat"]))["extra_mile"] == "Blind fläck"
    assert dict(zip(sheet["Fråge-id"], sheet["Resultat"]))["competence"] == "Dold styrka"
    formats = {ws.cell(1, k).value: ws.cell(2, k).number_format for k in range(1, ws.max_column + 1)}
    assert formats["Kunder, resultat"] == "0.0" and formats["Gap"] == "0.0" and formats["Gap, KI nedre"] == "0.0"
    assert formats["p-värde"] == "0.000" and formats["q-värde (BH)"] == "0.000"
    assert formats["Kunder, andel högsta betyg"] == "0.0%" and formats["Kunder, n"] == "0"


def test_nps_shares_as_percent_and_signed_scores(book, demo):
    ws = book["NPS och eNPS"]
    sheet = _frame(ws)
    np.testing.assert_allclose(sheet["Andel promotorer"].astype(float), demo.nps["promoter_share"])
    col = list(sheet.columns).index("Andel promotorer") + 1
    assert ws.cell(2, col).number_format == "0%"
    col = list(sheet.columns).index("NPS") + 1
    assert ws.cell(2, col).number_format.startswith("+0;")


def test_codes_are_translated(book):
    priority = _frame(book["Prioritering"])
    assert set(priority["Kvadrant"]) <= {"Koncentrera insatserna här", "Fortsätt det goda arbetet", "Låg prioritet",
                                         "Möjlig överinsats"}
    trends = _frame(book["Förändring"])
    assert set(trends["Sida"]) == {"Kunder", "Medarbetare", "Gap"}
    assert set(trends["Signifikant"]) <= {"Ja", "Nej", MARKER}
    assert set(_frame(book["Handlingsplan"])["De 5 I:na"]) <= {"Inspirera", "Involvera", "Informera", "Instruera",
                                                               "Incitament"}


def test_suppressed_cells_read_too_few_answers(book, demo):
    units = _frame(book["Segment"])
    ledning = units[units["Grupp"] == "Ledning"]
    assert len(ledning) == len(demo.gaps)
    for column in ("Medarbetare, resultat", "Medarbetare, KI nedre", "Gap", "Gap, KI övre", "p-värde"):
        assert (ledning[column] == MARKER).all(), column
    assert ledning["Kunder, resultat"].map(lambda v: isinstance(v, float)).all()  # customers are not hidden
    ws = book["Segment"]
    marker_cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == MARKER]
    assert marker_cells and all(c.font.italic for c in marker_cells)


def test_no_suppressed_figure_anywhere(hidden_book, hidden):
    """The employee means of every hidden cell, computed from the raw answers, appear in no cell."""
    eng = hidden.engagement
    e = in_wave(load_side(eng, "employee"), hidden.wave)
    pomp = e.pomp()
    truth = []
    gaps = hidden.gaps
    for item in gaps.loc[gaps["classification"] == "suppressed", "item"]:
        truth.append(pomp[item].mean())
    segments = hidden.tables["segments"]
    for r in segments[segments["suppressed"] & segments["by"].eq("avdelning")].itertuples():
        truth.append(pomp.loc[e.frame["avdelning"] == r.group, r.item].mean())
    # means like 57.5 also occur legitimately elsewhere; the others identify their cell
    truth = [v for v in truth if np.isfinite(v) and abs(v * 8 - round(v * 8)) > 1e-6]
    assert len(truth) >= 10
    # every figure but the counts (a hidden mean of 40.0 must not be confused with 40 answers)
    numbers = [float(c.value) for _, c in _cells(hidden_book)
               if isinstance(c.value, (int, float)) and c.number_format != "0"]
    numbers = np.array(numbers)
    for value in truth:
        assert not np.any(np.isclose(numbers, value, rtol=0, atol=1e-9)), value
    gap_sheet = _frame(hidden_book["Gap"])
    hidden_rows = gap_sheet[gap_sheet["Resultat"] == "För få svar"]
    assert len(hidden_rows) == (gaps["classification"] == "suppressed").sum()
    assert (hidden_rows["Medarbetare, resultat"] == MARKER).all() and (hidden_rows["Gap"] == MARKER).all()


def test_no_respondent_ids_raw_rows_or_raw_comments(book, demo):
    eng = demo.engagement
    ids = set()
    comments = set()
    for side in (demo.customer, demo.employee):
        ids |= set(side.frame["respondent_id"].astype(str))
        ids |= {str(x["respondent_id"]) for x in side.ledger.excluded if x.get("respondent_id") is not None}
        raw = read_survey(eng.side(side.side).input, side=side.side).frame  # before any scrubbing
        for column in eng.side(side.side).comment_columns:  # the comments that carry personal data
            comments |= {str(v) for v in raw[column].dropna()
                         if scrub_text(str(v), names=eng.scrub_names, language=eng.language) != str(v)}
    excluded = {str(x["respondent_id"]) for s in (demo.customer, demo.employee) for x in s.ledger.excluded
                if x.get("respondent_id") is not None}
    assert excluded  # the demo has duplicate ids, left out and listed in the ledger
    texts = [str(c.value) for _, c in _cells(book)]
    assert not ids & set(texts)
    assert not any(i in t for t in texts for i in excluded)
    assert len(comments) >= 5  # the demo plants names, e-mails, phone and personal identity numbers
    assert not comments & set(texts)  # raw comments never; only scrubbed quotes
    for name in eng.scrub_names:
        assert not any(re.search(rf"\b{name}\b", t) for t in texts), name
    assert not any(re.search(r"[\w.]+@[\w.]+\.\w+", t) for t in texts)


def test_quotes_are_scrubbed_again_and_unknown_tables_lose_id_columns(tmp_path):
    r = demo_results()
    r.tables = {"themes": r.tables["themes"].copy(),
                "extra": pd.DataFrame({"respondent_id": ["K-000001"], "Kommentar": ["Ring Sara på 070-123 45 67"],
                                       "label": ["Något"], "mean": [55.5]})}
    r.tables["themes"].loc[0, "quote_1"] = "Mikael var toppen, mejla mikael@example.se"
    wb = load_workbook(write_workbook(r, tmp_path / "gaps.xlsx"))
    texts = [str(c.value) for _, c in _cells(wb)]
    assert "K-000001" not in texts and not any("Sara" in t or "070-123" in t for t in texts)
    assert not any("Mikael" in t or "example.se" in t for t in texts)
    assert any("[namn]" in t and "[e-post]" in t for t in texts)
    extra = _frame(wb["Extra"])
    assert list(extra.columns) == ["Fråga", "Medelvärde"] and math.isclose(extra.iloc[0, 1], 55.5)


def test_quality_sheets_account_for_every_row(book, demo):
    quality = _frame(book["Datakvalitet"])
    for side, row in zip((demo.customer, demo.employee), quality.itertuples(index=False)):
        assert row[1] == side.ledger.rows_in and row[2] == side.ledger.rows_used
        assert row[1] - row[2] == sum(row[3:])
    per_item = _frame(book["Datakvalitet per fråga"])
    assert len(per_item) == len(demo.customer.ledger.columns) + len(demo.employee.ledger.columns)


def test_english_engagement_gets_english_sheets(tmp_path):
    r = demo_results()
    r.tables = {}
    r.engagement = r.engagement.model_copy(update={"language": "en"})
    wb = load_workbook(write_workbook(r, tmp_path / "gaps.xlsx"))
    assert wb.sheetnames == ["About this workbook", "Gaps", "NPS and eNPS", "Data quality", "Data quality per item"]
    assert [c.value for c in wb["Gaps"][1]][:2] == ["Item", "Touchpoint"]


def test_index_sheet_hides_small_groups_and_shows_the_reliability(book, demo):
    sheet = _frame(book["Index"])
    table = demo.tables["indices"]
    assert len(sheet) == len(table)
    engagement = table[(table["index"] == "engagement") & (table["by"] == "")].index[0]
    assert sheet.loc[engagement, "Cronbachs alfa"] == pytest.approx(table.loc[engagement, "alpha"])
    assert sheet.loc[engagement, "McDonalds omega"] == pytest.approx(table.loc[engagement, "omega"])
    assert sheet.loc[engagement, "Grupp"] == "Alla medarbetare"
    hidden_rows = table.index[table["suppressed"]]
    assert len(hidden_rows) and (sheet.loc[hidden_rows, "Medelvärde"] == MARKER).all()


def test_the_action_plan_sheet_says_why(book, demo):
    sheet = _frame(book["Handlingsplan"])
    assert sheet["Varför"].tolist() == demo.tables["actions"]["why"].tolist()
