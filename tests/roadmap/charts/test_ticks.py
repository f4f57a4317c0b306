"""Axes and ticks shared by the charts (``roadmap.charts.ticks``): hand-worked tick values, no database."""

import datetime

import pytest

from roadmap.charts import ticks
from roadmap.charts.ticks import COARSE_STEPS, DateAxis, GridLine

D = datetime.date


def test_linear_ticks_start_at_zero_and_end_at_a_nice_top():
    top, values = ticks.linear_ticks(87.0)
    assert top == 100.0
    assert values == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]


def test_all_values_zero_give_an_axis_from_0_to_1():
    top, values = ticks.linear_ticks(0.0)
    assert top == 1.0 and values[0] == 0.0 and values[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("span", "multiples", "step"),
    [
        (87.0, ticks.ROI_STEPS, 20.0),  # 87 / 5 = 17.4 -> 2 x 10
        (12.0, ticks.ROI_STEPS, 2.5),  # 2.4 -> 2.5
        (12.0, COARSE_STEPS, 5.0),  # 2.4 -> 5 when 2.5 is not allowed
        (1000.0, ticks.ROI_STEPS, 200.0),  # 200 exactly
        (0.7, ticks.ROI_STEPS, 0.2),  # 0.14 -> 0.2
        (45.0, ticks.ROI_STEPS, 10.0),  # 9 -> the next power of ten
        (10.000000000000002, COARSE_STEPS, 2.0),  # 2.0000000000000004: a float hair over 2 is still 2
    ],
)
def test_a_step_is_the_first_nice_multiple_of_a_power_of_ten_covering_a_fifth_of_the_span(span, multiples, step):
    assert ticks.nice_step(span, 5, multiples) == pytest.approx(step)


@pytest.mark.parametrize(
    ("top", "multiples", "axis_top", "values"),
    [
        (12.0, ticks.ROI_STEPS, 12.5, [0, 2.5, 5, 7.5, 10, 12.5]),
        (12.0, COARSE_STEPS, 15, [0, 5, 10, 15]),
        (100.0, COARSE_STEPS, 100, [0, 20, 40, 60, 80, 100]),
        (0.7, ticks.ROI_STEPS, 0.8, [0, 0.2, 0.4, 0.6, 0.8]),
        (-5.0, ticks.ROI_STEPS, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # nothing above 0: the axis 0..1
        (float("nan"), ticks.ROI_STEPS, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (10.000000000000002, COARSE_STEPS, 10, [0, 2, 4, 6, 8, 10]),
    ],
)
def test_linear_ticks_run_from_zero_to_the_first_step_multiple_at_or_above_the_top(top, multiples, axis_top, values):
    got_top, got_values = ticks.linear_ticks(top, multiples=multiples)
    assert got_top == pytest.approx(axis_top)
    assert got_values == pytest.approx(values)


@pytest.mark.parametrize(("value", "floor"), [(7.0, 5.0), (0.3, 0.2), (100.0, 100.0), (1.0, 1.0), (19.99, 10.0)])
def test_nice_floor_is_the_largest_1_2_5_value_not_above(value, floor):
    assert ticks.nice_floor(value) == pytest.approx(floor)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (3, 60, [5, 10, 20, 50]),
        (1, 10, [1, 2, 5, 10]),  # the ends are included
        (0.01, 1e6, [0.01, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6]),  # 25 of the series: powers of ten only
        (0.001, 1e7, [1e-3, 0.1, 10, 1e3, 1e5, 1e7]),  # 11 powers of ten: every second one
    ],
)
def test_log_ticks_follow_the_1_2_5_series_and_thin_out_to_powers_of_ten(low, high, expected):
    values = ticks.log_ticks(low, high)
    assert values == pytest.approx(expected)
    assert len(values) <= ticks.MAX_TICKS


def test_a_date_axis_places_days_linearly_and_knows_its_span():
    axis = DateAxis(first=D(2027, 1, 1), last=D(2027, 3, 1), left=100.0, px_per_day=2.5)
    assert axis.x(D(2027, 1, 1)) == 100.0
    assert axis.x(D(2027, 1, 11)) == 125.0
    assert axis.right == 100.0 + 59 * 2.5  # January has 31 days, February 28
    assert axis.shows(D(2027, 1, 1)) and axis.shows(D(2027, 3, 1))
    assert not axis.shows(D(2026, 12, 31)) and not axis.shows(D(2027, 3, 2)) and not axis.shows(None)


def test_quarter_gridlines_fall_on_quarter_starts():
    assert ticks.quarter_starts(D(2027, 2, 10), D(2027, 12, 31)) == [D(2027, 4, 1), D(2027, 7, 1), D(2027, 10, 1)]


def test_a_quarter_start_as_the_first_day_gets_no_gridline_but_as_the_last_day_does():
    assert ticks.quarter_starts(D(2027, 1, 1), D(2027, 7, 1)) == [D(2027, 4, 1), D(2027, 7, 1)]


def test_a_century_gets_a_gridline_every_five_years():
    # 400 quarters from 2000-04-01: at most 24 gridlines means every ceil(400 / 24 / 4) = 5 years
    starts = ticks.quarter_starts(D(2000, 1, 1), D(2100, 1, 1))
    assert starts == [D(year, 4, 1) for year in range(2000, 2100, 5)]


def test_quarter_gridlines_are_placed_on_the_axis_and_labelled():
    axis = DateAxis(first=D(2027, 2, 10), last=D(2027, 12, 31), left=0.0, px_per_day=1.0)
    assert ticks.quarter_gridlines(axis) == (
        GridLine(50.0, "Q2 2027"),  # April 1st is 50 days after February 10th (1 px per day)
        GridLine(141.0, "Q3 2027"),
        GridLine(233.0, "Q4 2027"),
    )
