"""The error hierarchy: one base, every error pickles to an equal one (papermill and batch carry them)."""
from __future__ import annotations

import inspect
import pickle

import pytest

import mirrorgap.errors as errors
from mirrorgap.errors import (
    AnalysisError,
    EncodingMismatch,
    InputFileError,
    LayoutMismatch,
    MirrorgapError,
    ParamsError,
)

EXAMPLES = {
    "ParamsError": lambda: ParamsError("params/acme.yaml", ["customer.id_colum: unknown key", "analysis.min_n: ≥ 2"]),
    "InputFileError": lambda: InputFileError("data/acme/k.csv", "an unknown label", fix="add it to answer_labels",
                                             row=12, column="q3", value="Ganska bra"),
    "LayoutMismatch": lambda: LayoutMismatch(2, ["R_1", "4", "5"]),
    "EncodingMismatch": lambda: EncodingMismatch("looks like CP949", offset=120, length=2, tried="cp1252",
                                                 suggestion="cp949"),
}


def _every_error_class():
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)
            and c.__module__ == errors.__name__]


@pytest.mark.parametrize("cls", _every_error_class(), ids=lambda c: c.__name__)
def test_every_error_is_a_mirrorgap_error_that_survives_pickling(cls):
    assert issubclass(cls, MirrorgapError)
    error = EXAMPLES.get(cls.__name__, lambda: cls("something went wrong: set this and that"))()
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls and str(back) == str(error) and vars(back) == vars(error)


def test_an_input_file_error_names_file_row_column_value_and_fix():
    text = str(EXAMPLES["InputFileError"]())
    assert text == ("file data/acme/k.csv, row 12, column 'q3', value 'Ganska bra': an unknown label\n"
                    "  fix: add it to answer_labels")


def test_a_params_error_lists_every_problem():
    assert str(EXAMPLES["ParamsError"]()).splitlines() == [
        "params/acme.yaml: 2 problem(s) in the engagement params:",
        "  - customer.id_colum: unknown key", "  - analysis.min_n: ≥ 2"]


def test_no_error_class_is_defined_outside_errors_py():
    from pathlib import Path
    pkg = Path(errors.__file__).parent
    defined = [f"{p.relative_to(pkg)}: {line.strip()}" for p in pkg.rglob("*.py") if p.name != "errors.py"
               for line in p.read_text().splitlines()
               if line.startswith("class ") and ("Error" in line or "Exception" in line or "Failed" in line)]
    assert defined == []


def test_analysis_errors_are_value_errors_too():
    assert issubclass(AnalysisError, ValueError)
