"""Client-facing outputs carry no raw text: a comment typed into an answer column reaches the workbook's
quality sheet scrubbed and cut; quality.json is strict JSON."""
from __future__ import annotations

import json
import math
from pathlib import Path

from openpyxl import load_workbook

from helpers import demo_results
from mirrorgap.deliver.outputs import quality_dict
from mirrorgap.deliver.workbook import SHOWN_LABEL_CHARS, write_workbook

COMMENT = "Ring mig på 070-123 45 67, jag heter Mikael och vill ha svar om min bil snarast"


def test_an_unknown_label_that_is_a_comment_is_scrubbed_and_cut_in_the_workbook(tmp_path):
    results = demo_results(bootstrap=0)
    results.customer.ledger.columns[0].unknown_labels[COMMENT] += 1
    book = load_workbook(write_workbook(results, tmp_path / "gaps.xlsx"))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    shown = [c for c in cells if "Ring mig" in c]
    assert shown, "the label is listed (scrubbed), not dropped"
    assert not any("070" in c or "Mikael" in c or "snarast" in c for c in cells)
    label = shown[0].split("'")[1]
    assert len(label) <= SHOWN_LABEL_CHARS and label.endswith("…")


def test_quality_json_is_strict_json_and_names_no_respondent_nor_the_consultants_path():
    results = demo_results(bootstrap=0)
    results.customer.ledger.excluded.append({"row": 9999, "respondent_id": math.nan, "reason": "no_respondent_id"})
    results.employee.ledger.excluded.append({"row": 77, "respondent_id": "E-4711", "reason": "duplicate_respondent_id"})
    text = json.dumps(quality_dict(results), allow_nan=False)
    back = json.loads(text)
    assert back["customer"]["excluded"][-1] == {"row": 9999, "reason": "no_respondent_id"}
    assert back["employee"]["excluded"][-1] == {"row": 77, "reason": "duplicate_respondent_id"}
    assert "E-4711" not in text and all("respondent_id" not in row for s in back for row in back[s]["excluded"])
    for side in ("customer", "employee"):  # the file by its name: the consultant's folders stay on the laptop
        ledger = getattr(results, side).ledger
        assert back[side]["file"] == Path(ledger.file).name and "/" not in back[side]["file"]
        assert back[side]["rows_in"] in (None, back[side]["rows_used"] + len(back[side]["excluded"]))
