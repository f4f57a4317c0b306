"""The calibration math (portfolio/calibration.py), on cases worked by hand."""

import math

import pytest
from scipy.stats import binomtest

from portfolio import calibration as cal
from portfolio.calibration import Correction, JudgedEstimate, TagOutcome


def effort(low, likely, high, actual, estimator="em"):
    return JudgedEstimate(kind="effort", estimator=estimator, low=low, likely=likely, high=high, actual=actual)


def beta33_cdf(x):
    """CDF of Beta(3, 3), the PERT of a symmetric range, by hand: 10x^3 - 15x^4 + 6x^5."""
    return 10 * x**3 - 15 * x**4 + 6 * x**5


def beta33_quantile(p):
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if beta33_cdf(mid) < p else (lo, mid)
    return lo


@pytest.mark.parametrize("actual", [12.0, 20.0, 27.5])
def test_pit_of_a_symmetric_range_is_the_beta33_cdf(actual):
    assert cal.pit(10, 20, 30, actual) == pytest.approx(beta33_cdf((actual - 10) / 20), abs=1e-12)


def test_pit_is_zero_below_and_one_above_the_range():
    assert cal.pit(10, 20, 30, 5) == 0.0
    assert cal.pit(10, 20, 30, 10) == 0.0
    assert cal.pit(10, 20, 30, 30) == 1.0
    assert cal.pit(10, 20, 30, 45) == 1.0


def test_constant_range_is_zero_below_one_above_and_half_at_it():
    assert cal.pit(20, 20, 20, 19.9) == 0.0
    assert cal.pit(20, 20, 20, 20) == 0.5
    assert cal.pit(20, 20, 20, 20.1) == 1.0
    row = cal.estimator_row("effort", "em", [effort(20, 20, 20, a) for a in (10, 20, 20, 30)])
    assert row.pit_histogram == (1, 0, 0, 0, 0, 2, 0, 0, 0, 1)
    assert row.hit_rate == 0.5
    assert row.bias == 1.0  # median of 0.5, 1, 1, 1.5


def test_estimator_whose_actuals_fall_at_their_likely_values():
    estimates = [
        effort(lo, mid, hi, mid) for lo, mid, hi in [(10, 20, 30), (4, 6, 8), (50, 60, 70), (1, 2, 3), (8, 9, 10)]
    ]
    row = cal.estimator_row("effort", "em", estimates)
    assert row.n == 5
    assert row.hit_rate == 1.0
    assert row.bias == 1.0  # symmetric ranges: PERT mean = likely
    assert row.pit_histogram == (0, 0, 0, 0, 0, 5, 0, 0, 0, 0)  # PIT 0.5 each: bin [0.5, 0.6)
    assert row.stretch == 0.5  # already calibrated: the narrowest stretch holds them all


def test_estimator_always_fifty_percent_over():
    ranges = [(10, 20, 30), (4, 6, 8), (50, 60, 70), (1, 2, 3), (8, 9, 10), (30, 40, 50)]
    estimates = [effort(lo, mid, hi, 1.5 * mid) for lo, mid, hi in ranges]
    row = cal.estimator_row("effort", "em", estimates)
    assert row.hit_rate == 0.0  # 1.5 x likely is at or above every high here
    assert row.pit_histogram == (0, 0, 0, 0, 0, 0, 0, 0, 0, 6)
    assert row.bias == pytest.approx(1.5)
    # Scaled by 1.5 each actual lands on the transformed likely, the middle of a symmetric range.
    assert row.stretch == 0.5
    low, likely, high = cal.transform(10, 20, 30, Correction(bias=row.bias, stretch=row.stretch))
    assert (low, likely, high) == pytest.approx((22.5, 30, 37.5))
    assert cal.pit(low, likely, high, 30) == pytest.approx(0.5)


def test_stretch_is_the_smallest_grid_value_that_brings_eighty_percent_inside():
    # Three at the likely value, one at 108 and one far out at 140: 4 of 5 inside once 108 is inside.
    estimates = [effort(90, 100, 110, a) for a in (100, 100, 100, 108, 140)]
    assert cal.bias(estimates) == 1.0
    # Transformed (100 - 10s, 100, 100 + 10s): PIT(108) <= 0.9 once 0.5 + 8 / (20 s) <= q90 of Beta(3, 3).
    needed = 0.4 / (beta33_quantile(0.9) - 0.5)
    assert needed == pytest.approx(1.5785, abs=1e-3)
    expected = math.ceil(round(needed * 20, 9)) / 20
    assert cal.stretch(estimates, 1.0) == expected == 1.6


def test_stretch_is_five_when_no_stretch_is_enough():
    estimates = [effort(90, 100, 110, a) for a in (100, 100, 150, 160, 170)]
    assert cal.stretch(estimates, cal.bias(estimates)) == 5.0


def test_fewer_than_five_estimates_have_no_stretch_and_no_correction():
    estimates = [effort(10, 20, 30, 30) for _ in range(4)]
    row = cal.estimator_row("effort", "em", estimates)
    assert row.stretch is None
    assert row.as_json()["stretch"] is None
    assert cal.corrections(estimates) == {}
    assert cal.corrections([*estimates, effort(10, 20, 30, 30)]) == {("effort", "em"): Correction(1.5, 0.5)}


def test_transform_floors_the_low_at_zero():
    assert cal.transform(2, 10, 12, Correction(bias=2.0, stretch=2.0)) == (0.0, 20.0, 28.0)


def test_pit_histogram_puts_one_in_the_last_bin_and_bin_edges_up():
    assert cal.pit_histogram([0.0, 0.1, 0.55, 0.9, 0.99, 1.0]) == [1, 1, 0, 0, 0, 1, 0, 0, 0, 3]


def test_rows_per_estimator_then_pooled_per_kind():
    estimates = [effort(10, 20, 30, 20, "ann"), effort(10, 20, 30, 30, "bob"), effort(10, 20, 30, 30, "bob")]
    estimates.append(JudgedEstimate(kind="impact", estimator="pm", low=1, likely=2, high=3, actual=1))
    rows = [(r.kind, r.estimator, r.n) for r in cal.estimator_rows(estimates)]
    assert rows == [
        ("effort", "ann", 1),
        ("effort", "bob", 2),
        ("effort", "all", 3),
        ("impact", "pm", 1),
        ("impact", "all", 1),
    ]
    pooled = cal.estimator_rows(estimates)[2]
    assert pooled.hit_rate == pytest.approx(1 / 3)
    assert pooled.bias == 1.5


def test_bias_leaves_out_a_zero_mean():
    assert cal.bias([effort(0, 0, 0, 5), effort(10, 10, 10, 20)]) == 2.0
    assert cal.bias([effort(0, 0, 0, 5)]) is None


@pytest.mark.parametrize(("successes", "n"), [(0, 1), (1, 1), (7, 10), (3, 12), (50, 50), (0, 40), (17, 31)])
def test_wilson_interval_agrees_with_scipy(successes, n):
    expected = binomtest(successes, n).proportion_ci(confidence_level=0.8, method="wilson")
    low, high = cal.wilson_interval(successes, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_interval_known_value():
    # z = 1.2816 (80%), 5 of 10: centre 0.5, half-width z sqrt(0.025 + z^2 / 400) / (1 + z^2 / 10) = 0.1878
    low, high = cal.wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.3122, 0.6878), abs=1e-4)
    assert cal.wilson_interval(0, 0) is None


def test_tag_rows_flag_an_assumption_outside_the_interval():
    outcomes = [TagOutcome("easy", s) for s in [True] * 9 + [False]] + [TagOutcome("hard", False)] * 10
    rows = cal.tag_rows(outcomes, {"easy": 0.9, "hard": 0.5, "impossible": 0.0})
    assert [(r.tag, r.n, r.success_rate, r.flagged) for r in rows] == [
        ("easy", 10, 0.9, False),
        ("hard", 10, 0.0, True),
    ]
    doc = cal.calibration_document([], outcomes, {"easy": 0.9, "hard": 0.5, "impossible": 0.0})
    assert doc["estimators"] == []
    assert set(doc["tags"][1]) == {"tag", "n", "success_rate", "interval", "assumed", "flagged"}
    assert doc["tags"][1]["interval"][0] == 0.0


def test_judged_estimate_refuses_a_range_out_of_order():
    with pytest.raises(ValueError):
        effort(30, 20, 10, 5)
    with pytest.raises(ValueError):
        effort(10, 20, 30, float("nan"))
