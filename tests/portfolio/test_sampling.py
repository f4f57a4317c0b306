"""PERT ranges and sampling, success draws and the sample layout, checked against analytic expectations.

Monte Carlo tolerances are Z standard errors (sd / sqrt(trials)) of the quantity under test, with the
standard deviation worked out analytically, so a failure means a real bias and not bad luck.
"""

import math

import numpy as np
import pytest

from portfolio.sampling import pert_sample, pert_shape
from portfolio.scoring import Range, draw_samples
from tests.portfolio.conftest import TRIALS, Z, constant, pert_moments, project


@pytest.mark.parametrize(
    ("low", "likely", "high"),
    [(2, 1, 3), (1, 3, 2), (3, 2, 1), (math.nan, 1, 2), (0, 1, math.inf), (-math.inf, 0, 1), ("x", 1, 2)],
)
def test_range_rejects_out_of_order_or_non_finite_bounds(low, likely, high):
    with pytest.raises(ValueError):
        Range(low, likely, high)


@pytest.mark.parametrize(("low", "likely", "high", "mean"), [(0, 0, 0, 0), (1, 2, 9, 3), (0, 5, 10, 5), (6, 6, 12, 7)])
def test_range_mean_is_the_pert_mean(low, likely, high, mean):
    assert Range(low, likely, high).mean == pytest.approx(mean, rel=1e-15)


PERT_RANGES = [
    Range(0, 5, 10),  # symmetric
    Range(1, 2, 10),  # right-skewed
    Range(0, 9, 10),  # left-skewed
    Range(2, 2, 8),  # likely at low
    Range(3, 7, 7),  # likely at high
    Range(1000, 1500, 5000),  # large values
]


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_mean_is_the_pert_mean(r):
    values = pert_sample([r], TRIALS, np.random.default_rng(1))[:, 0]
    expected, sd = pert_moments(r)
    assert expected == pytest.approx(r.mean)
    assert abs(values.mean() - r.mean) <= Z * sd / math.sqrt(TRIALS)


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_spread_is_the_pert_standard_deviation(r):
    values = pert_sample([r], TRIALS, np.random.default_rng(2))[:, 0]
    _, sd = pert_moments(r)
    # The sample sd of a bounded variable has standard error below width / sqrt(trials).
    assert abs(values.std() - sd) <= Z * (r.high - r.low) / math.sqrt(TRIALS)


def test_pert_samples_lie_within_their_ranges():
    samples = pert_sample(PERT_RANGES, TRIALS, np.random.default_rng(3))
    assert samples.shape == (TRIALS, len(PERT_RANGES))
    assert np.all(samples >= [r.low for r in PERT_RANGES])
    assert np.all(samples <= [r.high for r in PERT_RANGES])


@pytest.mark.parametrize("value", [0.0, 4.5, 1e6])
def test_pert_sample_is_constant_when_low_equals_high(value):
    samples = pert_sample([constant(value), Range(0, 1, 2)], 500, np.random.default_rng(4))
    assert np.all(samples[:, 0] == value)
    assert np.unique(samples[:, 1]).size == 500


def test_pert_sample_of_no_ranges_is_an_empty_column_block():
    assert pert_sample([], 10, np.random.default_rng(5)).shape == (10, 0)


def test_pert_shape_matches_the_formula():
    assert pert_shape(0, 2, 10) == pytest.approx((1.8, 4.2, 3.0))
    assert pert_shape(5, 5, 5) == (1.0, 1.0, 5.0)


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_draws_the_beta_of_pert_shape(r):
    """Same generator state: the sample is low + width x Beta(alpha, beta) with pert_shape's parameters."""
    alpha, beta, mean = pert_shape(r.low, r.likely, r.high)
    expected = r.low + (r.high - r.low) * np.random.default_rng(6).beta(alpha, beta, size=(50, 1))
    np.testing.assert_array_equal(pert_sample([r], 50, np.random.default_rng(6)), np.minimum(expected, r.high))
    assert mean == r.mean


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 0.97])
def test_success_rate_matches_the_success_probability(p):
    samples = draw_samples([project(1, p=p)], [], TRIALS, 6)
    assert samples.success.dtype == bool
    assert abs(samples.success.mean() - p) <= Z * math.sqrt(p * (1 - p) / TRIALS)


def test_probability_zero_never_succeeds_and_one_always_does():
    samples = draw_samples([project(1, p=0.0), project(2, p=1.0)], [], TRIALS, 7)
    assert not samples.success[:, 0].any()
    assert samples.success[:, 1].all()


def test_samples_have_one_column_per_project_in_input_order():
    projects = [project(30, impact=constant(1.0)), project(10, impact=constant(2.0)), project(20, effort=None)]
    samples = draw_samples(projects, [], 50, 8)
    assert samples.keys == (30, 10, 20)
    assert samples.success.shape == samples.impact.shape == samples.effort.shape == (50, 3)
    assert np.all(samples.impact[:, 0] == 1.0) and np.all(samples.impact[:, 1] == 2.0)


def test_effort_is_nan_for_a_project_without_an_effort_range():
    samples = draw_samples([project(1, effort=None), project(2)], [], 100, 9)
    assert np.isnan(samples.effort[:, 0]).all()
    assert np.all(samples.effort[:, 1] == 10.0)


def test_draw_samples_rejects_duplicate_project_keys():
    with pytest.raises(ValueError, match="unique"):
        draw_samples([project(1), project(1)], [], 10, 0)
