"""The value a schedule delivers over time (``roadmap.value_delivered``) against curves worked out by hand and a
brute-force count."""

import math

import numpy as np
import pytest

from roadmap.simulation import ScheduleResult, simulate_schedule
from roadmap.value_delivered import value_curve
from tests.roadmap.conftest import constant_effort, item


def test_value_curve_for_constant_efforts_steps_up_as_projects_finish():
    # The hand-worked schedule of test_simulation.py: A finishes at 2, B at 4, C at 8; impacts 10, 20 and 30 a year.
    items = [item(1, staffing=2), item(2), item(3)]
    result = simulate_schedule(items, constant_effort(4, 2, 6), capacity=2)
    success = np.ones((3, 3), dtype=bool)
    curve = value_curve(result, success, constant_effort(10, 20, 30), step_weeks=1.0)
    assert [p.week for p in curve] == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    assert [p.p50 for p in curve] == [0, 0, 10, 10, 30, 30, 30, 30, 60]
    assert all(p.p10 == p.p50 == p.p90 for p in curve)


def test_a_failed_project_delivers_no_value():
    result = simulate_schedule([item(1), item(2)], constant_effort(1, 1, trials=2), capacity=2)
    success = np.array([[True, False], [False, False]])
    curve = value_curve(result, success, constant_effort(10, 20, trials=2), step_weeks=1.0)
    assert [(p.p10, p.p50, p.p90) for p in curve] == [(0, 0, 0), (1, 5, 9)]  # trials deliver 10 and 0 by week 1


def test_value_curve_is_monotone_and_ends_at_the_total_value_per_trial():
    rng = np.random.default_rng(8)
    m, trials = 30, 3000
    items = [item(k, staffing=int(rng.integers(1, 4)), requires=[k - 3] if k >= 3 else ()) for k in range(m)]
    result = simulate_schedule(items, rng.uniform(1, 20, (trials, m)), capacity=6)
    success = rng.random((trials, m)) < 0.6
    impact = rng.uniform(0, 100, (trials, m))
    curve = value_curve(result, success, impact, until_week=float(result.finish.max()))
    for name in ("p10", "p50", "p90"):
        assert np.all(np.diff([getattr(p, name) for p in curve]) >= 0)
    expected = np.percentile((success * impact).sum(axis=1), [10, 50, 90])
    np.testing.assert_allclose([curve[-1].p10, curve[-1].p50, curve[-1].p90], expected, rtol=1e-9)
    assert (curve[0].week, curve[0].p90) == (0.0, 0.0)


def test_value_curve_runs_monthly_until_the_last_p90_finish():
    rng = np.random.default_rng(9)
    items = [item(1), item(2)]
    result = simulate_schedule(items, rng.uniform(10, 30, (2000, 2)), capacity=1)
    success = np.ones((2000, 2), dtype=bool)
    curve = value_curve(result, success, np.ones((2000, 2)))
    weeks = [p.week for p in curve]
    assert weeks[0] == 0.0
    assert weeks[-1] == pytest.approx(max(np.percentile(result.finish, 90, axis=0)), rel=1e-12)
    assert max(np.diff(weeks)) <= 4.345 + 1e-9


def test_value_is_zero_at_week_zero_unless_something_finishes_then():
    result = simulate_schedule([item(1), item(2)], constant_effort(0, 3), capacity=2)
    curve = value_curve(result, np.ones((3, 2), dtype=bool), constant_effort(5, 7), step_weeks=1.0)
    assert (curve[0].week, curve[0].p50) == (0.0, 5.0)
    assert curve[-1].p50 == 12.0


def test_value_curve_refuses_arrays_of_another_shape():
    result = simulate_schedule([item(1)], constant_effort(1), capacity=1)
    with pytest.raises(ValueError, match="like the schedule"):
        value_curve(result, np.ones((3, 2), dtype=bool), np.ones((3, 2)))


@pytest.mark.parametrize(("step_weeks", "until_week"), [(0.0, None), (-1.0, None), (math.nan, None), (1.0, -2.0)])
def test_value_curve_refuses_a_bad_step_or_end(step_weeks, until_week):
    result = simulate_schedule([item(1)], constant_effort(1), capacity=1)
    with pytest.raises(ValueError, match="step_weeks"):
        value_curve(result, np.ones((3, 1), dtype=bool), np.ones((3, 1)), step_weeks=step_weeks, until_week=until_week)


def test_value_curve_accepts_a_hand_built_result():
    finish = np.array([[1.0, 5.0], [3.0, 2.0]])
    result = ScheduleResult(keys=(1, 2), start=np.zeros_like(finish), finish=finish)
    curve = value_curve(result, np.ones((2, 2), dtype=bool), np.array([[1.0, 2.0], [4.0, 8.0]]), until_week=5.0)
    assert [p.week for p in curve] == [0.0, 4.345, 5.0]
    assert [p.p50 for p in curve] == [0.0, 6.5, 7.5]  # trial sums by week 4.345: 1 and 12; by 5: 3 and 12


def test_value_curve_counts_a_finish_exactly_on_a_step_at_that_step():
    # Finishes on, just before and just after the weekly steps, and past the end: a brute-force count agrees.
    step, end = 4.345, 3 * 4.345 + 1.0
    on_steps = np.array([0.0, step, 2 * step, 3 * step, end])
    finish = np.concatenate([on_steps, np.nextafter(on_steps, -np.inf), np.nextafter(on_steps, np.inf), [end + 5]])
    finish = np.abs(np.tile(finish, (4, 1)))
    result = ScheduleResult(keys=tuple(range(finish.shape[1])), start=np.zeros_like(finish), finish=finish)
    rng = np.random.default_rng(10)
    success = rng.random(finish.shape) < 0.7
    impact = rng.integers(1, 100, finish.shape).astype(float)  # whole numbers: sums are exact in any order
    curve = value_curve(result, success, impact, step_weeks=step, until_week=end)
    assert [p.week for p in curve] == [0.0, step, 2 * step, 3 * step, end]
    for point in curve:
        delivered = ((finish <= point.week) * success * impact).sum(axis=1)
        assert [point.p10, point.p50, point.p90] == np.percentile(delivered, [10, 50, 90]).tolist()
