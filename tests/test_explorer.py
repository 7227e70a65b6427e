"""The analysts' explorer: settings recompute every view live; the top-box metric is tested against
statsmodels and Newcombe's published example; the save button writes valid params only."""
import shutil
from types import SimpleNamespace

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from traitlets import dlink

from mirrorgap.aggregates import build_aggregates
from mirrorgap.explorer import Explorer, TopBoxViews, client_from_env, newcombe_diff_ci, two_proportion_p
from mirrorgap.params import Analysis, load_engagement
from mirrorgap.paths import NOTEBOOKS_DIR, PARAMS_DIR
from mirrorgap.pipeline import analyse, load_side
from mirrorgap.stats import wilson_ci
from mirrorgap.views import Filters
from mirrorgap.widgets import FilterBar, GapTablePanel

WAVE = Filters(wave="2026")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def demo():
    engagement = load_engagement(PARAMS_DIR / "demo.yaml")
    customer, employee = load_side(engagement, "customer"), load_side(engagement, "employee")
    return SimpleNamespace(engagement=engagement, customer=customer, employee=employee,
                           counts=build_aggregates(engagement, customer, employee))


@pytest.fixture()
def explorer(demo, tmp_path):
    params_file = tmp_path / "demo.yaml"
    shutil.copy(PARAMS_DIR / "demo.yaml", params_file)
    return Explorer(demo.engagement, demo.customer, demo.employee, params_file=params_file, counts=demo.counts)


def test_the_views_are_the_reports_numbers_for_the_params_settings(explorer, demo):
    report = analyse(demo.engagement, demo.customer, demo.employee).gaps
    shown = explorer.views.gap_table(WAVE)
    for col in ("customer_mean", "employee_mean", "gap", "gap_ci_low", "q_value"):
        np.testing.assert_allclose(shown[col], report[col], rtol=1e-12, err_msg=col)
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


def test_newcombe_interval_matches_the_published_example_and_statsmodels():
    a, b = wilson_ci(56, 70), wilson_ci(48, 80)  # Newcombe (1998), example (a): 56/70 − 48/80
    low, high = newcombe_diff_ci(a.share, a.ci_low, a.ci_high, b.share, b.ci_low, b.ci_high)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    sm = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")
    assert (low, high) == pytest.approx(sm, abs=1e-12)
    assert two_proportion_p(56, 70, 48, 80) == pytest.approx(proportions_ztest([56, 48], [70, 80])[1], rel=1e-12)


def test_top_box_metric_compares_the_shares_of_top_answers(explorer, demo):
    explorer.controls["metric"].value = "top_box"
    assert isinstance(explorer.views, TopBoxViews) and explorer.views.metric == "top_box"
    row = explorer.views.gap_table(WAVE).set_index("item").loc["extra_mile"]
    tops = {}
    for side, clean in (("customer", demo.customer), ("employee", demo.employee)):
        answers = clean.frame.loc[clean.frame["wave"] == "2026", "extra_mile"].dropna()
        tops[side] = (int((answers >= 4).sum()), len(answers))  # 4 and 5 on the 1–5 scale
        assert row[f"{side}_mean"] == pytest.approx(100 * tops[side][0] / tops[side][1])
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


def test_settings_the_schema_does_not_have_are_named_not_saved(explorer):
    if "metric" in Analysis.model_fields:
        pytest.skip("the params schema has analysis.metric now")
    explorer.metric = "top_box"
    explorer.item_boxes["competence"].value = False
    explorer.save()
    assert "analysis.metric = top_box" in explorer.status and "analysis.exclude_items = ['competence']" in explorer.status
    assert "metric" not in explorer.params_file.read_text(encoding="utf-8")


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
