"""The top-box gap: Newcombe's interval against the published example and statsmodels, the pooled
z-test against statsmodels, and a run whose params ask for it."""
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from tests.helpers import kish, raked_weights

from mirrorgap.analyse.pipeline import analyse, load_side
from mirrorgap.analyse.top_box import newcombe_diff_ci, two_proportion_p
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.stats.estimators import wilson_ci


def test_newcombe_interval_matches_the_published_example_and_statsmodels():
    a, b = wilson_ci(56, 70), wilson_ci(48, 80)  # Newcombe (1998), example (a): 56/70 − 48/80
    low, high = newcombe_diff_ci(a.share, a.ci_low, a.ci_high, b.share, b.ci_low, b.ci_high)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    sm = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")
    assert (low, high) == pytest.approx(sm, abs=1e-12)


@pytest.mark.parametrize("k1, n1, k2, n2", [(56, 70, 48, 80), (3, 9, 40, 41), (0, 12, 5, 30)])
def test_two_proportion_p_equals_statsmodels(k1, n1, k2, n2):
    assert two_proportion_p(k1, n1, k2, n2) == pytest.approx(proportions_ztest([k1, k2], [n1, n2])[1], rel=1e-9)


def test_no_answers_or_identical_answers_give_no_p():
    assert np.isnan(two_proportion_p(0, 0, 3, 10)) and np.isnan(two_proportion_p(10, 10, 20, 20))


def test_a_run_with_metric_top_box_compares_top_box_shares():
    engagement = load_engagement(PARAMS_DIR / "demo.yaml")
    # without the demo's headcount: the plain two-sample comparison (its FPC is checked in test_design)
    engagement = engagement.model_copy(update={"headcount": None,
                                               "analysis": engagement.analysis.model_copy(update={"metric": "top_box"})})
    customer, employee = load_side(engagement, "customer"), load_side(engagement, "employee")
    gaps = analyse(engagement, customer, employee).gaps.set_index("item")
    wave = lambda clean: clean.frame[clean.frame["wave"] == "2026"]  # noqa: E731  (the latest wave)
    # the demo's customers are raked to `rake_to: Kundtyp`: their share is the weighted one and its
    # Wilson interval is on Kish's n_eff (weighted count = share · n_eff); the employees are unweighted
    raked = raked_weights(wave(customer), engagement.customer.rake_to)
    for item in ("competence", "extra_mile", "staff_stressed"):
        tops = {}
        for side, clean in (("customer", customer), ("employee", employee)):
            answers = wave(clean)[item].dropna()
            scale = clean.scales[item]
            is_top = (answers - scale.min) / (scale.max - scale.min) * 100 >= 75
            w = raked[answers.index] if side == "customer" else pd.Series(1.0, index=answers.index)
            n = kish(w)
            tops[side] = (n * w[is_top].sum() / w.sum(), n)
            assert gaps.loc[item, f"{side}_mean"] == pytest.approx(100 * w[is_top].sum() / w.sum(), abs=1e-9)
        assert tops["employee"][1] == len(wave(employee)[item].dropna())  # unweighted: n_eff is n
        (k1, n1), (k2, n2) = tops["employee"], tops["customer"]
        low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        assert (gaps.loc[item, "gap_ci_low"], gaps.loc[item, "gap_ci_high"]) == pytest.approx((100 * low, 100 * high))
    assert gaps["q_value"].to_numpy() == pytest.approx(multipletests(gaps["p_value"], method="fdr_bh")[1])


def test_a_top_box_run_without_one_item_says_so_in_every_deliverable(tmp_path):
    """metric: top_box and exclude_items, as the explorer saves them: the report, charts, deck and
    workbook word the method for shares, and the excluded item is nowhere."""
    from html import escape

    import matplotlib.pyplot as plt
    from openpyxl import load_workbook
    from pptx import Presentation

    from helpers import demo_results
    from mirrorgap.config.texts import texts
    from mirrorgap.deliver.deck.build import write_deck
    from mirrorgap.deliver.figures import make_figures
    from mirrorgap.deliver.report import render_report
    from mirrorgap.deliver.workbook import write_workbook
    from mirrorgap.render.findings import method_text

    results = demo_results(metric="top_box", exclude_items=["competence"])
    sv = texts("sv")
    method = method_text(results.engagement, results)
    assert method.startswith(sv["report.method_text_if_top_box"][:40]) and "75" in method
    assert "competence" not in set(results.gaps["item"]) and results.engagement.analysed_items[0].id != "competence"
    figures = make_figures(results)
    try:
        assert figures["mirror"].axes[0].get_xlabel() == sv["chart.score_axis_if_top_box"]
        assert figures["gap"].axes[0].get_xlabel() == sv["chart.gap_axis_if_top_box"]
    finally:
        for fig in figures.values():
            plt.close(fig)
    html = render_report(results, {}, run_id="20261123-101500")
    assert escape(method) in html and escape(sv["report.method_text"][:60]) not in html
    assert "Kunnig personal" not in html  # the excluded item's label
    deck = Presentation(write_deck(results, tmp_path / "deck.pptx", run_id="20261123-101500"))
    words = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert sv["deck.mirror_subtitle_if_top_box"] in words and sv["deck.mirror_subtitle"] not in words
    about = load_workbook(write_workbook(results, tmp_path / "tables.xlsx")).worksheets[0]
    cells = [str(c.value) for row in about.iter_rows() for c in row if c.value]
    assert method in cells and sv["deck.about.pomp_if_top_box"] in cells
