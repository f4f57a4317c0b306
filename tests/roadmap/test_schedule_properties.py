"""Property-based tests (hypothesis) of the roadmap schedule: whatever the list, efforts and team, dates are finite,
requirements are respected, bands are ordered and the value curve never falls."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from portfolio.field_rules import MAX_EFFORT, MAX_VALUE
from roadmap import simulation, value_delivered
from tests.conftest import FAST


@st.composite
def schedules(draw):
    m = draw(st.integers(min_value=1, max_value=7))
    order = draw(st.permutations(range(m)))
    items = []
    for position, key in enumerate(order):
        earlier = list(order[:position])
        requires = tuple(draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3))) if earlier else ()
        target = draw(st.one_of(st.none(), st.floats(min_value=-50, max_value=5000, allow_nan=False)))
        items.append(
            simulation.RoadmapItem(
                key=key,
                name=f"p{key}",
                status=draw(st.sampled_from(["idea", "building"])),
                staffing=draw(st.integers(min_value=1, max_value=100)),
                target_week=target,
                requires=requires,
            )
        )
    items = draw(st.permutations(items))  # priority order need not respect requirements: schedule_order fixes it
    trials = draw(st.integers(min_value=1, max_value=60))
    effort = np.array(
        draw(
            st.lists(
                st.lists(st.floats(min_value=0, max_value=MAX_EFFORT, allow_nan=False), min_size=m, max_size=m),
                min_size=trials,
                max_size=trials,
            )
        )
    )
    capacity = draw(st.integers(min_value=1, max_value=1000))
    return items, effort, capacity


@FAST
@given(schedules(), st.integers(0, 2**16))
def test_schedule_dates_are_finite_and_respect_requirements(schedule, seed):
    items, effort_by_key, capacity = schedule
    order, left_off = simulation.schedule_order(items, delivered=frozenset())
    assert not left_off  # every producer is on the list and there is no cycle
    by_key = {item.key: item for item in items}
    ordered = [by_key[key] for key in order]
    effort = effort_by_key[:, order]  # columns follow the schedule order

    result = simulation.simulate_schedule(ordered, effort, capacity=capacity)

    assert np.isfinite(result.start).all() and np.isfinite(result.finish).all()
    assert (result.start >= 0).all() and (result.finish >= result.start).all()
    column = {key: i for i, key in enumerate(result.keys)}
    for item in ordered:
        for producer in item.requires:
            assert (result.start[:, column[item.key]] >= result.finish[:, column[producer]]).all()
    for band in simulation.project_bands(result, ordered):
        assert band.start_p10 <= band.start_p50 <= band.start_p90
        assert band.finish_p10 <= band.finish_p50 <= band.finish_p90
        assert band.p_meet_target is None or 0 <= band.p_meet_target <= 1
    rng = np.random.default_rng(seed)
    success = rng.random(result.finish.shape) < 0.5
    impact = rng.uniform(0, MAX_VALUE, result.finish.shape)
    curve = value_delivered.value_curve(result, success, impact, step_weeks=max(1.0, result.finish.max() / 200))
    for earlier, later in zip(curve, curve[1:], strict=False):
        assert earlier.week < later.week
        assert earlier.p50 <= later.p50 * (1 + 1e-12) + 1e-6
    for point in curve:
        assert all(math.isfinite(v) for v in (point.week, point.p10, point.p50, point.p90))
        assert point.p10 <= point.p50 <= point.p90
