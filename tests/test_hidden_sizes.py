"""No exact n of a hidden group: breakdown tables leave the size of a suppressed employee group empty."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import demo_results
from test_thin_data import run


@pytest.fixture(scope="module")
def strict():
    return demo_results(min_n=121, bootstrap=0)  # a minimum that hides some items and groups of the demo


def test_a_hidden_journey_groups_size_is_not_shown(strict):
    journeys = strict.tables["journeys"]
    hidden = journeys[journeys["suppressed"].astype(bool)]
    assert len(hidden) and hidden["employee_n"].isna().all()
    assert journeys.loc[~journeys["suppressed"].astype(bool), "employee_n"].notna().all()


def test_a_hidden_waves_size_is_not_shown_in_the_trends(strict):
    trends = strict.tables["trends"]
    rows = trends[(trends["kind"] == "item_change") & (trends["side"] == "employee")]
    hidden = rows[rows["mean_to"].isna() | rows["mean_from"].isna()]
    assert len(hidden)
    assert (hidden["mean_to"].isna() <= hidden["n_to"].isna()).all()
    assert (hidden["mean_from"].isna() <= hidden["n_from"].isna()).all()


# ---------------------------------------------------------------------------------------------------
# every deliverable of a thin run, searched for the sizes of its hidden groups

# Sizes picked to be told apart from everything else a run writes: over 100 (shares, POMP means and NPS
# stay within ±100) and above the 30 customers' counts.
PULSE = {"2026-W05": 163, "2026-W06": 131, "2026-W07": 167, "2026-W08": 127}  # 131 and 127: under 150
MIN_N = {"min_n": 150, "min_n_comments": 180}
COMMENTERS = 121  # employees who comment: under 180
SCENARIOS = {
    # the employee side (137) under min_n: every employee figure hidden, its size too
    "side-hidden": dict(employees=137, hidden={137, 131, 127, 121}, shown={163, 167}),
    # the side (257) shown; its units and segments (129, 128), item i2 (answered by 143), the commenters
    # and two pulse weeks hidden
    "groups-hidden": dict(employees=257, hidden={129, 128, 143, 131, 127, 121}, shown={257, 163, 167}),
    # 2026 as above; the employees' earlier wave (131) hidden, with its count in the ledger (rows used would
    # be 131 + 257) and the answers to i2 (143, of which 12 in 2026)
    "wave-hidden": dict(employees=257, earlier={"customer": 30, "employee": 131},
                        hidden={131, 129, 128, 143, 127, 121, 388}, shown={257, 163, 167}),
    # the same waves pooled (analysis.wave: all): the dashboard shows 2026 (257), so the report may not
    # show the pool (388) that gives 2025 back
    "pooled": dict(employees=257, earlier={"customer": 30, "employee": 131}, wave="all",
                   hidden={131, 129, 128, 143, 127, 121, 388}, shown={257, 163, 167}),
}
_NUMBER = re.compile(r"(?<![\d.,\u00a0\u202f])(\d+)(?:[.,]0+)?(?![\d]|[.,\u00a0\u202f]\d)")


def _numbers(text: str) -> set[int]:
    """The whole numbers written in a text, "388.0" and "388,0" too (not the digits of a decimal or a
    longer number)."""
    return {int(m) for m in _NUMBER.findall(text)}


def _quality_numbers(value, key=None) -> set[int]:
    """Every count in quality.json but the source rows of left-out rows (a row's place in the file)."""
    if isinstance(value, dict):
        return set().union(*(_quality_numbers(v, k) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(_quality_numbers(v, key) for v in value)) if value else set()
    if isinstance(value, bool) or key == "row":
        return set()
    if isinstance(value, (int, float)):
        return {int(value)} if float(value).is_integer() else set()
    return _numbers(str(value)) if key not in ("file", "respondent_id") else set()


def _xlsx_numbers(data: bytes) -> set[int]:
    book = load_workbook(io.BytesIO(data))
    return set().union(*(_numbers(str(c.value)) if isinstance(c.value, str) else
                         ({int(c.value)} if isinstance(c.value, (int, float)) and float(c.value).is_integer() else set())
                         for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None))


def deliverable_numbers(out: Path) -> dict[str, set[int]]:
    """Per client deliverable (and per part of the deck: slides, charts' data, their embedded sheets),
    the whole numbers it shows. The PNG charts are read from the figures' texts, the PDF is the report printed."""
    found = {}
    for path in sorted(out.rglob("*")):
        name = str(path.relative_to(out))
        if path.suffix == ".csv":
            found[name] = _numbers(path.read_text(encoding="utf-8").replace(",", " "))
        elif path.suffix == ".md":
            found[name] = _numbers(path.read_text(encoding="utf-8"))
        elif path.suffix == ".yaml":  # a path's digits are no size (pytest's tmp folder may be .../pytest-131/)
            found[name] = _numbers(re.sub(r"\S*/\S*", " ", path.read_text(encoding="utf-8")))
        elif path.suffix == ".html":
            html = re.sub(r"data:image/[^\"')]+", "", path.read_text(encoding="utf-8"))
            found[name] = _numbers(" ".join(re.sub(r"<[^>]+>", " ", html).split()))
        elif path.name == "quality.json":
            found[name] = _quality_numbers(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".json":
            found[name] = _numbers(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            found[name] = _xlsx_numbers(path.read_bytes())
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            found[name] = {int(v) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                           for v in frame[c].dropna() if float(v).is_integer()}
        elif path.suffix == ".pptx":
            with zipfile.ZipFile(path) as deck:
                for part in deck.namelist():
                    if part.endswith(".xml") and part.startswith(("ppt/slides/", "ppt/charts/")):
                        xml = deck.read(part).decode("utf-8")
                        found[f"{name}:{part}"] = _numbers(" ".join(re.sub(r"<[^>]+>", " ", xml).split()))
                    elif part.endswith(".xlsx"):
                        found[f"{name}:{part}"] = _xlsx_numbers(deck.read(part))
    return found


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_no_deliverable_shows_the_size_of_a_hidden_group(tmp_path, scenario):
    s = SCENARIOS[scenario]
    employees = s["employees"]
    i2 = lambda n: np.where(np.arange(n) < 143, np.arange(n) % 5 + 1, np.nan)  # noqa: E731  143 answer item i2
    items = [lambda n: np.arange(n) % 5 + 1, lambda n: (np.arange(n) * 7) % 5 + 1, i2]
    charts = {}
    out = run(tmp_path, customers=30, employees=employees, pulse=PULSE, employee_items=items,
              comments={"customer": 30, "employee": COMMENTERS}, chart_texts=charts,
              analysis={**MIN_N, "wave": s.get("wave", "latest")}, touchpoints=["reception", "reception", "workshop"],
              earlier=s.get("earlier"))
    found = deliverable_numbers(out)
    found.update({f"{name}.png": _numbers(" ".join(texts)) for name, texts in charts.items()})
    assert {"pulse.png", "nps.png", "mirror.png"} <= set(found) and {163, 167} <= found["pulse.png"]
    assert {"report.html", "gaps.xlsx", "quality.json", "pulse.csv", "themes.csv", "summary.sv.md"} <= set(found)
    assert any(k.startswith("deck.pptx:ppt/embeddings/") for k in found)
    leaks = {name: sorted(numbers & s["hidden"]) for name, numbers in found.items() if numbers & s["hidden"]}
    assert leaks == {}, f"sizes of hidden groups shown: {leaks}"
    # the deck's pulse marks a hidden week as its note says, and shows no n
    with zipfile.ZipFile(out / "deck.pptx") as deck:
        charts = " ".join(deck.read(n).decode() for n in deck.namelist() if n.startswith("ppt/charts/chart"))
    assert "2026-W06\n×" in charts and "2026-W07\n×" not in charts
    # the search does find sizes that may be shown (a search that finds nothing proves nothing)
    everywhere = set().union(*found.values())
    assert s["shown"] <= everywhere


# ---------------------------------------------------------------------------------------------------
# the quality ledger as the client gets it

def _with_employees(results, frame):
    """The results with the employee side's clean rows replaced (its ledger kept)."""
    from dataclasses import replace
    return replace(results, employee=replace(results.employee, frame=frame))


def test_the_demo_ledger_reaches_the_client_whole():
    from mirrorgap.deliver.quality import client_ledger
    demo = demo_results(bootstrap=0)
    shown = client_ledger(demo)
    assert shown == {s.side: _as_the_client_sees_it(s.ledger.to_dict()) for s in (demo.customer, demo.employee)}


def _as_the_client_sees_it(whole: dict) -> dict:
    """Every count of a ledger; the rows left out without respondent ids, the file by its name."""
    return {**whole, "file": Path(whole["file"]).name,
            "excluded": [{k: v for k, v in row.items() if k != "respondent_id"} for row in whole["excluded"]]}


def test_a_hidden_wave_hides_the_employee_rows_and_answer_counts_but_not_the_customers():
    from mirrorgap.deliver.quality import client_ledger, missing_totals
    demo = demo_results(bootstrap=0)
    frame = demo.employee.frame
    waves = frame["wave"].astype(str)
    last = waves.max()
    # four employees in the first wave, everyone in the last: the total minus the last wave would give 4
    thin = pd.concat([frame[waves != last].head(4), frame[waves == last]])
    shown = client_ledger(_with_employees(demo, thin))
    emp, cust = shown["employee"], shown["customer"]
    assert emp["rows_in"] is None and emp["rows_used"] is None
    assert all(c["valid"] is None and c["missing"]["blank"] is None for c in emp["columns"])
    assert emp["excluded_by_reason"] == demo.employee.ledger.exclusion_counts()  # left-out rows are no group
    assert cust == _as_the_client_sees_it(demo.customer.ledger.to_dict())
    assert missing_totals(emp)["blank"] == 0


def test_an_item_too_few_answered_in_a_wave_hides_its_valid_answers_and_blanks_only():
    from mirrorgap.deliver.quality import client_ledger
    demo = demo_results(bootstrap=0)
    item = demo.employee.items[0].id
    frame = demo.employee.frame.copy()
    frame.loc[frame.index[4:], item] = np.nan  # only four answers left to the first item
    emp = client_ledger(_with_employees(demo, frame))["employee"]
    whole = demo.employee.ledger.to_dict()
    assert emp["rows_in"] == whole["rows_in"] and emp["rows_used"] == whole["rows_used"]
    hidden = [c["name"] for c in emp["columns"] if c["valid"] is None]
    assert hidden == [item]
    first = next(c for c in emp["columns"] if c["name"] == item)
    assert first["missing"]["blank"] is None  # valid = rows in − the missing answers otherwise


def test_a_pooled_run_with_its_employee_total_hidden_shows_no_employee_driver_weight(tmp_path):
    """analysis.wave: all, the pool (388) hidden because it gives 2025 (131) back: no employee key-driver
    weight of the pool in drivers.csv, the workbook or the deck (the conservative rule: the pool's
    weights next to the single waves' are not shown either), and the summary says why."""
    out = run(tmp_path, customers=30, employees=257, earlier={"customer": 30, "employee": 131},
              analysis={**MIN_N, "wave": "all"})
    drivers = pd.read_csv(out / "drivers.csv")
    employee = drivers[drivers["side"] == "employee"]
    assert len(employee) == 3 and employee["suppressed"].all()
    figures = ["r2", "weight_raw", "weight_pct", "weight_ci_low", "weight_ci_high", "r", "r_ci_low", "r_ci_high"]
    assert employee[figures].isna().all().all()
    assert drivers.loc[drivers["side"] == "customer", "weight_pct"].notna().all()  # customers' stay
    book = load_workbook(out / "gaps.xlsx")
    sheet = book["Nyckeldrivare"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    side_col = rows[0].index("Sida")
    weight_col = rows[0].index("Betydelse")
    employee_rows = [r for r in rows[1:] if r[side_col] == "Medarbetare"]
    assert employee_rows and all(not isinstance(r[weight_col], (int, float)) for r in employee_rows)
    with zipfile.ZipFile(out / "deck.pptx") as deck:
        slides = " ".join(deck.read(n).decode() for n in deck.namelist() if n.startswith("ppt/slides/slide"))
    assert "arbetsplatsen (eNPS)" not in slides  # no slide of the employees' drivers
    assert "Medarbetarnas nyckeldrivare för eNPS visas inte" in (out / "summary.sv.md").read_text(encoding="utf-8")
