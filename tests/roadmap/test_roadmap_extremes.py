"""Roadmaps at the edges of the inputs: shorter than a day, or longer than the calendar (efforts at their
upper bound with a team of one). The recompute must still land a complete snapshot, with bounded sizes."""

import datetime

import numpy as np

from roadmap import planning, simulation, value_delivered
from roadmap.charts import ticks, timeline

START = datetime.date(2027, 1, 4)


def test_dates_past_the_calendars_end_are_capped_at_its_last_day():
    assert simulation.weeks_to_date(START, 1e7) == datetime.date.max
    assert simulation.weeks_to_date(START, 1.0) == datetime.date(2027, 1, 11)


def test_the_value_curve_of_a_roadmap_of_millenia_has_a_bounded_number_of_points():
    items = [simulation.RoadmapItem(key=k, name=f"p{k}", status="idea", staffing=1, target_week=None) for k in range(3)]
    effort = np.full((50, 3), 1e5)  # person-weeks each, one person: 300,000 weeks in a row
    result = simulation.simulate_schedule(items, effort, capacity=1)

    curve = value_delivered.value_curve(result, np.ones((50, 3), dtype=bool), np.ones((50, 3)))

    assert len(curve) <= value_delivered.MAX_CURVE_POINTS
    assert curve[-1].week == result.finish.max() and curve[-1].p50 == 3


def test_curve_points_that_round_to_the_same_day_keep_the_latest():
    curve = [value_delivered.ValuePoint(0.0, 0, 0, 0), value_delivered.ValuePoint(0.05, 1, 2, 3)]  # 0.35 days apart

    points = planning._curve_by_date(START, curve)

    assert [(p.date, p.p50) for p in points] == [(START, 2)]


def test_gridlines_and_quarter_rows_stay_few_however_long_the_roadmap():
    last = datetime.date.max

    starts = ticks.quarter_starts(START, last)
    ends = planning.quarter_ends(START, last)

    assert 1 < len(starts) <= ticks.MAX_GRIDLINES
    assert starts == sorted(starts) and all(d.month in (1, 4, 7, 10) and d.day == 1 for d in starts)
    assert len(ends) == planning.MAX_QUARTERS and ends[0] == datetime.date(2027, 3, 31)
    assert planning.quarter_ends(datetime.date(9999, 11, 1), last) == [datetime.date.max]


def test_a_short_roadmap_keeps_every_quarter_gridline():
    starts = ticks.quarter_starts(START, datetime.date(2028, 1, 1))

    assert [d.isoformat() for d in starts] == ["2027-04-01", "2027-07-01", "2027-10-01", "2028-01-01"]


def test_a_date_axis_that_starts_at_the_calendars_end_is_drawn_without_overflow():
    last_days = datetime.date.max - datetime.timedelta(days=30)
    axis = timeline._date_axis(last_days, [None, datetime.date.max], left=0.0)
    assert axis.first == last_days and axis.last == datetime.date.max
