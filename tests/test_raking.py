"""Raking (iterative proportional fitting) against statsmodels' Poisson log-linear fit and by hand."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from mirrorgap.stats.raking import rake

RNG = np.random.default_rng(7)


def test_one_margin_is_post_stratification():
    g = np.array([0] * 30 + [1] * 10)  # 75 % / 25 % in the sample, 50 / 50 in the population
    w = rake([g], [np.array([500.0, 500.0])])
    assert w[:30] == pytest.approx(np.full(30, 40 * 0.5 / 30)) and w[30:] == pytest.approx(np.full(10, 40 * 0.5 / 10))
    assert w.sum() == pytest.approx(40)


def test_two_margins_match_statsmodels_poisson_loglinear_fit():
    """Raking's fixed point is the Poisson log-linear model with one main effect per margin and offset
    log(base weight per cell), fitted to any table with the target margins (Deming–Stephan, Bishop,
    Fienberg & Holland ch. 3): the fitted cell totals are the raked weights summed per cell."""
    n = 400
    a, b = RNG.integers(0, 3, n), RNG.integers(0, 2, n)
    base = RNG.uniform(0.5, 2.0, n)
    ta, tb = np.array([0.5, 0.3, 0.2]), np.array([0.45, 0.55])
    w = rake([a, b], [ta * 1000, tb], base=base)
    cells = pd.DataFrame({"a": a, "b": b, "base": base, "w": w}).groupby(["a", "b"]).sum().reset_index()
    exog = sm.add_constant(pd.get_dummies(cells[["a", "b"]].astype(str), drop_first=True).astype(float))
    endog = ta[cells["a"]] * tb[cells["b"]] * n  # a table with the target margins
    fit = sm.GLM(endog, exog, family=sm.families.Poisson(), offset=np.log(cells["base"])).fit(tol=1e-13)
    assert cells["w"].to_numpy() == pytest.approx(fit.fittedvalues.to_numpy(), rel=1e-8)
    # and the raked weights are the base weights times one factor per cell (the multiplicative form)
    ratio = pd.Series(w / base).groupby([a, b]).agg(["min", "max"])
    assert (ratio["max"] - ratio["min"]).max() < 1e-12
    for g, t in ((a, ta), (b, tb)):
        assert np.bincount(g, weights=w) / w.sum() == pytest.approx(t, abs=1e-9)


def test_errors():
    with pytest.raises(ValueError, match="no respondent"):
        rake([np.array([0, 0, 0])], [np.array([1.0, 1.0])])
    with pytest.raises(ValueError, match="group code"):
        rake([np.array([0, 2])], [np.array([1.0, 1.0])])
    with pytest.raises(ValueError, match="positive"):
        rake([np.array([0, 1])], [np.array([1.0, 0.0])])
    with pytest.raises(ValueError, match="not met"):  # margins that contradict each other in a 2x2 with a structural zero
        a, b = np.array([0, 1, 1]), np.array([0, 0, 1])
        rake([a, b], [np.array([0.9, 0.1]), np.array([0.1, 0.9])], max_iter=50)
