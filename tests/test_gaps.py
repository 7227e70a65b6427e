"""The gap table against independent implementations (scipy, statsmodels) and the classification rules."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from mirrorgap.analyse.gaps import GAP_CSV_COLUMNS, classify, gap_table, gaps_csv_frame
from mirrorgap.config.params import Analysis, MirrorItem, Scale
from mirrorgap.read.ledger import SideLedger
from mirrorgap.read.recode import CleanSide

ITEMS = [
    MirrorItem(id="extra", label={"sv": "Gör det lilla extra"}, customer_column="c1", employee_column="e1"),
    MirrorItem(id="competence", label={"sv": "Kunnig personal"}, customer_column="c2", employee_column="e2"),
    MirrorItem(id="booking", label={"sv": "Lätt att boka"}, customer_column="c3", employee_column="e3",
               customer_scale=Scale(min=0, max=10), employee_scale=Scale(min=1, max=7)),
]


def side(name, scores: dict, scales=None) -> CleanSide:
    frame = pd.DataFrame(scores)
    frame.insert(0, "respondent_id", [str(i) for i in range(len(frame))])
    scales = scales or {i.id: getattr(i, f"{name}_scale") for i in ITEMS}
    return CleanSide(side=name, frame=frame, items=ITEMS, scales=scales, segments=[],
                     ledger=SideLedger(side=name, file="x", read_as={}, rows_in=len(frame)))


@pytest.fixture()
def sides():
    rng = np.random.default_rng(7)
    n_c, n_e = 400, 60
    cust = side("customer", {
        "extra": rng.choice([1, 2, 3, 4, 5], n_c, p=[.1, .2, .3, .25, .15]).astype(float),
        "competence": rng.choice([2, 3, 4, 5], n_c, p=[.05, .15, .4, .4]).astype(float),
        "booking": rng.integers(0, 11, n_c).astype(float),
    })
    emp = side("employee", {
        "extra": rng.choice([3, 4, 5], n_e, p=[.1, .4, .5]).astype(float),
        "competence": rng.choice([1, 2, 3, 4, 5], n_e, p=[.1, .2, .3, .3, .1]).astype(float),
        "booking": rng.integers(1, 8, n_e).astype(float),
    })
    cust.frame.loc[::7, "extra"] = np.nan  # missing answers are left out, not counted as zero
    return cust, emp


def pomp(values, lo, hi):
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return (v - lo) / (hi - lo) * 100


def test_side_figures_match_statsmodels(sides):
    cust, emp = sides
    table = gap_table(cust, emp, Analysis(), language="sv").set_index("item")
    for item, lo, hi in (("extra", 1, 5), ("booking", 0, 10)):
        x = pomp(cust.frame[item], lo, hi)
        d = DescrStatsW(x)
        low, high = d.tconfint_mean(alpha=0.05)
        row = table.loc[item]
        assert row.customer_n == len(x)
        assert row.customer_mean == pytest.approx(x.mean())
        assert (row.customer_ci_low, row.customer_ci_high) == pytest.approx((low, high))
        assert row.customer_mean_native == pytest.approx(np.nanmean(cust.frame[item]))
        top = (x >= 75).sum()
        w_low, w_high = proportion_confint(top, len(x), alpha=0.05, method="wilson")
        assert row.customer_top_box == pytest.approx(100 * top / len(x))
        assert (row.customer_top_box_ci_low, row.customer_top_box_ci_high) == pytest.approx((100 * w_low, 100 * w_high))


def test_gap_is_welch_employee_minus_customer_with_bh_q(sides):
    cust, emp = sides
    table = gap_table(cust, emp, Analysis(), language="sv").set_index("item")
    ps = []
    for item, (clo, chi), (elo, ehi) in (("extra", (1, 5), (1, 5)), ("competence", (1, 5), (1, 5)),
                                        ("booking", (0, 10), (1, 7))):
        e, c = pomp(emp.frame[item], elo, ehi), pomp(cust.frame[item], clo, chi)
        t, p = sps.ttest_ind(e, c, equal_var=False)
        low, high = CompareMeans.from_data(e, c).tconfint_diff(alpha=0.05, usevar="unequal")
        row = table.loc[item]
        assert row.gap == pytest.approx(e.mean() - c.mean())
        assert row.p_value == pytest.approx(p)
        assert (row.gap_ci_low, row.gap_ci_high) == pytest.approx((low, high))
        pooled = np.sqrt(((len(e) - 1) * e.var(ddof=1) + (len(c) - 1) * c.var(ddof=1)) / (len(e) + len(c) - 2))
        j = 1 - 3 / (4 * (len(e) + len(c)) - 9)
        assert row.hedges_g == pytest.approx((e.mean() - c.mean()) / pooled * j)
        ps.append(p)
    q = multipletests(ps, method="fdr_bh")[1]
    assert table["q_value"].tolist() == pytest.approx(list(q))


def test_planted_blind_spot_and_hidden_strength_are_classified(sides):
    cust, emp = sides
    table = gap_table(cust, emp, Analysis(), language="sv").set_index("item")
    assert table.loc["extra", "classification"] == "blind_spot"
    assert table.loc["competence", "classification"] == "hidden_strength"
    assert table.loc["extra", "label"] == "Gör det lilla extra"


@pytest.mark.parametrize("gap, q, expected", [
    (5.0, 0.049, "blind_spot"), (4.99, 0.001, "aligned"), (12.0, 0.05, "aligned"),
    (-5.0, 0.01, "hidden_strength"), (-30.0, 0.2, "aligned"), (float("nan"), float("nan"), "suppressed"),
])
def test_classification_needs_both_size_and_significance(gap, q, expected):
    assert classify(gap, q, threshold=5, alpha=0.05) == expected


def test_employee_results_under_min_n_are_suppressed_with_their_gap(sides):
    cust, emp = sides
    small = side("employee", {k: v.iloc[:4] for k, v in emp.frame[["extra", "competence", "booking"]].items()})
    table = gap_table(cust, small, Analysis(min_n=5), language="sv")
    assert (table["classification"] == "suppressed").all()
    for col in ("employee_mean", "employee_ci_low", "employee_top_box", "gap", "gap_ci_low", "p_value", "hedges_g"):
        assert table[col].isna().all(), col
    assert table["employee_n"].isna().all()  # not even the size of a group too small to show
    assert table["customer_mean"].notna().all()


def test_gaps_csv_has_the_contract_columns_in_order(sides):
    cust, emp = sides
    out = gaps_csv_frame(gap_table(cust, emp, Analysis(), language="sv"))
    assert list(out.columns) == GAP_CSV_COLUMNS
    assert GAP_CSV_COLUMNS == ["item", "label", "customer_n", "customer_mean", "customer_ci_low",
                               "customer_ci_high", "employee_n", "employee_mean", "employee_ci_low",
                               "employee_ci_high", "gap", "gap_ci_low", "gap_ci_high", "p_value", "q_value",
                               "hedges_g", "classification"]


def test_shared_strength_and_weakness():
    high = side("customer", {"extra": [5.0, 5, 4, 5], "competence": [1.0, 2, 1, 2], "booking": [5.0, 6, 5, 4]})
    emp = side("employee", {"extra": [5.0, 4, 5, 5, 5], "competence": [2.0, 1, 2, 1, 1],
                            "booking": [4.0, 4, 4, 4, 5]})
    table = gap_table(high, emp, Analysis(), language="sv").set_index("item")
    assert table.loc["extra", "shared"] == "shared_strength"
    assert table.loc["competence", "shared"] == "shared_weakness"
    assert table.loc["booking", "shared"] == ""


@pytest.mark.parametrize("answers", [
    [1, 2, 2, 5, np.nan, 5, 5], [0, 10, 10, 7, 9, np.nan], [1.5, 2.5, 2.5], [0.1, 0.2, 0.1], [-9, 1, 5, 1e6],
    [np.inf, 1, 1], [np.nan, np.nan], [], [3] * 50 + [1] * 7, [1, 70_000],
])
def test_value_counts_are_pandas_counts(answers):
    from mirrorgap.analyse.gaps import value_counts

    scores = pd.Series(answers, dtype=float)
    expected = scores.dropna().value_counts().sort_index()
    values, counts = value_counts(scores)
    assert values.dtype == np.float64 and counts.dtype == np.int64
    np.testing.assert_array_equal(values, expected.index.to_numpy(dtype=float))
    np.testing.assert_array_equal(counts, expected.to_numpy())
