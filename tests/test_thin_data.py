"""Thin data completes: a side under min_n, one respondent, every item suppressed, no variation on one or
all items. The run's deliverables are all written, and each says in words what happened ("no variation:
everyone answered 3" is not "too few answers")."""
from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from openpyxl import load_workbook

from mirrorgap.analyse.insights import add_insights
from mirrorgap.analyse.pipeline import analyse, load_side
from mirrorgap.config.params import parse_engagement
from mirrorgap.deliver.figures import chart_pngs, make_figures
from mirrorgap.deliver.outputs import write_outputs

SCALE_1_5 = np.random.default_rng(11)
COMMENTS = ["Personalen är trevlig och kunnig", "Priset är för högt", "Lång väntetid i telefon",
            "Bra service vid leveransen"]


def _answers(values):
    return values if callable(values) else (lambda n: np.full(n, values))


def thin_engagement(tmp_path, *, customers: int, employees: int, customer_items=None, employee_items=None,
                    analysis=None, pulse=None, comments=None, earlier=None, touchpoints=None):
    """Customers and employees in two units and two segments; items q0–q2 on 1–5 (random unless given:
    a number is everyone's answer). analysis: settings over the defaults. pulse: {period: answers} for a
    weekly pulse file. comments: {side: how many comment} (the first rows of that side). earlier: {side:
    respondents} of an earlier wave, 2025, before the 2026 ones (the first rows of that side). touchpoints:
    each item's touchpoint (q0–q2 in order)."""
    rng = np.random.default_rng(5)
    for side, n, given in (("c", customers, customer_items), ("e", employees, employee_items)):
        name = {"c": "customer", "e": "employee"}[side]
        before = (earlier or {}).get(name, 0)
        n += before
        frame = pd.DataFrame({"id": [f"{side}{i}" for i in range(n)], "unit": [["A", "B"][i % 2] for i in range(n)],
                              "wave": ["2025"] * before + ["2026"] * (n - before),
                              "seg": [["x", "y"][i % 2] for i in range(n)], "nps": rng.integers(0, 11, n)})
        for k in range(3):
            frame[f"q{k}"] = _answers(given[k])(n) if given else rng.integers(1, 6, n)
        said = (comments or {}).get(name, 0)
        frame["comment"] = [COMMENTS[i % len(COMMENTS)] if i < said else "" for i in range(n)]
        frame.to_csv(tmp_path / f"{side}.csv", index=False)
    side = lambda name: {"input": {"path": str(tmp_path / f"{name}.csv"), "outside_project": True},  # noqa: E731
                         "id_column": "id", "unit_column": "unit", "wave_column": "wave", "segment_columns": ["seg"],
                         "nps_column": "nps", **({"comment_columns": ["comment"]} if comments else {})}
    params = {
        "client": "Tunn AB", "language": "sv", "customer": side("c"), "employee": side("e"),
        "items": [{"id": f"i{k}", "label": {"sv": f"Fråga {k}"}, "customer_column": f"q{k}",
                   "employee_column": f"q{k}", **({"touchpoint": touchpoints[k]} if touchpoints else {})}
                  for k in range(3)],
        "analysis": {"bootstrap": 50, **(analysis or {})}}
    if pulse:
        rows = [{"id": f"p{i}", "week": period, "score": int(rng.integers(1, 11))}
                for period, answers in pulse.items() for i in range(answers)]
        pd.DataFrame(rows).to_csv(tmp_path / "pulse.csv", index=False)
        params["pulse"] = {"input": {"path": str(tmp_path / "pulse.csv"), "outside_project": True},
                           "id_column": "id", "period_column": "week", "score_column": "score"}
    return parse_engagement(params)


def run(tmp_path, *, chart_texts: dict | None = None, **kw):
    """The thin engagement analysed and every deliverable written (`thin_engagement`'s keywords); the output
    folder. chart_texts: a dict to fill with every text each chart draws (name -> texts)."""
    eng = thin_engagement(tmp_path, **kw)
    results = add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))
    out = tmp_path / "out"
    figures = make_figures(results)
    if chart_texts is not None:
        chart_texts.update({name: [t.get_text() for t in fig.findobj(Text)] for name, fig in figures.items()})
    written = write_outputs(results, out, run_id="r1", charts=chart_pngs(results, figures=figures))
    for name in ("report.html", "deck.pptx", "gaps.xlsx", "gaps.csv", "summary.sv.md", "aggregates"):
        assert written[name].exists(), name
    return out


def _text(out) -> dict[str, str]:
    report = re.sub(r"<[^>]+>", " ", (out / "report.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(out / "deck.pptx") as deck:
        slides = " ".join(re.sub(r"<[^>]+>", " ", deck.read(n).decode()) for n in deck.namelist()
                          if n.startswith("ppt/slides/slide"))
    book = load_workbook(out / "gaps.xlsx")
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    return {"summary": (out / "summary.sv.md").read_text(encoding="utf-8"), "report": report, "deck": slides,
            "workbook": cells}


def test_no_variation_anywhere_is_said_as_such_in_every_deliverable(tmp_path):
    out = run(tmp_path, customers=30, employees=12, customer_items=[3, 3, 3], employee_items=[5, 5, 5])
    gaps = pd.read_csv(out / "gaps.csv")
    assert gaps["classification"].eq("no_variation").all() and gaps["gap"].eq(50).all()
    assert gaps["employee_n"].eq(12).all() and gaps["gap_ci_low"].isna().all()
    text = _text(out)
    assert "ingen variation — alla kunder svarade 3 och alla medarbetare 5" in text["summary"]
    assert "Ingen fråga skiljer sig" not in text["summary"]
    for where in ("report", "deck", "workbook"):
        assert "Ingen variation" in text[where] or "ingen variation" in text[where], where
    assert "För få svar" not in text["workbook"]


def test_no_variation_on_one_item_leaves_the_others_tested(tmp_path):
    varied = lambda n: SCALE_1_5.integers(1, 6, n)  # noqa: E731
    out = run(tmp_path, customers=40, employees=20, customer_items=[4, varied, 2], employee_items=[4, varied, 5])
    gaps = pd.read_csv(out / "gaps.csv").set_index("item")
    assert gaps.loc["i0", "classification"] == "no_variation" and gaps.loc["i0", "gap"] == 0
    assert gaps.loc["i2", "classification"] == "no_variation" and gaps.loc["i2", "gap"] == 75
    assert gaps.loc["i1", "classification"] in ("aligned", "blind_spot", "hidden_strength")
    assert np.isfinite(gaps.loc["i1", "p_value"])


@pytest.mark.parametrize("customers, employees", [(40, 3), (1, 1)], ids=["employees-under-min-n", "one-each"])
def test_a_side_under_min_n_completes_and_says_nothing_could_be_compared(tmp_path, customers, employees):
    out = run(tmp_path, customers=customers, employees=employees)
    gaps = pd.read_csv(out / "gaps.csv")
    assert gaps["classification"].eq("suppressed").all() and gaps["employee_mean"].isna().all()
    text = _text(out)
    assert "Ingen fråga kan jämföras: för få medarbetare svarade" in text["summary"]
    assert "Ingen fråga skiljer sig" not in text["summary"]
    # the size of a side too small to show is not shown either
    assert gaps["employee_n"].isna().all()
    assert "färre än 5 medarbetare" in text["summary"] and f"{employees} medarbetare" not in text["summary"]
    assert "Medarbetare: färre än 5" in " ".join(text["report"].split())


def test_the_gap_chart_says_which_gaps_have_no_test_and_draws_no_whisker_for_them(tmp_path):
    import matplotlib.pyplot as plt

    from mirrorgap.config.texts import tree
    from mirrorgap.render.charts.gap import gap_chart

    varied = lambda n: np.random.default_rng(3).integers(1, 6, n)  # noqa: E731
    eng = thin_engagement(tmp_path, customers=40, employees=20, customer_items=[4, varied, 2],
                          employee_items=[4, varied, 5])
    gaps = analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")).gaps
    t = tree("sv")
    fig, ax = plt.subplots()
    gap_chart(gaps, ax=ax, texts={**t["chart"], **t["classification"]}, threshold=5)
    notes = [x.get_text().strip() for x in ax.texts if x.get_gid() == "untested"]
    assert notes == ["Ingen variation", "Ingen variation"]
