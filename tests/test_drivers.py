"""Key drivers: Johnson's relative weights against published values, independent implementations and
the demo engagement's planted drivers; anonymity of the employee side."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from mirrorgap.analyse.drivers import (
    DRIVER_COLUMNS,
    bootstrap_counts,
    bootstrap_intervals,
    driver_analysis,
    drivers_csv_frame,
    drivers_table,
    fisher_ci,
    little_bootstrap_intervals,
    pairwise_correlations,
    relative_weights,
)
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.errors import ParamsError

# mtcars (R datasets; Henderson & Velleman 1981): mpg, cyl, disp, hp, gear — all 32 cars in R's order
MTCARS = """
21.0 6 160.0 110 4
21.0 6 160.0 110 4
22.8 4 108.0 93 4
21.4 6 258.0 110 3
18.7 8 360.0 175 3
18.1 6 225.0 105 3
14.3 8 360.0 245 3
24.4 4 146.7 62 4
22.8 4 140.8 95 4
19.2 6 167.6 123 4
17.8 6 167.6 123 4
16.4 8 275.8 180 3
17.3 8 275.8 180 3
15.2 8 275.8 180 3
10.4 8 472.0 205 3
10.4 8 460.0 215 3
14.7 8 440.0 230 3
32.4 4 78.7 66 4
30.4 4 75.7 52 4
33.9 4 71.1 65 4
21.5 4 120.1 97 3
15.5 8 318.0 150 3
15.2 8 304.0 150 3
13.3 8 350.0 245 3
19.2 8 400.0 175 3
27.3 4 79.0 66 4
26.0 4 120.3 91 5
30.4 4 95.1 113 5
15.8 8 351.0 264 5
19.7 6 145.0 175 5
15.0 8 301.0 335 5
21.4 4 121.0 109 4
"""


@pytest.fixture(scope="module")
def mtcars() -> pd.DataFrame:
    rows = [[float(v) for v in line.split()] for line in MTCARS.strip().splitlines()]
    return pd.DataFrame(rows, columns=["mpg", "cyl", "disp", "hp", "gear"])


def correlated(n=400, p=5, seed=1, rho=0.5) -> tuple[pd.DataFrame, pd.Series]:
    """Items sharing a common factor (correlated drivers) and an outcome depending on them unevenly."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(n)
    x = np.sqrt(rho) * common[:, None] + np.sqrt(1 - rho) * rng.standard_normal((n, p))
    y = x @ np.linspace(1.0, 0.1, p) + rng.standard_normal(n)
    return pd.DataFrame(x, columns=[f"i{k}" for k in range(p)]), pd.Series(y, name="y")


def with_holes(items: pd.DataFrame, outcome: pd.Series, share=0.08, seed=2):
    rng = np.random.default_rng(seed)
    items = items.mask(rng.random(items.shape) < share)
    outcome = outcome.mask(rng.random(len(outcome)) < 0.03)
    return items, outcome


# ---------------------------------------------------------------------------------------------------
# the published check and hand-computed cases

def test_mtcars_matches_the_rwa_readme(mtcars):
    data = mtcars.to_numpy()
    assert data.mean(axis=0) == pytest.approx([20.090625, 6.1875, 230.721875, 146.6875, 3.6875])
    model = driver_analysis(mtcars[["cyl", "disp", "hp", "gear"]], mtcars["mpg"], bootstrap=0)
    assert model.r2 == pytest.approx(0.7791896, abs=5e-8)
    assert model.weight_raw == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=5e-8)
    assert model.weight_pct == pytest.approx(100 * np.array([0.2284797, 0.2221469, 0.2321744, 0.0963886])
                                             / 0.7791896, abs=1e-4)
    assert model.weight_pct.sum() == pytest.approx(100.0)
    assert list(model.frame()["rank"]) == [2, 3, 1, 4]
    assert model.n.tolist() == [32] * 4 and model.n_respondents == 32 and model.missing == "pairwise"


def test_two_correlated_drivers_are_not_split_fifty_fifty():
    """Two drivers correlating 0.95, one related to the outcome twice as strongly as the other. By hand:
    R_xx has eigenvalues 1 ± ρ with eigenvectors (1, ±1)/√2, so its symmetric root is [[a, b], [b, a]]
    with a = (√(1+ρ) + √(1−ρ))/2, b = (√(1+ρ) − √(1−ρ))/2; β* = [[a, −b], [−b, a]] r / √(1−ρ²);
    weight_1 = a²β₁² + b²β₂², weight_2 = b²β₁² + a²β₂²."""
    rho, r = 0.95, np.array([0.6, 0.3])
    a = (np.sqrt(1 + rho) + np.sqrt(1 - rho)) / 2
    b = (np.sqrt(1 + rho) - np.sqrt(1 - rho)) / 2
    beta = np.array([a * r[0] - b * r[1], -b * r[0] + a * r[1]]) / np.sqrt(1 - rho ** 2)
    expected = np.array([a ** 2 * beta[0] ** 2 + b ** 2 * beta[1] ** 2,
                         b ** 2 * beta[0] ** 2 + a ** 2 * beta[1] ** 2])
    r_xx = np.array([[1, rho], [rho, 1]])
    weights, r2 = relative_weights(r_xx, r)
    assert weights == pytest.approx(expected, rel=1e-12)
    assert r2 == pytest.approx(r @ np.linalg.solve(r_xx, r), rel=1e-12)  # the regression's R²
    assert weights[0] / r2 > 0.6  # the stronger driver gets clearly more than half

    # the known bug (V Λ^½ instead of V Λ^½ Vᵀ) splits them exactly 50/50 — the test tells them apart
    lam, vec = np.linalg.eigh(r_xx)
    wrong_root = vec * np.sqrt(lam)
    wrong = (wrong_root ** 2) @ np.linalg.solve(wrong_root, r) ** 2
    assert wrong[0] == pytest.approx(wrong[1], rel=1e-12)
    assert not np.allclose(weights, wrong, rtol=1e-3)


def test_uncorrelated_drivers_get_their_squared_correlations():
    r = np.array([0.5, 0.3, -0.2])
    weights, r2 = relative_weights(np.eye(3), r)
    assert weights == pytest.approx(r ** 2) and r2 == pytest.approx((r ** 2).sum())


def test_weights_sum_to_the_ols_r2():
    items, y = correlated(n=500, p=6, seed=7, rho=0.6)
    model = driver_analysis(items, y, bootstrap=0)
    ols = sm.OLS(y.to_numpy(), sm.add_constant(items.to_numpy())).fit()
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    assert model.weight_raw.sum() == pytest.approx(ols.rsquared, rel=1e-10)
    assert model.weight_pct.sum() == pytest.approx(100.0)


def test_a_matrix_that_is_not_positive_definite_gives_no_weights():
    r_xx = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    assert np.linalg.eigvalsh(r_xx).min() < 0
    weights, r2 = relative_weights(r_xx, np.array([0.3, 0.2, 0.1]))
    assert np.isnan(weights).all() and np.isnan(r2)


# ---------------------------------------------------------------------------------------------------
# correlations, missing answers

def test_pairwise_correlations_match_pandas():
    items, y = with_holes(*correlated(n=300, p=4, seed=3))
    frame = items.assign(y=y)
    corr, n = pairwise_correlations(frame.to_numpy())
    assert corr == pytest.approx(frame.corr().to_numpy(), abs=1e-12)
    present = frame.notna().astype(int)
    assert n == pytest.approx((present.T @ present).to_numpy())


def test_pairwise_deletion_drops_rows_without_outcome_and_uses_every_other_answer():
    items, y = with_holes(*correlated(n=600, p=4, seed=4))
    model = driver_analysis(items, y, bootstrap=0)
    kept = items[y.notna()].assign(y=y[y.notna()])
    assert model.missing == "pairwise"
    assert model.n.tolist() == kept[items.columns].notna().sum().tolist()
    assert model.n_respondents == int((y.notna() & items.notna().any(axis=1)).sum())
    corr = kept.corr().to_numpy()
    weights, r2 = relative_weights(corr[:4, :4], corr[:4, 4])
    assert model.r == pytest.approx(corr[:4, 4], abs=1e-12)
    assert model.weight_raw == pytest.approx(weights, abs=1e-12) and model.r2 == pytest.approx(r2)


def test_listwise_deletion_matches_ols_on_complete_answers():
    items, y = with_holes(*correlated(n=600, p=4, seed=5))
    model = driver_analysis(items, y, missing="listwise", bootstrap=0)
    complete = items.assign(y=y).dropna()
    ols = sm.OLS(complete["y"].to_numpy(), sm.add_constant(complete[items.columns].to_numpy())).fit()
    assert model.missing == "listwise" and model.n_respondents == len(complete)
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    assert model.n.tolist() == [len(complete)] * 4


def test_pairwise_matrix_that_is_not_positive_definite_falls_back_to_listwise():
    rng = np.random.default_rng(6)
    base, _ = correlated(n=200, p=3, seed=6, rho=0.3)
    t = rng.standard_normal(150)
    e = lambda: 0.05 * rng.standard_normal(150)  # noqa: E731
    nan = np.full(150, np.nan)
    # a and b agree, b and c agree, but a and c disagree, each pair seen on different respondents
    blocks = [pd.DataFrame({"i0": t + e(), "i1": t + e(), "i2": nan}),
              pd.DataFrame({"i0": nan, "i1": t + e(), "i2": t + e()}),
              pd.DataFrame({"i0": t + e(), "i1": nan, "i2": -t + e()})]
    items = pd.concat([base, *blocks], ignore_index=True)
    y = pd.Series(np.r_[base.sum(axis=1) + rng.standard_normal(200), rng.standard_normal(450)])
    assert np.linalg.eigvalsh(items.corr().to_numpy()).min() < 0  # the trap is real
    model = driver_analysis(items, y, bootstrap=50, seed=1)
    assert model.missing == "listwise"
    ols = sm.OLS(y[:200].to_numpy(), sm.add_constant(base.to_numpy())).fit()
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    assert np.isfinite(model.weight_ci_low).all()


def test_an_item_without_variance_is_left_out_of_the_model():
    items, y = correlated(n=200, p=3, seed=8)
    items["flat"] = 4.0
    model = driver_analysis(items, y, bootstrap=20, seed=1)
    assert np.isnan(model.weight_raw[3]) and np.isnan(model.r[3]) and np.isnan(model.weight_ci_low[3])
    assert np.nansum(model.weight_pct) == pytest.approx(100.0)
    ols = sm.OLS(y.to_numpy(), sm.add_constant(items.iloc[:, :3].to_numpy())).fit()
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    assert pd.isna(model.frame()["rank"].iloc[3])


def test_items_with_fewer_than_min_answers_stay_out_of_the_model():
    items, y = correlated(n=300, p=3, seed=15)
    items.loc[items.index[4:], "i2"] = np.nan  # 4 answers
    model = driver_analysis(items, y, bootstrap=0, min_answers=5)
    assert np.isnan(model.weight_raw[2]) and np.isnan(model.r[2]) and np.isnan(model.r_ci_low[2])
    ols = sm.OLS(y.to_numpy(), sm.add_constant(items.iloc[:, :2].to_numpy())).fit()
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    assert np.isfinite(driver_analysis(items, y, bootstrap=0, min_answers=4).weight_raw).all()


def test_too_few_respondents_for_a_model_give_no_weights():
    items, y = correlated(n=5, p=4, seed=9)
    model = driver_analysis(items, y, bootstrap=10)
    assert np.isnan(model.weight_raw).all() and np.isnan(model.r2)


def test_fisher_interval_matches_scipy():
    rng = np.random.default_rng(10)
    x = rng.standard_normal(80)
    y = 0.4 * x + rng.standard_normal(80)
    res = stats.pearsonr(x, y)
    ci = res.confidence_interval(confidence_level=0.90)
    low, high = fisher_ci(res.statistic, 80, conf=0.90)
    assert (float(low), float(high)) == pytest.approx((ci.low, ci.high), abs=1e-12)
    model = driver_analysis(pd.DataFrame({"x": x}), pd.Series(y), bootstrap=0, conf=0.90)
    assert (model.r[0], model.r_ci_low[0], model.r_ci_high[0]) == pytest.approx(
        (res.statistic, ci.low, ci.high), abs=1e-12)
    assert np.isnan(fisher_ci(0.5, 3)[0])


# ---------------------------------------------------------------------------------------------------
# bootstrap

@pytest.mark.parametrize("row_block", [16384, 7])  # one block, and many (the sums go block by block)
def test_batched_resamples_equal_resampling_rows_one_by_one(row_block, monkeypatch):
    import mirrorgap.analyse.drivers as drivers
    monkeypatch.setattr(drivers, "ROW_BLOCK", row_block)
    items, y = with_holes(*correlated(n=120, p=3, seed=11))
    frame = items.assign(y=y).dropna(subset=["y"]).to_numpy()
    counts = bootstrap_counts(len(frame), 4, seed=3)
    assert (counts.sum(axis=1) == len(frame)).all()
    corr, n = pairwise_correlations(frame, counts)
    for b in range(4):
        rows = pd.DataFrame(np.repeat(frame, counts[b], axis=0))
        assert corr[b] == pytest.approx(rows.corr().to_numpy(), abs=1e-10)
        assert n[b] == pytest.approx((rows.notna().astype(int).T @ rows.notna().astype(int)).to_numpy())


def test_bootstrap_interval_is_the_percentile_of_refitted_resamples():
    items, y = with_holes(*correlated(n=150, p=3, seed=12))
    model = driver_analysis(items, y, bootstrap=60, seed=42, conf=0.9)
    keep = y.notna() & items.notna().any(axis=1)
    frame = items[keep].assign(y=y[keep]).to_numpy()
    pct = []
    for count in bootstrap_counts(len(frame), 60, seed=42):
        rows = pd.DataFrame(np.repeat(frame, count, axis=0)).corr().to_numpy()
        w, r2 = relative_weights(rows[:3, :3], rows[:3, 3])
        pct.append(100 * w / r2)
    low, high = np.percentile(pct, [5, 95], axis=0)
    assert model.weight_ci_low == pytest.approx(low, abs=1e-9)
    assert model.weight_ci_high == pytest.approx(high, abs=1e-9)


def test_a_second_model_on_as_many_respondents_takes_the_same_resamples():
    """The draws are kept for the next model of as many respondents (a side's mirror items, then its
    questions): that model's interval is still the percentile of refits on `bootstrap_counts`, and a
    model on other respondents gets its own draws."""
    x, y = correlated(n=150, p=5, seed=14)
    for items in (x[["i0", "i1", "i2"]], x[["i3", "i4"]], x[["i3", "i4"]].iloc[:149]):
        model = driver_analysis(items, y.iloc[:len(items)], bootstrap=40, seed=7, conf=0.9)
        frame = items.assign(y=y).to_numpy()
        p = items.shape[1]
        pct = []
        for count in bootstrap_counts(len(frame), 40, seed=7):
            rows = pd.DataFrame(np.repeat(frame, count, axis=0)).corr().to_numpy()
            w, r2 = relative_weights(rows[:p, :p], rows[:p, p])
            pct.append(100 * w / r2)
        low, high = np.percentile(pct, [5, 95], axis=0)
        assert model.weight_ci_low == pytest.approx(low, abs=1e-9)
        assert model.weight_ci_high == pytest.approx(high, abs=1e-9)


def test_bootstrap_is_reproducible_with_the_same_seed():
    items, y = with_holes(*correlated(n=300, p=4, seed=13))
    first = driver_analysis(items, y, bootstrap=100, seed=2026)
    again = driver_analysis(items, y, bootstrap=100, seed=2026)
    other = driver_analysis(items, y, bootstrap=100, seed=2027)
    assert np.array_equal(first.weight_ci_low, again.weight_ci_low)
    assert np.array_equal(first.weight_ci_high, again.weight_ci_high)
    assert not np.array_equal(first.weight_ci_low, other.weight_ci_low)
    assert (first.weight_ci_low <= first.weight_pct).all()
    assert (first.weight_pct <= first.weight_ci_high).all()
    assert first.valid_resamples == 100


def test_the_little_bootstrap_gives_the_plain_bootstraps_intervals_at_large_n():
    """Bag of little bootstraps vs the bootstrap of all rows on 40,000 respondents: the endpoints agree
    within the Monte Carlo error of the two (a fifth of the interval's width), and both cover the
    weights of the population the sample came from."""
    items, y = with_holes(*correlated(n=40_000, p=5, seed=21))
    model = np.column_stack([items.to_numpy(dtype=float), y.to_numpy(dtype=float)])
    model = model[~np.isnan(model[:, -1])]
    full_low, full_high, full_ok = bootstrap_intervals(model, bootstrap=300, seed=3, conf=0.95)
    blb_low, blb_high, blb_ok = little_bootstrap_intervals(model, bootstrap=300, seed=3, conf=0.95)
    assert full_ok == 300 and blb_ok == 300
    width = full_high - full_low
    assert np.all(width > 0)
    assert np.all(np.abs(blb_low - full_low) < 0.2 * width) and np.all(np.abs(blb_high - full_high) < 0.2 * width)
    assert np.all(np.abs((blb_high - blb_low) / width - 1) < 0.2)


def test_large_samples_take_the_little_bootstrap_and_small_ones_keep_their_draws(monkeypatch):
    items, y = with_holes(*correlated(n=800, p=4, seed=22))
    plain = driver_analysis(items, y, bootstrap=60, seed=5)
    import mirrorgap.analyse.drivers as drivers
    monkeypatch.setattr(drivers, "BLB_FROM_ROWS", 500)
    little = driver_analysis(items, y, bootstrap=60, seed=5)
    assert np.array_equal(plain.weight_pct, little.weight_pct)  # the point estimates do not depend on it
    assert not np.allclose(plain.weight_ci_low, little.weight_ci_low)  # other draws: the little bootstrap ran
    assert np.all(little.weight_ci_low < little.weight_pct) and np.all(little.weight_pct < little.weight_ci_high)


def test_bad_missing_option_is_refused():
    items, y = correlated(n=50, p=2)
    with pytest.raises(ValueError, match="missing="):
        driver_analysis(items, y, missing="mean")


# ---------------------------------------------------------------------------------------------------
# the demo engagement

@pytest.fixture(scope="module")
def demo():
    engagement = load_engagement("params/demo.yaml")
    return engagement, load_side(engagement, "customer"), load_side(engagement, "employee")


def with_analysis(engagement, **update):
    return engagement.model_copy(update={"analysis": engagement.analysis.model_copy(update=update)})


@pytest.mark.parametrize("wave", ["2025", "2026", None])
def test_demo_planted_drivers_come_out(demo, wave):
    engagement, customer, employee = demo
    table = drivers_table(customer, employee, engagement, wave=wave)
    cust = table[table["side"] == "customer"].sort_values("rank")
    assert set(cust["item"].head(3)) == {"fixed_first_time", "competence", "on_time"}
    assert cust["item"].iloc[-1] == "clear_price"
    assert (cust["outcome"] == "nps").all()
    assert cust["weight_pct"].sum() == pytest.approx(100.0)
    assert cust["weight_raw"].sum() == pytest.approx(cust["r2"].iloc[0])
    assert (cust["weight_ci_low"] < cust["weight_pct"]).all()
    assert (cust["weight_pct"] < cust["weight_ci_high"]).all()


def test_demo_drivers_of_satisfaction_too(demo):
    engagement, customer, employee = demo
    satisfaction = with_analysis(engagement, driver_outcome="satisfaction")
    table = drivers_table(customer, employee, satisfaction, wave="2026")
    cust = table[table["side"] == "customer"].sort_values("rank")
    assert (cust["outcome"] == "satisfaction").all()
    assert set(cust["item"].head(3)) == {"fixed_first_time", "competence", "on_time"}


def test_demo_table_shape_and_csv(demo):
    engagement, customer, employee = demo
    table = drivers_table(customer, employee, engagement, wave="2026")
    assert list(table.columns) == DRIVER_COLUMNS
    assert len(table) == 2 * len(engagement.items)
    emp = table[table["side"] == "employee"]
    assert (emp["outcome"] == "enps").all() and not emp["suppressed"].any()
    assert emp["weight_pct"].sum() == pytest.approx(100.0)
    assert (table["wave"] == "2026").all()
    assert table.loc[table["item"] == "competence", "label"].iloc[0] == "Kunnig personal"
    assert table.loc[table["item"] == "staff_stressed", "label"].iloc[0].endswith("(omvänd)")
    # the customers' n is the answers to the item among those who gave an NPS
    c = in_wave(customer, "2026").frame
    with_nps = c[c["nps"].notna()]
    row = table[(table["side"] == "customer") & (table["item"] == "follow_up")].iloc[0]
    assert row["n"] == with_nps["follow_up"].notna().sum()
    csv = drivers_csv_frame(table)
    assert list(csv.columns) == DRIVER_COLUMNS and csv.equals(drivers_csv_frame(table))
    again = drivers_table(customer, employee, engagement, wave="2026")
    pd.testing.assert_frame_equal(table, again)


def test_employee_drivers_are_suppressed_below_min_n(demo):
    engagement, customer, employee = demo
    strict = with_analysis(engagement, min_n=126)  # the 2026 wave has 125 employees
    table = drivers_table(customer, employee, strict, wave="2026")
    emp = table[table["side"] == "employee"]
    figures = ["r2", "weight_raw", "weight_pct", "weight_ci_low", "weight_ci_high", "r", "r_ci_low",
               "r_ci_high"]
    assert emp["suppressed"].all() and emp[figures].isna().all().all() and emp["rank"].isna().all()
    cust = table[table["side"] == "customer"]
    assert not cust["suppressed"].any() and cust["weight_pct"].notna().all()
    # pooled over both waves there are enough employees again
    pooled = drivers_table(customer, employee, strict, wave=None)
    assert pooled.loc[pooled["side"] == "employee", "weight_pct"].notna().all()


def test_employee_drivers_never_come_per_group(demo):
    """The table carries no group column an attacker could difference: one model per side and wave."""
    engagement, customer, employee = demo
    table = drivers_table(customer, employee, engagement, wave="2026")
    for column in list(employee.segments) + ["unit", "avdelning", "anstallningstid", "kundkontakt"]:
        assert column not in table.columns
    assert table.groupby("side")["n_respondents"].nunique().eq(1).all()


def test_employee_items_answered_by_fewer_than_min_n_are_hidden(demo):
    engagement, customer, employee = demo
    small = in_wave(employee, "2026")
    frame = small.frame.copy()
    frame.loc[frame.index[3:], "clear_price"] = np.nan  # only 3 employees answered this item
    small = type(small)(side=small.side, frame=frame, items=small.items, scales=small.scales,
                        segments=small.segments, ledger=small.ledger)
    table = drivers_table(customer, small, engagement, wave="2026")
    emp = table[table["side"] == "employee"].set_index("item")
    row = emp.loc["clear_price"]
    assert row["suppressed"] and np.isnan(row["r"]) and np.isnan(row["weight_pct"]) and pd.isna(row["rank"])
    # left out of the model, not just hidden: the others add up to 100, so no subtraction gives it back
    assert emp["weight_pct"].sum() == pytest.approx(100.0)
    assert emp.drop(index="clear_price")["weight_pct"].notna().all()
    assert sorted(emp["rank"].dropna()) == list(range(1, len(emp)))


def test_missing_outcome_column_says_what_to_do(demo):
    engagement, customer, employee = demo
    frame = customer.frame.drop(columns="satisfaction")
    no_sat = type(customer)(side="customer", frame=frame, items=customer.items, scales=customer.scales,
                            segments=customer.segments, ledger=customer.ledger)
    with pytest.raises(ParamsError, match="satisfaction_column"):
        drivers_table(no_sat, employee, with_analysis(engagement, driver_outcome="satisfaction"))


def test_batched_resamples_are_the_same_draws_as_one_batch(monkeypatch):
    """Memory-bounded batches must not change the bootstrap: same seed, same resamples."""
    import mirrorgap.analyse.drivers as drivers
    whole = drivers.bootstrap_counts(40, 9, 11)
    monkeypatch.setattr(drivers, "BOOTSTRAP_BYTES", 40 * 8 * 2)  # two resamples per batch
    batched = np.concatenate(list(drivers._count_batches(40, 9, 11, 3)))
    assert batched.shape == (9, 40) and (batched == whole).all()
