"""`make check` is the gate: what passes it cannot fail in `make run` for a reason in the params or data,
and it stops on data the params do not describe (wrong scale, unknown labels, averages, unmatched units)."""
from __future__ import annotations

import csv
import io

import pytest

from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.errors import CheckFailed, InputFileError, MirrorgapError, ParamsError
from mirrorgap.read.plausibility import MAX_UNUSABLE_SHARE, fitting_scale
from mirrorgap.run.engagement import check
from test_bad_inputs import DEMO_CUSTOMERS, customer_csv, write_params


def _demo_customers_edited(tmp_path, edit_row) -> str:
    """The demo customer file (cp1252, ';') with each data row passed through edit_row(dict)."""
    text = DEMO_CUSTOMERS.read_bytes().decode("cp1252")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for k, row in enumerate(reader):
        writer.writerow(edit_row(k, row))
    return customer_csv(tmp_path, out.getvalue().rstrip("\r\n").split("\r\n"))


def _problems(params) -> list[InputFileError]:
    with pytest.raises(CheckFailed) as info:
        check(params)
    assert all("fix:" in str(p) for p in info.value.problems)
    return info.value.problems


def test_the_demo_passes_the_gate():
    engagement, ledgers = check(PARAMS_DIR / "demo.yaml")
    assert set(ledgers) == {"customer", "employee"}


def test_a_scale_too_narrow_for_the_answers_stops_with_the_scale_that_fits(tmp_path):
    params = write_params(tmp_path, customer_file=DEMO_CUSTOMERS,
                          edit=lambda d: d["items"][0].__setitem__("employee_scale", {"min": 1, "max": 4}))
    [problem] = _problems(params)
    assert problem.column == "m01" and "outside the scale 1–4" in problem.problem
    assert "{min: 1, max: 5}" in problem.fix and "employee" in problem.fix


def test_a_0_to_10_item_read_as_1_to_5_is_named_with_its_fit():
    assert fitting_scale([0, 3, 10]) == (0, 10) and fitting_scale([1, 7]) == (1, 7)
    assert fitting_scale([1, 5]) == (1, 5) and fitting_scale([-3, 200]) is None


def test_labels_the_params_do_not_know_stop_and_are_named(tmp_path):
    params = write_params(tmp_path, customer_file=DEMO_CUSTOMERS,
                          edit=lambda d: d["customer"].__setitem__("standard_labels", False))
    problems = _problems(params)
    # 11 mirror items and 6 customer-only questions, then the rows lost
    assert len(problems) == 18 and all("labels the params do not know" in p.problem for p in problems)
    assert "row(s) answered every item with labels" in problems[-1].problem  # and every customer is lost
    assert "'Instämmer helt'" in problems[0].problem and "customer.answer_labels" in problems[0].fix


def test_a_few_unknown_labels_are_a_ledger_line_not_a_stop(tmp_path):
    """The demo has single unknown labels ('Instämmer delvis'): far under the share that stops."""
    _, ledgers = check(write_params(tmp_path, customer_file=DEMO_CUSTOMERS))
    column = next(c for c in ledgers["customer"].columns if c.name == "fixed_first_time")
    assert column.unknown_labels and sum(column.unknown_labels.values()) / column.valid < MAX_UNUSABLE_SHARE


def test_averages_instead_of_answers_stop(tmp_path):
    path = _demo_customers_edited(tmp_path, lambda k, row: {**row, "K02_svar": "3,5"} if k % 7 == 0 else row)
    [problem] = _problems(write_params(tmp_path, customer_file=path))
    assert problem.column == "K02_svar" and "fractions" in problem.problem and problem.value == 3.5


def test_units_named_differently_on_the_two_sides_stop(tmp_path):
    path = _demo_customers_edited(tmp_path, lambda k, row: {**row, "Anläggning": row["Anläggning"].upper()})
    [problem] = _problems(write_params(tmp_path, customer_file=path))
    assert "no unit is named the same on both sides" in problem.problem and "MALMÖ" in problem.problem


@pytest.mark.parametrize("edit, kind, fragment", [
    (lambda d: (d["customer"].pop("satisfaction_column"), d["analysis"].__setitem__("driver_outcome", "satisfaction")),
     ParamsError, "driver_outcome"),
    (lambda d: d.__setitem__("codebook", "templates/no-such-codebook.yaml"), ParamsError, "no such codebook"),
    (lambda d: d.__setitem__("pulse", {"input": {"path": "data/demo/no-such-pulse.csv"}, "id_column": "id",
                                       "period_column": "vecka", "score_column": "veckoskattning"}),
     InputFileError, "pulse: input: path:"),
], ids=["driver-outcome", "codebook", "pulse-file"])
def test_what_only_the_analysis_meets_is_stopped_by_the_check(tmp_path, edit, kind, fragment):
    params = write_params(tmp_path, customer_file=DEMO_CUSTOMERS, edit=edit)
    with pytest.raises(kind) as info:
        check(params)
    assert fragment in str(info.value) and isinstance(info.value, MirrorgapError)


def test_rows_answered_only_with_unknown_labels_stop_with_their_rows_and_labels(tmp_path):
    items = [c for c in DEMO_CUSTOMERS.read_bytes().decode("cp1252").splitlines()[0].split(";") if c[:1] == "K" and c[1:3].isdigit()]
    path = _demo_customers_edited(tmp_path, lambda k, row: {**row, **{c: "Toppen" for c in items}} if k in (3, 8) else row)
    [problem] = _problems(write_params(tmp_path, customer_file=path))
    assert "2 row(s) answered every item with labels the params do not know ('Toppen')" in problem.problem
    assert "rows 5, 10" in problem.problem and problem.row == 5 and "answer_labels" in problem.fix
