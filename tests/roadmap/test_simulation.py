"""The roadmap simulation against schedules worked out by hand and against analytic Monte Carlo expectations.

Tolerances are five standard errors computed from the trial count, never loose guesses.
"""

import datetime
import math

import numpy as np
import pytest

from roadmap.simulation import (
    date_to_weeks,
    project_bands,
    simulate_schedule,
    weeks_to_date,
)
from tests.roadmap.conftest import constant_effort, item

TRIALS = 20_000
Z = 5  # standard errors allowed for a Monte Carlo estimate


def pert(rng, low, likely, high, trials=TRIALS):
    """PERT samples (person-weeks) as DESIGN.md defines them: Beta on [low, high]."""
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    return low + (high - low) * rng.beta(alpha, beta, trials)


def pert_mean_and_variance(low, likely, high):
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    variance = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)) * (high - low) ** 2
    return (low + 4 * likely + high) / 6, variance


def beta33_cdf(x):
    """CDF of Beta(3, 3), i.e. of PERT(0, 5, 10) / 10: the regularized incomplete beta is a polynomial here."""
    return 10 * x**3 - 15 * x**4 + 6 * x**5


def beta33_pdf(x):
    return 30 * x**2 * (1 - x) ** 2


def beta33_quantile(p):
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if beta33_cdf(middle) < p else (low, middle)
    return (low + high) / 2


def median_standard_error(density_at_median, trials):
    """Asymptotic standard error of a sample median: sqrt(1/4n) / f(median)."""
    return math.sqrt(0.25 / trials) / density_at_median


def reference_schedule(items, effort_row, capacity):
    """A plain per-trial list scheduler, written the obvious way, to check the vectorized one against."""
    free, finish, rows = [0.0] * capacity, {}, []
    for it, effort in zip(items, effort_row, strict=True):
        staffing = min(max(it.staffing, 1), capacity)
        free.sort()
        start = max([free[staffing - 1]] + [finish[k] for k in it.requires if k in finish])
        finish[it.key] = start + effort / staffing
        free[:staffing] = [finish[it.key]] * staffing
        rows.append((start, finish[it.key]))
    return np.array(rows)


# --- simulate_schedule --------------------------------------------------------------------------------------------


def test_serial_chain_lands_at_the_sum_of_means():
    rng = np.random.default_rng(1)
    ranges = [(2, 4, 10), (1, 3, 5), (5, 8, 20)]
    effort = np.column_stack([pert(rng, *r) for r in ranges])
    result = simulate_schedule([item(1), item(2), item(3)], effort, capacity=1)

    moments = [pert_mean_and_variance(*r) for r in ranges]
    expected_mean = sum(mean for mean, _ in moments)
    standard_error = math.sqrt(sum(variance for _, variance in moments) / TRIALS)
    assert abs(result.finish[:, 2].mean() - expected_mean) < Z * standard_error
    np.testing.assert_array_equal(result.finish[:, 0], effort[:, 0])
    np.testing.assert_array_equal(result.start[:, 1:], result.finish[:, :-1])
    np.testing.assert_array_equal(result.finish[:, 1:], result.finish[:, :-1] + effort[:, 1:])


def test_constant_efforts_give_hand_worked_starts_and_finishes():
    # Two people. A (4 pw, both people) runs 0..2; then B (2 pw) and C (6 pw) take one person each from week 2.
    items = [item(1, staffing=2), item(2), item(3)]
    result = simulate_schedule(items, constant_effort(4, 2, 6), capacity=2)
    assert result.keys == (1, 2, 3)
    np.testing.assert_array_equal(result.start, [[0, 2, 2]] * 3)
    np.testing.assert_array_equal(result.finish, [[2, 4, 8]] * 3)


def test_a_third_project_waits_for_the_first_person_to_free_up():
    # Two people: A (3 pw) and B (5 pw) start at 0; C (1 pw) takes A's person at 3; D (2 pw) takes C's at 4.
    result = simulate_schedule([item(1), item(2), item(3), item(4)], constant_effort(3, 5, 1, 2), capacity=2)
    np.testing.assert_array_equal(result.start[0], [0, 0, 3, 4])
    np.testing.assert_array_equal(result.finish[0], [3, 5, 4, 6])


@pytest.mark.parametrize(
    ("staffing", "capacity", "weeks"),
    [(2, 2, 4.0), (1, 2, 8.0), (5, 2, 4.0), (0, 3, 8.0), (4, 10, 2.0)],
)
def test_staffing_divides_duration_and_is_clipped_to_one_to_capacity(staffing, capacity, weeks):
    result = simulate_schedule([item(1, staffing=staffing)], constant_effort(8), capacity=capacity)
    np.testing.assert_array_equal(result.finish, weeks)


def test_consumer_starts_no_earlier_than_its_producer_finishes_even_with_people_free():
    # Three people: P (5 pw) and Q (1 pw) run from 0; C requires P, so it waits until 5 although two are free.
    items = [item(1), item(2), item(3, requires=[1])]
    result = simulate_schedule(items, constant_effort(5, 1, 2), capacity=3)
    np.testing.assert_array_equal(result.start[0], [0, 0, 5])
    np.testing.assert_array_equal(result.finish[0], [5, 1, 7])


def test_merge_bias_a_consumer_of_two_uncertain_producers_finishes_later_than_either_p50_suggests():
    rng = np.random.default_rng(2)
    # Two parallel producers, each PERT(0, 5, 10) = 10 x Beta(3, 3); the consumer needs both.
    effort = np.column_stack([pert(rng, 0, 5, 10), pert(rng, 0, 5, 10), np.full(TRIALS, 1.0)])
    items = [item(1), item(2), item(3, requires=[1, 2])]
    result = simulate_schedule(items, effort, capacity=2)

    producer_p50 = np.percentile(result.finish[:, :2], 50, axis=0)
    consumer_start_p50 = np.percentile(result.start[:, 2], 50)
    producer_se = median_standard_error(beta33_pdf(0.5) / 10, TRIALS)
    # The consumer starts at the later of two finishes: its median is the sqrt(1/2) quantile of one producer.
    q = beta33_quantile(math.sqrt(0.5))
    consumer_se = median_standard_error(2 * beta33_cdf(q) * beta33_pdf(q) / 10, TRIALS)
    assert np.all(np.abs(producer_p50 - 5.0) < Z * producer_se)
    assert abs(consumer_start_p50 - 10 * q) < Z * consumer_se
    gap = consumer_start_p50 - producer_p50.max()
    assert gap > Z * math.hypot(producer_se, consumer_se)
    assert gap > 1.0  # 6.14 - 5 = 1.14 weeks later than PERT arithmetic on the P50s would say
    np.testing.assert_array_equal(result.start[:, 2], result.finish[:, :2].max(axis=1))


def test_no_backfilling_into_an_earlier_gap():
    # Two people. A (2 pw, one person) 0..2; B (8 pw, both) must wait for A's person: 2..6, leaving the other
    # person idle 0..2. C (1 pw) would fit in that gap but is listed after B, so it starts at 6.
    items = [item(1), item(2, staffing=2), item(3)]
    result = simulate_schedule(items, constant_effort(2, 8, 1), capacity=2)
    np.testing.assert_array_equal(result.start[0], [0, 2, 6])
    np.testing.assert_array_equal(result.finish[0], [2, 6, 7])


def test_requirements_on_keys_not_on_the_list_impose_nothing():
    # Key 99 is a delivered (shipped) producer: schedule_order accepted the item, so the simulation ignores it.
    result = simulate_schedule([item(1, requires=[99])], constant_effort(3), capacity=1)
    np.testing.assert_array_equal(result.start, 0)


def test_matches_a_plain_per_trial_list_scheduler():
    rng = np.random.default_rng(3)
    capacity, m = 5, 40
    items = [
        item(k, staffing=int(rng.integers(0, 8)), requires=rng.choice(k, size=min(k, 2), replace=False) if k else ())
        for k in range(m)
    ]
    effort = rng.uniform(0, 10, (50, m))
    effort[:, 5] = 0.0  # a zero-effort project finishes the moment it starts
    result = simulate_schedule(items, effort, capacity=capacity)
    for t in range(effort.shape[0]):
        expected = reference_schedule(items, effort[t], capacity)
        np.testing.assert_array_equal(result.start[t], expected[:, 0])
        np.testing.assert_array_equal(result.finish[t], expected[:, 1])


def test_one_trial_alone_equals_its_row_in_many_trials():
    rng = np.random.default_rng(4)
    items = [item(1, staffing=2), item(2), item(3, requires=[1]), item(4, staffing=3), item(5, requires=[2, 4])]
    effort = rng.uniform(1, 9, (500, len(items)))
    many = simulate_schedule(items, effort, capacity=4)
    for row in (0, 137, 499):
        one = simulate_schedule(items, effort[row : row + 1], capacity=4)
        np.testing.assert_array_equal(one.start[0], many.start[row])
        np.testing.assert_array_equal(one.finish[0], many.finish[row])


def test_schedule_arrays_are_read_only():
    result = simulate_schedule([item(1)], constant_effort(2), capacity=1)
    with pytest.raises(ValueError):
        result.finish[0, 0] = 1.0


def test_a_consumer_listed_before_its_producer_is_refused():
    with pytest.raises(ValueError, match="before a producer"):
        simulate_schedule([item(1, requires=[2]), item(2)], constant_effort(1, 1), capacity=2)


@pytest.mark.parametrize(
    ("effort", "capacity", "message"),
    [
        (np.array([[1.0, np.nan]]), 1, "finite"),
        (np.array([[1.0, -2.0]]), 1, "non-negative"),
        (np.array([[1.0, np.inf]]), 1, "finite"),
        (np.array([1.0, 2.0]), 1, "shape"),
        (np.array([[1.0, 2.0, 3.0]]), 1, "shape"),
        (np.array([[1.0, 2.0]]), 0, "capacity"),
    ],
)
def test_bad_effort_or_capacity_is_refused(effort, capacity, message):
    with pytest.raises(ValueError, match=message):
        simulate_schedule([item(1), item(2)], effort, capacity=capacity)


def test_an_empty_list_gives_an_empty_schedule():
    result = simulate_schedule([], np.empty((10, 0)), capacity=3)
    assert result.keys == ()
    assert result.start.shape == result.finish.shape == (10, 0)


# --- project_bands ------------------------------------------------------------------------------------------------


def test_p_meet_target_is_one_or_zero_for_constant_efforts():
    # One person: A 0..4, B 4..6. A's target 4 is met (finish <= target); B's target 5.5 is missed; C has none.
    items = [item(1, target_week=4.0), item(2, target_week=5.5), item(3)]
    result = simulate_schedule(items, constant_effort(4, 2, 1), capacity=1)
    bands = project_bands(result, items)
    assert [b.p_meet_target for b in bands] == [1.0, 0.0, None]
    assert (bands[1].start_p10, bands[1].start_p50, bands[1].finish_p90) == (4.0, 4.0, 6.0)
    assert bands[1].finish_histogram == ((6.0, 1.0),)


def test_p_meet_target_matches_the_analytic_probability():
    rng = np.random.default_rng(5)
    items = [item(1, target_week=7.0)]
    result = simulate_schedule(items, pert(rng, 0, 5, 10)[:, None], capacity=1)
    expected = beta33_cdf(0.7)  # P(10 x Beta(3, 3) <= 7)
    standard_error = math.sqrt(expected * (1 - expected) / TRIALS)
    assert abs(project_bands(result, items)[0].p_meet_target - expected) < Z * standard_error


def test_bands_are_the_np_percentile_of_start_and_finish():
    rng = np.random.default_rng(6)
    items = [item(1, staffing=2), item(2), item(3, requires=[1]), item(4)]
    result = simulate_schedule(items, rng.uniform(1, 10, (1001, 4)), capacity=3)
    bands = project_bands(result, list(reversed(items)))  # targets are looked up by key
    assert [b.key for b in bands] == [1, 2, 3, 4]
    for i, b in enumerate(bands):
        expected_start = np.percentile(result.start[:, i], [10, 50, 90])
        expected_finish = np.percentile(result.finish[:, i], [10, 50, 90])
        np.testing.assert_allclose([b.start_p10, b.start_p50, b.start_p90], expected_start, rtol=1e-12)
        np.testing.assert_allclose([b.finish_p10, b.finish_p50, b.finish_p90], expected_finish, rtol=1e-12)


def test_finish_histogram_is_a_cumulative_share_from_first_to_last_finish():
    rng = np.random.default_rng(7)
    items = [item(1)]
    result = simulate_schedule(items, rng.uniform(2, 12, (4000, 1)), capacity=1)
    points = project_bands(result, items)[0].finish_histogram
    edges, shares = np.array(points).T
    finish = result.finish[:, 0]
    assert len(points) == 20
    assert edges[-1] == finish.max() and shares[-1] == 1.0
    assert np.all(np.diff(edges) > 0) and np.all(np.diff(shares) >= 0)
    np.testing.assert_array_equal(shares, [(finish <= edge).mean() for edge in edges])


# --- dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (0.0, datetime.date(2025, 1, 6)),
        (1.0, datetime.date(2025, 1, 13)),
        (0.5, datetime.date(2025, 1, 10)),  # 3.5 days rounds up to 4
        (1.5 / 7, datetime.date(2025, 1, 8)),  # 1.5 days rounds up to 2
        (2.5 / 7, datetime.date(2025, 1, 9)),  # 2.5 days rounds up to 3, not to the even 2
        (0.07, datetime.date(2025, 1, 6)),  # 0.49 days
        (52.0, datetime.date(2026, 1, 5)),
        (-1.0, datetime.date(2024, 12, 30)),
    ],
)
def test_weeks_to_date_rounds_to_the_nearest_day(weeks, expected):
    assert weeks_to_date(datetime.date(2025, 1, 6), weeks) == expected


def test_weeks_to_date_refuses_infinite_weeks():
    with pytest.raises(ValueError):
        weeks_to_date(datetime.date(2025, 1, 6), math.inf)


def test_date_to_weeks_is_days_over_seven_and_round_trips():
    start = datetime.date(2025, 1, 6)
    assert date_to_weeks(start, datetime.date(2025, 2, 3)) == 4.0
    assert date_to_weeks(start, datetime.date(2025, 1, 9)) == 3 / 7
    for day in range(-30, 400, 7):
        date = start + datetime.timedelta(days=day)
        assert weeks_to_date(start, date_to_weeks(start, date)) == date
