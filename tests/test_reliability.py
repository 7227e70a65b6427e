"""Cronbach's α and McDonald's ω (stats.reliability) against independent, maintained implementations:
pingouin.cronbach_alpha (itself checked against R's psych::alpha) and factor_analyzer's one-factor
maximum-likelihood solution; and a published value (pingouin's documented example)."""
import warnings

import numpy as np
import pandas as pd
import pytest

from mirrorgap.stats.reliability import cronbach_alpha, mcdonald_omega, one_factor_ml, reliability

pg = pytest.importorskip("pingouin")


def congeneric(seed: int, n: int = 300, loadings=(0.8, 0.7, 0.6, 0.5, 0.4, 0.75), scales=(1, 2, 3, 1, 10, 0.5)):
    """Answers from a one-factor model with unequal loadings and scales (α < ω there)."""
    rng = np.random.default_rng(seed)
    lam = np.asarray(loadings)
    theta = rng.standard_normal(n)
    x = theta[:, None] * lam + rng.standard_normal((n, len(lam))) * np.sqrt(1 - lam ** 2)
    return x * np.asarray(scales[: len(lam)]) + 3.0


def test_alpha_matches_the_published_example():
    # pingouin's documentation, "In R: psych::alpha(data, use='complete.obs')": 0.8016949152542373
    data = pg.read_dataset("cronbach_wide_missing")
    alpha, low, high, n = cronbach_alpha(data.to_numpy(dtype=float))
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert n == len(data.dropna())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_and_its_feldt_interval_match_pingouin(seed):
    x = congeneric(seed, n=80 + 40 * seed)
    alpha, low, high, n = cronbach_alpha(x)
    ref, ci = pg.cronbach_alpha(pd.DataFrame(x))
    assert alpha == pytest.approx(ref, abs=1e-12)
    assert n == len(x)
    # pingouin rounds its interval to 3 decimals
    assert low == pytest.approx(ci[0], abs=6e-4) and high == pytest.approx(ci[1], abs=6e-4)


def test_alpha_leaves_out_incomplete_respondents_as_pingouin_listwise():
    x = congeneric(4)
    x[np.random.default_rng(0).random(x.shape) < 0.05] = np.nan
    ref, _ = pg.cronbach_alpha(pd.DataFrame(x), nan_policy="listwise")
    assert cronbach_alpha(x)[0] == pytest.approx(ref, abs=1e-12)


def _factor_analyzer_omega(x: np.ndarray) -> tuple[float, np.ndarray]:
    fa_mod = pytest.importorskip("factor_analyzer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fa = fa_mod.FactorAnalyzer(n_factors=1, rotation=None, method="ml").fit(x)
    lam = fa.loadings_[:, 0] * np.sign(fa.loadings_[:, 0].sum())
    sd = x.std(axis=0, ddof=1)
    common = (lam * sd).sum() ** 2
    return common / (common + ((1 - lam ** 2) * sd ** 2).sum()), lam


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_omega_and_loadings_match_factor_analyzer_ml(seed):
    x = congeneric(seed)
    ref, lam_ref = _factor_analyzer_omega(x)
    lam, _ = one_factor_ml(np.corrcoef(x, rowvar=False))
    assert lam == pytest.approx(lam_ref, abs=2e-3)
    assert mcdonald_omega(x) == pytest.approx(ref, abs=1e-3)


def test_omega_on_likert_answers_matches_factor_analyzer():
    x = np.clip(np.rint(congeneric(7, n=250, scales=(1,) * 6) + np.linspace(-0.5, 0.5, 6)), 1, 5)
    ref, _ = _factor_analyzer_omega(x)
    assert mcdonald_omega(x) == pytest.approx(ref, abs=1e-3)


def test_omega_is_at_least_alpha_for_congeneric_items_and_equal_for_parallel_ones():
    x = congeneric(5, n=5000)
    assert mcdonald_omega(x) > cronbach_alpha(x)[0]
    parallel = congeneric(6, n=20000, loadings=(0.7,) * 5, scales=(1,) * 5)
    assert mcdonald_omega(parallel) == pytest.approx(cronbach_alpha(parallel)[0], abs=2e-3)


def test_too_few_questions_or_respondents_give_nan():
    x = congeneric(1)
    assert np.isnan(mcdonald_omega(x[:, :2]))  # a one-factor model needs 3 questions
    assert np.isnan(cronbach_alpha(x[:, :1])[0])
    assert np.isnan(mcdonald_omega(x[:4]))
    constant = x.copy()
    constant[:, 0] = 3.0
    assert np.isnan(mcdonald_omega(constant))
    r = reliability(x)
    assert r.k == 6 and r.n == len(x) and r.alpha_ci_low < r.alpha < r.alpha_ci_high
