"""The headcount file (issue 13, point 6): read with file/row/column/value/fix errors, checked against the
employee survey, and its params."""
import pandas as pd
import pytest
from tests.helpers import engagement

from mirrorgap.config.params import HeadcountSpec
from mirrorgap.errors import InputFileError, ParamsError
from mirrorgap.read.headcount import check_against, read_headcount


def spec(tmp_path, text, **kw):
    path = tmp_path / "headcount.csv"
    path.write_text(text, encoding="utf-8")
    return HeadcountSpec(input={"path": str(path), "outside_project": True}, invited_column="inbjudna", **kw)


def employees(units, depts=None, wave=None):
    frame = pd.DataFrame({"unit": units, "dept": depts or ["Verkstad"] * len(units)})
    if wave is not None:
        frame["wave"] = wave
    return frame


def test_reads_units_departments_and_waves(tmp_path):
    s = spec(tmp_path, "enhet;avd;våg;inbjudna\nMalmö;Verkstad;2026;12\nMalmö;Sälj;2026;1 004\nLund;Verkstad;2026;7,0\n",
             unit_column="enhet", segment_column="avd", segment="dept", wave_column="våg")
    hc = read_headcount(s)
    assert hc[["wave", "unit", "group", "invited"]].values.tolist() == [
        ["2026", "Malmö", "Verkstad", 12], ["2026", "Malmö", "Sälj", 1004], ["2026", "Lund", "Verkstad", 7]]
    assert hc["row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("cell, problem", [("tolv", "whole number"), ("-3", "whole number"), ("2.5", "whole number"),
                                           ("", "whole number")])
def test_bad_invited_names_file_row_column_value_and_fix(tmp_path, cell, problem):
    s = spec(tmp_path, f"enhet;inbjudna\nMalmö;12\nLund;{cell}\n", unit_column="enhet")
    with pytest.raises(InputFileError) as exc:
        read_headcount(s)
    e = exc.value
    assert problem in e.problem and e.row == 3 and e.column == "inbjudna" and "whole number" in e.fix
    assert e.file.endswith("headcount.csv")


def test_missing_column_duplicate_row_and_blank_unit(tmp_path):
    with pytest.raises(InputFileError, match="no column 'antal'") as exc:
        read_headcount(spec(tmp_path, "enhet;inbjudna\nMalmö;3\n", unit_column="antal"))
    assert "'enhet'" in exc.value.fix
    with pytest.raises(InputFileError, match="the same unit twice") as exc:
        read_headcount(spec(tmp_path, "enhet;inbjudna\nMalmö;3\nLund;4\nMalmö;5\n", unit_column="enhet"))
    assert exc.value.row == 4 and exc.value.value == "Malmö"
    with pytest.raises(InputFileError, match="without its unit") as exc:
        read_headcount(spec(tmp_path, "enhet;inbjudna\nMalmö;3\n;4\n", unit_column="enhet"))
    assert exc.value.row == 3


def test_checked_against_the_survey(tmp_path):
    s = spec(tmp_path, "enhet;inbjudna\nMalmö;6\nLund;4\nYstad;9\n", unit_column="enhet")
    hc = read_headcount(s)
    fitted = check_against(hc, employees(["Malmö"] * 5 + ["Lund"] * 4 + ["(blank)"]), s)
    assert fitted[["unit", "invited", "responded"]].values.tolist() == [["Malmö", 6, 5], ["Lund", 4, 4], ["Ystad", 9, 0]]
    with pytest.raises(InputFileError, match="fewer invited \\(4\\) than answered \\(5\\) in unit 'Lund'") as exc:
        check_against(hc, employees(["Lund"] * 5), s)
    assert exc.value.row == 3 and exc.value.column == "inbjudna" and "everyone asked" in exc.value.fix
    with pytest.raises(InputFileError, match="respondents in unit 'Kiruna'.*which the headcount lacks") as exc:
        check_against(hc, employees(["Malmö", "Kiruna"]), s)
    assert exc.value.value == "Kiruna"
    small = spec(tmp_path, "enhet;inbjudna\nMalmö;2\n", unit_column="enhet")
    with pytest.raises(InputFileError, match="fewer invited in all \\(2\\) than answered \\(3\\)"):
        check_against(read_headcount(small), employees(["Malmö", "Malmö", "(blank)"]), small)


def test_waves_and_departments(tmp_path):
    s = spec(tmp_path, "avd;våg;inbjudna\nVerkstad;2025;5\nVerkstad;2026;3\n", segment_column="avd", segment="dept",
             wave_column="våg")
    hc = read_headcount(s)
    assert check_against(hc, employees(["x"] * 4, wave="2025"), s, wave="2025")["responded"].tolist() == [4]
    with pytest.raises(InputFileError, match="in dept 'Verkstad' in wave '2026'"):
        check_against(hc, employees(["x"] * 4, wave="2026"), s, wave="2026")
    with pytest.raises(InputFileError, match="wave '2027' of the employee survey has no headcount"):
        check_against(hc, employees(["x"], wave="2027"), s, wave="2027")


def test_params():
    hc = {"input": {"path": "data/x/headcount.csv"}, "invited_column": "n", "unit_column": "enhet"}
    assert engagement(headcount=hc).headcount.unit_column == "enhet"
    with pytest.raises(ParamsError, match="not one of employee.segment_columns"):
        engagement(headcount={**hc, "segment_column": "avd", "segment": "avdelning"})
    with pytest.raises(ParamsError, match="give `unit_column`, `segment_column` or both"):
        engagement(headcount={"input": {"path": "data/x/h.csv"}, "invited_column": "n"})
    with pytest.raises(ParamsError, match="go together"):
        engagement(headcount={**hc, "segment_column": "avd"})
    with pytest.raises(ParamsError, match="did you mean 'invited_column'"):
        engagement(headcount={**hc, "invited_colum": "n"})
