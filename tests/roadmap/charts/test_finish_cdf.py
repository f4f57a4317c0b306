"""Geometry of a project's finish-date chart (``roadmap.charts.finish_cdf``): hand-worked positions, no database.

The chart is 420 x 150 px; the plot runs from x 40 to 404 px (364 px) and from y 126 (0%) up to 10 px (100%).
"""

import datetime
from types import SimpleNamespace

import pytest

from roadmap.charts import finish_cdf

D = datetime.date


def _row(target_date=None, p_meet_target=None):
    """Half the trials finish in the week to 8 January 2027, the rest in the week after."""
    cdf = [["2027-01-08", 0.5], ["2027-01-15", 1.0]]
    return SimpleNamespace(
        finish_cdf=cdf, finish_p50=D(2027, 1, 8), target_date=target_date, p_meet_target=p_meet_target
    )


def test_the_step_line_starts_one_bin_before_the_first_date_and_rises_at_each_bin():
    chart = finish_cdf.finish_cdf_chart(_row())
    # 14 days from 1 to 15 January over 364 px: 26 px a day
    assert (chart.first, chart.last) == (D(2027, 1, 1), D(2027, 1, 15))
    # the line starts at 0% (an int: written "126") and steps up at the end of each bin
    assert chart.line == "40.0,126 40.0,126 222.0,126.0 222.0,68.0 404.0,68.0 404.0,10.0"
    assert (chart.left, chart.right, chart.top, chart.bottom, chart.y_half) == (40, 404, 10, 126, 68.0)
    assert chart.p50_x == 222.0
    assert chart.target_x is None and chart.target_colour == "#7f7f7f"


def test_a_target_after_the_last_finish_widens_the_axis_and_is_coloured_by_its_chance():
    chart = finish_cdf.finish_cdf_chart(_row(target_date=D(2027, 1, 29), p_meet_target=0.9))
    # 28 days over 364 px: 13 px a day
    assert chart.last == D(2027, 1, 29) and chart.target_x == 404.0
    assert chart.p50_x == 131.0 and chart.target_colour == "#1d7a3a"


def test_a_target_before_the_first_finish_moves_the_axis_start():
    chart = finish_cdf.finish_cdf_chart(_row(target_date=D(2026, 12, 18), p_meet_target=0.0))
    # 28 days from 18 December: the flat part before the first finish is drawn at 0%
    assert chart.first == D(2026, 12, 18) and chart.target_x == 40.0
    assert chart.line.split()[:3] == ["40.0,126", "222.0,126", "313.0,126.0"]  # 13 px a day: 1 and 8 January
    assert chart.target_colour == "#a32020"


@pytest.mark.parametrize("share", [0.25, 1.0])
def test_a_single_bin_is_one_day_wide(share):
    row = SimpleNamespace(
        finish_cdf=[["2027-01-08", share]], finish_p50=D(2027, 1, 8), target_date=None, p_meet_target=None
    )
    chart = finish_cdf.finish_cdf_chart(row)
    assert (chart.first, chart.last) == (D(2027, 1, 7), D(2027, 1, 8))
    assert chart.line.split()[-1] == f"404.0,{round(126 - share * 116, 1)}"
