"""The analysts' explorer: settings recompute every view live; the save button writes valid params
only, and the next run uses them (the top-box statistics themselves: tests/test_top_box.py)."""
import shutil

import nbformat
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from traitlets import dlink

from helpers import demo_aggregates, kish, raked_weights
from mirrorgap.aggregate.build import aggregate_meta
from mirrorgap.aggregate.views import Filters
from mirrorgap.analyse.pipeline import analyse, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import NOTEBOOKS_DIR, PARAMS_DIR
from mirrorgap.dashboard.filters import FilterBar
from mirrorgap.dashboard.panels.table import GapTablePanel
from mirrorgap.explorer.explorer import Explorer, client_from_env

WAVE = Filters(wave="2026")



@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


@pytest.fixture()
def explorer(demo, tmp_path):
    params_file = tmp_path / "demo.yaml"
    shutil.copy(PARAMS_DIR / "demo.yaml", params_file)
    return Explorer(demo.engagement, demo.customer, demo.employee, params_file=params_file, counts=demo.counts)


def test_the_views_are_the_reports_numbers_for_the_params_settings(explorer, demo):
    report = analyse(demo.engagement, demo.customer, demo.employee).gaps
    shown = explorer.views.gap_table(WAVE)
    # atol: the demo's customers are weighted (raked to Kundtyp); the view sums Σw per answer value, the
    # report weighs row by row, so float sums differ in the last bits (2.9e-14 on a bound of −0.013)
    for col in ("customer_mean", "employee_mean", "gap", "gap_ci_low", "q_value"):
        np.testing.assert_allclose(shown[col], report[col], rtol=1e-12, atol=1e-12, err_msg=col)
    assert shown["classification"].tolist() == report["classification"].tolist()


def test_raising_min_n_hides_a_department_and_the_linked_panel_redraws(explorer):
    bar = FilterBar(explorer.views)
    panel = GapTablePanel(explorer.views, shown=True)
    dlink((bar, "filters"), (panel, "filters"))
    dlink((explorer, "views"), (panel, "views"))
    bar.employee_segment = ("avdelning", "Försäljning")  # 13 employees in 2026
    assert "för få svar" not in panel.table.value
    renders = panel.renders
    explorer.controls["min_n"].value = 15
    assert explorer.min_n == 15 and panel.renders == renders + 1
    assert panel.table.value.count("för få svar") == 11
    explorer.min_n = 5
    assert "för få svar" not in panel.table.value


def test_threshold_and_alpha_reclassify_by_their_definition(explorer):
    assert explorer.views.gap_table(WAVE).set_index("item").loc["extra_mile", "classification"] == "blind_spot"
    explorer.gap_threshold = 25.0
    table = explorer.views.gap_table(WAVE)
    assert set(table["classification"]) == {"aligned"}
    explorer.gap_threshold, explorer.alpha = 5.0, 0.001
    table = explorer.views.gap_table(WAVE)
    expected = np.where((table["gap"] >= 5) & (table["q_value"] < 0.001), "blind_spot",
                        np.where((table["gap"] <= -5) & (table["q_value"] < 0.001), "hidden_strength", "aligned"))
    assert table["classification"].tolist() == expected.tolist()


def test_items_left_out_leave_every_view_and_the_q_values(explorer):
    explorer.item_boxes["competence"].value = False
    explorer.item_boxes["follow_up"].value = False
    assert explorer.excluded_items == ["competence", "follow_up"]
    table = explorer.views.gap_table(WAVE)
    assert "competence" not in set(table["item"]) and len(table) == 9
    np.testing.assert_allclose(table["q_value"], multipletests(table["p_value"], method="fdr_bh")[1])


def test_top_box_metric_compares_the_shares_of_top_answers(explorer, demo):
    explorer.controls["metric"].value = "top_box"
    assert explorer.views.metric == "top_box"
    corrected = explorer.views.gap_table(WAVE).set_index("item").loc["extra_mile"]
    # the demo's headcount narrows the employees' interval (finite-population correction, tests/test_design.py);
    # against statsmodels here: the plain two-sample comparison, without it
    explorer.views.meta.pop("populations")
    row = explorer.views.gap_table(WAVE).set_index("item").loc["extra_mile"]
    assert corrected["employee_ci_high"] - corrected["employee_ci_low"] < row["employee_ci_high"] - row["employee_ci_low"]
    assert corrected["employee_mean"] == row["employee_mean"]
    # the customers are raked to `rake_to: Kundtyp` over the wave (our own raking): their weighted
    # share, with Kish's n_eff as the n of Newcombe's interval and the z-test (weighted count = share · n_eff)
    tops = {}
    for side, clean in (("customer", demo.customer), ("employee", demo.employee)):
        rows = clean.frame[clean.frame["wave"] == "2026"]
        w = (raked_weights(rows, demo.engagement.customer.rake_to) if side == "customer"
             else pd.Series(1.0, index=rows.index))
        answers = rows["extra_mile"].dropna()
        w = w[answers.index]
        share = w[answers >= 4].sum() / w.sum()  # 4 and 5 on the 1–5 scale
        tops[side] = (share * kish(w), kish(w))
        assert row[f"{side}_mean"] == pytest.approx(100 * share)
    assert tops["employee"][1] == pytest.approx(len(demo.employee.frame.loc[
        demo.employee.frame["wave"] == "2026", "extra_mile"].dropna()))  # unweighted: n_eff is n
    (k1, n1), (k2, n2) = tops["employee"], tops["customer"]
    sm_low, sm_high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert (row["gap_ci_low"], row["gap_ci_high"]) == pytest.approx((100 * sm_low, 100 * sm_high), abs=1e-9)
    assert row["p_value"] == pytest.approx(proportions_ztest([k1, k2], [n1, n2])[1], rel=1e-9)
    assert row["classification"] == "blind_spot" and row["employee_mean_pomp"] > row["employee_mean"] - 100


def test_save_writes_the_chosen_settings_into_the_params_file(explorer):
    before = explorer.params_file.read_text(encoding="utf-8")
    explorer.min_n, explorer.gap_threshold = 7, 6.5
    changes = explorer.save()
    assert changes == {("analysis", "min_n"): (5, 7), ("analysis", "gap_threshold"): (5, 6.5)}
    after = explorer.params_file.read_text(encoding="utf-8")
    assert "  min_n: 7\n" in after and "  gap_threshold: 6.5\n" in after
    assert after.replace("min_n: 7", "min_n: 5").replace("gap_threshold: 6.5", "gap_threshold: 5") == before
    saved = load_engagement(explorer.params_file).analysis
    assert (saved.min_n, saved.gap_threshold) == (7, 6.5)
    assert "Sparat i" in explorer.status and "analysis.min_n: 5 → 7" in explorer.status
    assert explorer.save() == {} and "Inget att spara" in explorer.status


def test_metric_and_items_left_out_are_saved_and_the_next_run_uses_them(explorer, demo):
    explorer.metric = "top_box"
    explorer.item_boxes["competence"].value = False
    shown = explorer.views.gap_table(WAVE)
    changes = explorer.save()
    assert changes == {("analysis", "metric"): ("mean", "top_box"),
                       ("analysis", "exclude_items"): ([], ["competence"])}
    assert "analysis.metric: mean → top_box" in explorer.status
    saved = load_engagement(explorer.params_file)
    assert saved.analysis.metric == "top_box" and saved.analysis.exclude_items == ["competence"]
    # the next run, from the saved file and the raw files, as `make run` reads them
    run = analyse(saved, load_side(saved, "customer"), load_side(saved, "employee"))
    assert "competence" not in set(run.gaps["item"]) and "competence" not in run.customer.frame
    for col in ("customer_mean", "employee_mean", "gap", "gap_ci_low", "gap_ci_high", "q_value"):
        np.testing.assert_allclose(run.gaps[col], shown[col], rtol=1e-12, err_msg=col)
    meta = aggregate_meta(saved, run.customer, run.employee, run_id="next")
    assert meta["analysis"]["metric"] == "top_box" and "competence" not in {i["id"] for i in meta["items"]}


def test_an_excluded_item_can_be_ticked_back_in(demo, tmp_path):
    params_file = tmp_path / "demo.yaml"
    text = (PARAMS_DIR / "demo.yaml").read_text(encoding="utf-8")
    params_file.write_text(text.replace("analysis:\n", "analysis:\n  exclude_items: [competence]\n", 1), encoding="utf-8")
    explorer = Explorer.from_client("demo", params_dir=tmp_path)
    assert explorer.excluded_items == ["competence"] and not explorer.item_boxes["competence"].value
    assert "competence" not in set(explorer.views.gap_table(WAVE)["item"])
    explorer.item_boxes["competence"].value = True
    assert "competence" in set(explorer.views.gap_table(WAVE)["item"])


def test_leaving_every_item_out_is_refused_and_the_views_stay(explorer):
    for box in explorer.item_boxes.values():
        box.value = False
    # the last untick is refused: the views keep the one item left before it, and the status says why
    assert "exclude_items" in explorer.status and len(explorer.views.items) == 1


def test_invalid_settings_are_not_saved(explorer):
    before = explorer.params_file.read_bytes()
    explorer.alpha = 1.5
    assert explorer.save() == {}
    assert explorer.status.startswith("Inte sparat") and "analysis.alpha" in explorer.status
    assert explorer.params_file.read_bytes() == before


def test_client_comes_from_make_explore(monkeypatch):
    monkeypatch.delenv("MIRRORGAP_CLIENT", raising=False)
    assert client_from_env() == "demo"
    monkeypatch.setenv("MIRRORGAP_CLIENT", "acme")
    assert client_from_env() == "acme"


def test_explore_notebook_only_builds_and_wires_and_is_committed_clean():
    nb = nbformat.read(NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) <= 5 and all(c.outputs == [] and c.execution_count is None for c in code)
    assert "Explorer.from_client" in code[0].source and "dlink" in "".join(c.source for c in code)
