"""The fitted line and its band, against statsmodels' OLS prediction intervals of the mean."""
import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.tools import add_constant

from mirrorgap.stats.regression import line_fit_band


@pytest.mark.parametrize("seed, n, conf", [(1, 6, 0.95), (2, 30, 0.90), (3, 3, 0.99)])
def test_line_and_band_equal_statsmodels(seed, n, conf):
    rng = np.random.default_rng(seed)
    x = rng.uniform(50, 80, n)
    y = 20 + 0.6 * x + rng.normal(0, 4, n)
    grid = np.linspace(x.min() - 5, x.max() + 5, 17)
    fit, low, high = line_fit_band(x, y, grid, conf=conf)
    prediction = OLS(y, add_constant(x)).fit().get_prediction(add_constant(grid))
    band = prediction.conf_int(alpha=1 - conf)
    np.testing.assert_allclose(fit, prediction.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(low, band[:, 0], rtol=1e-10)
    np.testing.assert_allclose(high, band[:, 1], rtol=1e-10)


def test_two_points_give_the_line_without_a_band():
    fit, low, high = line_fit_band([1.0, 3.0], [2.0, 6.0], [0.0, 2.0, 4.0])
    np.testing.assert_allclose(fit, [0.0, 4.0, 8.0], atol=1e-12)
    assert low is None and high is None


def test_the_band_is_narrowest_at_the_mean_of_x():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([2.1, 3.9, 6.2, 7.8, 10.1])
    fit, low, high = line_fit_band(x, y, [1.0, 3.0, 5.0])
    width = high - low
    assert width[1] < width[0] and width[1] < width[2]
    assert width[0] == pytest.approx(width[2])
