"""Change between waves: item changes against scipy's Welch test, the gap's change (a difference in
differences of four groups) against statsmodels OLS with robust errors and a coverage simulation,
suppression of small employee waves, the demo's planted changes, and the trend chart."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import dataclasses  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats as sps  # noqa: E402
from statsmodels.regression.linear_model import OLS  # noqa: E402
from statsmodels.stats.weightstats import DescrStatsW  # noqa: E402
from statsmodels.tools import add_constant  # noqa: E402

from helpers import engagement, kish, raked_weights  # noqa: E402
from mirrorgap.analyse.pipeline import load_side  # noqa: E402
from mirrorgap.analyse.trends import (  # noqa: E402
    GAP_DIRECTIONS,
    TREND_COLUMNS,
    gap_change_from_summary,
    gap_direction,
    trend_table,
)
from mirrorgap.config.params import load_engagement  # noqa: E402
from mirrorgap.config.texts import section  # noqa: E402
from mirrorgap.read.ledger import SideLedger  # noqa: E402
from mirrorgap.read.recode import CleanSide  # noqa: E402
from mirrorgap.render.charts.trends import trend_chart, trend_figure  # noqa: E402
from mirrorgap.render.style import HOUSE_COLORS, set_theme  # noqa: E402


def summary(x: np.ndarray) -> tuple[int, float, float]:
    return len(x), float(np.mean(x)), float(np.std(x, ddof=1))


# ------------------------------------------------------------------------------ the gap's change

def four_groups(rng, ns, means, sds):
    return [rng.normal(m, s, n) for n, m, s in zip(ns, means, sds)]


def test_gap_change_matches_ols_with_interaction_and_hc2_errors():
    """y ~ employee + later + employee:later; the interaction is the change of the gap. In this
    saturated cell-means model HC2 gives exactly Σ s_g²/n_g, so the SE must agree to rounding, and
    for large n the t-CI is close to the normal-theory robust CI."""
    rng = np.random.default_rng(20260401)
    ns, means, sds = (400, 1500, 380, 1450), (77.0, 55.0, 76.0, 57.0), (18.0, 25.0, 15.0, 24.0)
    e1, c1, e2, c2 = four_groups(rng, ns, means, sds)
    y = np.concatenate([e1, c1, e2, c2])
    employee = np.concatenate([np.ones(ns[0]), np.zeros(ns[1]), np.ones(ns[2]), np.zeros(ns[3])])
    later = np.concatenate([np.zeros(ns[0] + ns[1]), np.ones(ns[2] + ns[3])])
    X = add_constant(np.column_stack([employee, later, employee * later]))
    fit = OLS(y, X).fit(cov_type="HC2")
    g = gap_change_from_summary(summary(e1), summary(c1), summary(e2), summary(c2), conf=0.95)
    assert g.change == pytest.approx(fit.params[3], abs=1e-9)
    assert g.se == pytest.approx(fit.bse[3], rel=1e-9)
    low, high = fit.conf_int(alpha=0.05)[3]
    assert g.ci_low == pytest.approx(low, abs=0.02) and g.ci_high == pytest.approx(high, abs=0.02)
    assert g.p_value == pytest.approx(fit.pvalues[3], abs=2e-3)
    assert g.gap_from == pytest.approx(e1.mean() - c1.mean()) and g.gap_to == pytest.approx(e2.mean() - c2.mean())


def test_gap_change_df_reduces_to_welch_when_two_groups_have_no_variance():
    """With both customer groups constant, the four-group Satterthwaite df is Welch's df of the two
    employee groups, and the CI is scipy's Welch CI of e2 − e1 shifted by the customers' change."""
    rng = np.random.default_rng(7)
    e1, e2 = rng.normal(70, 20, 9), rng.normal(60, 6, 14)
    c1, c2 = np.full(30, 50.0), np.full(40, 52.0)
    g = gap_change_from_summary(summary(e1), summary(c1), summary(e2), summary(c2), conf=0.9)
    ref = sps.ttest_ind(e2, e1, equal_var=False)
    assert g.df == pytest.approx(ref.df, rel=1e-12)
    ci = ref.confidence_interval(confidence_level=0.9)
    assert g.ci_low == pytest.approx(ci.low - 2.0, rel=1e-9) and g.ci_high == pytest.approx(ci.high - 2.0, rel=1e-9)
    assert g.p_value == pytest.approx(sps.ttest_ind(e2 - 2.0, e1, equal_var=False).pvalue, rel=1e-9)


def test_gap_change_ci_covers_the_truth_at_its_level_with_small_unequal_groups():
    """Coverage simulation: small, unequal groups with unequal spreads; the 95% CI must cover the
    true change 95% of the time (±1.5 points), where a normal-quantile CI would undercover."""
    rng = np.random.default_rng(20261123)
    ns, means, sds = (6, 40, 8, 60), (70.0, 55.0, 68.0, 60.0), (22.0, 10.0, 25.0, 12.0)
    truth = (means[2] - means[3]) - (means[0] - means[1])
    reps, hits, z_hits = 2000, 0, 0
    z = sps.norm.ppf(0.975)
    for _ in range(reps):
        groups = four_groups(rng, ns, means, sds)
        g = gap_change_from_summary(*[summary(x) for x in groups], conf=0.95)
        hits += g.ci_low <= truth <= g.ci_high
        z_hits += abs(g.change - truth) <= z * g.se
    assert 0.935 <= hits / reps <= 0.965
    assert z_hits / reps < hits / reps - 0.01  # the t(df) quantile is what earns the coverage


def test_gap_change_with_too_few_answers_is_nan_not_an_error():
    g = gap_change_from_summary((1, 70.0, np.nan), (50, 55.0, 10.0), (20, 72.0, 9.0), (50, 56.0, 10.0))
    assert np.isnan(g.se) and np.isnan(g.ci_low) and np.isnan(g.p_value)
    g = gap_change_from_summary((0, np.nan, np.nan), (50, 55.0, 10.0), (20, 72.0, 9.0), (50, 56.0, 10.0))
    assert np.isnan(g.change)


@pytest.mark.parametrize("gap_from, gap_to, low, high, expected", [
    (20.0, 12.0, -12.0, -4.0, "closed"),      # shrank, significantly
    (20.0, 17.0, -8.6, 2.7, "unchanged"),     # shrank, but the CI holds 0: no claim
    (5.0, 12.0, 2.0, 12.0, "widened"),
    (-14.0, -20.0, -10.0, -2.0, "widened"),   # a hidden strength growing is a wider gap
    (-14.0, -6.0, 3.0, 13.0, "closed"),
    (10.0, -4.0, -20.0, -8.0, "closed"),      # crossed over, smaller in size
    (4.0, -15.0, -25.0, -13.0, "widened"),    # crossed over, larger in size
    (10.0, np.nan, np.nan, np.nan, "suppressed"),
])
def test_gap_direction_claims_only_what_the_ci_supports(gap_from, gap_to, low, high, expected):
    assert gap_direction(gap_from, gap_to, low, high) == expected


# ------------------------------------------------------------------------------ the trend table

ENG = engagement()


def clean(side: str, waves: dict[str, dict[str, np.ndarray]]) -> CleanSide:
    """A clean side from per-wave item scores on the 1–5 scale (the helper engagement's items)."""
    parts = []
    for wave, items in waves.items():
        n = len(next(iter(items.values())))
        parts.append(pd.DataFrame({"respondent_id": [f"{side[0]}{wave}-{k}" for k in range(n)],
                                   "wave": wave, **items}))
    frame = pd.concat(parts, ignore_index=True)
    frame["source_row"] = np.arange(len(frame)) + 2
    items = ENG.items
    return CleanSide(side=side, frame=frame, items=items, scales={i.id: i.customer_scale for i in items},
                     segments=[], ledger=SideLedger(side=side, file="x", read_as={}, rows_in=len(frame)))


def scores(rng, n, mean):
    return np.clip(np.round(rng.normal(mean, 1.0, n)), 1, 5)


@pytest.fixture
def sides():
    rng = np.random.default_rng(11)
    customer = clean("customer", {w: {"extra": scores(rng, 300, m), "stress": scores(rng, 300, 3.2)}
                                  for w, m in (("2024", 3.0), ("2025", 3.3), ("2026", 3.6))})
    employee = clean("employee", {w: {"extra": scores(rng, n, 4.0), "stress": scores(rng, n, 3.5)}
                                  for w, n in (("2024", 40), ("2025", 3), ("2026", 45))})
    return customer, employee


def test_item_change_is_welchs_test_on_pomp_between_consecutive_waves(sides):
    customer, employee = sides
    table = trend_table(customer, employee, ENG)
    assert list(table.columns) == TREND_COLUMNS
    rows = table[(table["kind"] == "item_change") & (table["side"] == "customer") & (table["item"] == "extra")]
    assert rows[["wave_from", "wave_to"]].values.tolist() == [["2024", "2025"], ["2025", "2026"]]
    pomp = (customer.frame["extra"] - 1) / 4 * 100
    for _, row in rows.iterrows():
        a = pomp[customer.frame["wave"] == row["wave_to"]]
        b = pomp[customer.frame["wave"] == row["wave_from"]]
        ref = sps.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(confidence_level=0.95)
        assert row["mean_from"] == pytest.approx(b.mean()) and row["mean_to"] == pytest.approx(a.mean())
        assert row["change"] == pytest.approx(a.mean() - b.mean())
        assert (row["change_ci_low"], row["change_ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)
        assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
        assert row["significant"] == (ci.low > 0 or ci.high < 0)
        assert (row["n_from"], row["n_to"]) == (len(b), len(a))


def test_reversed_item_gets_its_suffix_and_every_row_kind_is_known(sides):
    table = trend_table(*sides, ENG)
    assert set(table["kind"]) == {"item_change", "gap_change"}
    assert table.loc[table["item"] == "stress", "label"].str.endswith("(omvänd)").all()
    assert set(table["gap_direction"]) <= set(GAP_DIRECTIONS) | {""}


def test_small_employee_wave_is_suppressed_with_its_changes_and_gaps(sides):
    table = trend_table(*sides, ENG)
    emp = table[(table["kind"] == "item_change") & (table["side"] == "employee")]
    assert emp["suppressed"].all()  # 2024→2025 and 2025→2026 both touch the 3-person wave
    assert emp["change"].isna().all() and emp["change_ci_low"].isna().all() and emp["p_value"].isna().all()
    assert emp.loc[emp["wave_to"] == "2025", "mean_to"].isna().all()
    assert emp.loc[emp["wave_from"] == "2025", "mean_from"].isna().all()
    assert emp.loc[emp["wave_from"] == "2024", "mean_from"].notna().all()  # 40 people: shown
    assert not emp["significant"].any()
    gaps = table[table["kind"] == "gap_change"]
    assert gaps["suppressed"].all() and (gaps["gap_direction"] == "suppressed").all()
    assert gaps["gap_change"].isna().all()
    assert gaps.loc[gaps["wave_to"] == "2025", "gap_to"].isna().all()
    # customers are never suppressed
    assert not table.loc[table["side"] == "customer", "suppressed"].any()


def test_with_pooled_waves_shown_no_small_wave_is_recoverable_by_subtraction(sides):
    """analysis.wave: all shows the employees pooled over waves. Attacker: pooled sum − the shown
    waves' sums = the hidden waves' combined sum; that must not be a group under min_n."""
    customer, employee = sides
    pooled_eng = engagement(analysis={"wave": "all"})
    table = trend_table(customer, employee, pooled_eng)
    min_n = pooled_eng.analysis.min_n
    emp = table[(table["kind"] == "item_change") & (table["side"] == "employee") & (table["item"] == "extra")]
    shown = {}
    for _, r in emp.iterrows():
        for end in ("from", "to"):
            if np.isfinite(r[f"mean_{end}"]):
                shown[r[f"wave_{end}"]] = r[f"n_{end}"]
    counts = employee.frame.groupby("wave")["extra"].count()
    hidden = [w for w in counts.index if w not in shown]
    assert "2025" in hidden
    assert len(hidden) >= 2 and counts[hidden].sum() >= min_n
    # without a pooled view only the small wave itself is hidden
    alone = trend_table(customer, employee, ENG)
    alone_emp = alone[(alone["kind"] == "item_change") & (alone["side"] == "employee") & (alone["item"] == "extra")]
    assert alone_emp.loc[alone_emp["wave_from"] == "2024", "mean_from"].notna().all()


def test_a_side_with_one_wave_gives_an_empty_table_with_the_columns():
    rng = np.random.default_rng(3)
    one = {"2026": {"extra": scores(rng, 20, 3), "stress": scores(rng, 20, 3)}}
    table = trend_table(clean("customer", one), clean("employee", one), ENG)
    assert table.empty and list(table.columns) == TREND_COLUMNS


# ------------------------------------------------------------------------------ the demo

@pytest.fixture(scope="module")
def demo():
    eng = load_engagement("params/demo.yaml")
    return eng, trend_table(load_side(eng, "customer"), load_side(eng, "employee"), eng)


def test_demo_customers_improve_follow_up_and_easy_booking_significantly(demo):
    _, table = demo
    cust = table[(table["kind"] == "item_change") & (table["side"] == "customer")].set_index("item")
    for item in ("follow_up", "easy_booking"):
        row = cust.loc[item]
        assert (row["wave_from"], row["wave_to"]) == ("2025", "2026")
        assert row["significant"] and row["change_ci_low"] > 0 and 4 < row["change"] < 11, item
    assert not table["suppressed"].any()  # every employee wave has well over min_n answers


def test_demo_customer_changes_are_welch_on_each_wave_raked_on_its_own(demo):
    """The demo rakes the customers to `rake_to: Kundtyp` (params/demo.yaml), each wave on its own: a
    change is the difference of the waves' weighted means, its interval Welch's on each wave's Kish
    n_eff — checked with our own raking, statsmodels' DescrStatsW and scipy's t."""
    eng, table = demo
    customer = load_side(eng, "customer")
    cust = table[(table["kind"] == "item_change") & (table["side"] == "customer")].set_index("item")
    for item in ("follow_up", "easy_booking", "extra_mile"):
        stats, scale = [], customer.scales[item]
        for wave in ("2025", "2026"):
            rows = customer.frame[customer.frame["wave"] == wave]
            w = raked_weights(rows, eng.customer.rake_to)
            x = (rows[item] - scale.min) / (scale.max - scale.min) * 100
            ok = x.notna()
            n_eff = kish(w[ok])
            d = DescrStatsW(x[ok].to_numpy(), weights=(w[ok] * n_eff / w[ok].sum()).to_numpy())
            stats.append((d.mean, d.std_mean ** 2, n_eff))
        (m1, v1, n1), (m2, v2, n2) = stats
        df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
        half = sps.t.ppf(0.975, df) * np.sqrt(v1 + v2)
        row = cust.loc[item]
        assert row["change"] == pytest.approx(m2 - m1, rel=1e-9), item
        assert (row["change_ci_low"], row["change_ci_high"]) == pytest.approx((m2 - m1 - half, m2 - m1 + half), rel=1e-9)


def test_demo_extra_mile_gap_narrows_but_the_direction_claims_only_what_the_ci_supports(demo):
    _, table = demo
    row = table[(table["kind"] == "gap_change") & (table["item"] == "extra_mile")].iloc[0]
    assert 15 < row["gap_to"] < row["gap_from"] < 28  # the blind spot narrows a little
    assert row["gap_change_ci_low"] < 0 < row["gap_change_ci_high"]
    assert row["gap_direction"] == "unchanged" and not row["significant"]
    for _, r in table[table["kind"] == "gap_change"].iterrows():
        excludes_zero = r["gap_change_ci_low"] > 0 or r["gap_change_ci_high"] < 0
        assert (r["gap_direction"] in ("closed", "widened")) == excludes_zero, r["item"]


# ------------------------------------------------------------------------------ the chart

def test_trend_chart_draws_two_sides_per_item_and_emphasises_significant_changes(demo):
    eng, table = demo
    set_theme()
    fig, ax = trend_figure(table)
    assert trend_chart(table, ax=ax, texts=section("sv", "trends")) is ax
    items = table.loc[table["kind"] == "item_change", "item"].nunique()
    assert len(ax.get_yticklabels()) == items
    assert ax.get_yticklabels()[0].get_text() in ("Uppföljning efter besöket", "Lätt att boka tid")  # biggest gain on top
    loud = [p for p in ax.patches if str(p.get_gid()).endswith("_significant")]
    n_sig = int(table.loc[table["kind"] == "item_change", "significant"].sum())
    assert len(loud) == n_sig == 3
    assert {p.get_gid() for p in loud} == {"customer_arrow_significant"}
    bold = [t for t in ax.texts if t.get_gid() == "change_label_significant"]
    assert len(bold) == n_sig and all(t.get_fontweight() == "bold" for t in bold)
    # the customers' weighted changes (raked per wave): follow_up +7.4, easy_booking +6.7, extra_mile +2.6
    assert sorted(t.get_text() for t in bold) == ["+3", "+7", "+7"]
    assert all(matplotlib.colors.same_color(t.get_color(), HOUSE_COLORS["customer"]) for t in bold)
    assert "Ofylld punkt: 2025, fylld punkt: 2026" in " ".join(t.get_text() for t in ax.texts)


def test_trend_chart_marks_suppressed_employee_waves(sides):
    table = trend_table(*sides, ENG)
    ax = trend_chart(table, wave_from="2025", wave_to="2026", sort="input")
    notes = [t for t in ax.texts if t.get_gid() == "too_few"]
    assert len(notes) == 2 and all("too few answers" in t.get_text() for t in notes)
    assert not [p for p in ax.patches if str(p.get_gid()).startswith("employee_arrow")]
    with pytest.raises(ValueError, match="no change from wave"):
        trend_chart(table, wave_from="2024", wave_to="2026")


# ------------------------------------------------------------------------------ waves in the params' order

SEASONS = ["vår 2025", "höst 2025", "vår 2026"]  # by label, "höst 2025" would come last


def test_the_params_wave_order_orders_the_waves_and_an_unlisted_wave_is_an_error():
    from helpers import raw_survey
    from mirrorgap.errors import InputFileError
    from mirrorgap.read.recode import clean_side, waves_of

    eng = engagement(analysis={"wave_order": SEASONS})
    frame = pd.DataFrame({"id": [f"k{i}" for i in range(6)], "unit": "Kista", "seg": "x", "nps": 8,
                          "wave": ["vår 2026", "höst 2025", "vår 2025"] * 2, "c1": 4, "c2": 2})
    assert waves_of(clean_side(raw_survey(frame), eng, "customer")) == SEASONS
    assert waves_of(clean_side(raw_survey(frame), engagement(), "customer")) == ["vår 2025", "vår 2026", "höst 2025"]
    frame.loc[4, "wave"] = "vinter 2026"
    with pytest.raises(InputFileError) as exc:
        clean_side(raw_survey(frame), eng, "customer")
    assert exc.value.row == 6 and exc.value.column == "wave" and exc.value.value == "vinter 2026"
    assert "analysis.wave_order" in exc.value.fix


def test_the_deck_trend_slide_takes_the_latest_wave_from_the_params_order(tmp_path):
    """Waves vår 2025, höst 2025, vår 2026: the slide shows the change from höst 2025 to vår 2026."""
    from types import SimpleNamespace

    from pptx import Presentation

    from mirrorgap.deliver.deck.furniture import Deck
    from mirrorgap.deliver.deck.slides.trends import trend_slide
    from mirrorgap.deliver.deck.theme import MASTER

    rng = np.random.default_rng(3)
    customer = clean("customer", {w: {"extra": scores(rng, 200, m), "stress": scores(rng, 200, 3.0)}
                                  for w, m in zip(SEASONS, (3.0, 3.2, 3.9))})
    employee = clean("employee", {w: {"extra": scores(rng, 40, 4.0), "stress": scores(rng, 40, 3.5)}
                                  for w in SEASONS})
    customer, employee = (dataclasses.replace(s, wave_order=SEASONS) for s in (customer, employee))
    table = trend_table(customer, employee, ENG)
    results = SimpleNamespace(engagement=ENG, tables={"trends": table}, customer=customer, employee=employee)
    prs = Presentation(str(MASTER))
    trend_slide(Deck(prs, results, run_id="r"))
    (slide,) = prs.slides
    text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "från höst 2025 till vår 2026" in text
    (chart,) = [sh.chart for sh in slide.shapes if sh.has_chart]
    last = table[(table["kind"] == "item_change") & (table["wave_to"] == "vår 2026")]
    change = last.pivot(index="label", columns="side", values="change")
    np.testing.assert_allclose(chart.plots[0].series[0].values, change.loc[list(chart.plots[0].categories), "customer"])
