"""Geometry of the roadmap's Gantt (``roadmap.charts.timeline``): rows, bars, bands, target markers. No database."""

import datetime
from dataclasses import dataclass

import pytest

from roadmap.charts import timeline

START = datetime.date(2027, 1, 4)  # a Monday


@dataclass
class Row:
    project_id: int
    name: str
    position: int
    start_p50: datetime.date
    finish_p10: datetime.date
    finish_p50: datetime.date
    finish_p90: datetime.date
    target_date: datetime.date | None = None
    p_meet_target: float | None = None
    requires: tuple = ()
    staffing: int = 2
    pin: int | None = None
    start_p10: datetime.date | None = None
    start_p90: datetime.date | None = None


def _rows(n):
    day = datetime.timedelta(days=1)
    return [
        Row(
            k,
            f"Project {k}",
            k,
            START + 10 * k * day,
            START + (20 + 10 * k) * day,
            START + (30 + 10 * k) * day,
            START + (50 + 10 * k) * day,
            requires=(k - 1,) if k > 1 else (),
        )
        for k in range(1, n + 1)
    ]


def test_gantt_scrolls_rather_than_squeezes_with_a_hundred_projects():
    chart = timeline.gantt(_rows(100), start=START, today=START, url_for=lambda pk: f"/p/{pk}")
    assert len(chart.rows) == 100 and len(chart.arrows) == 99
    assert chart.height == timeline.TOP + 100 * timeline.ROW_HEIGHT + 8
    assert {round(b.y - a.y) for a, b in zip(chart.rows, chart.rows[1:], strict=False)} == {timeline.ROW_HEIGHT}
    assert chart.rows[1].bar_x - chart.rows[0].bar_x == pytest.approx(10 * timeline.PX_PER_DAY)
    assert chart.today_x == chart.plot_left


def test_gantt_bars_run_from_p50_start_to_p50_finish_and_bands_from_p10_to_p90():
    row = _rows(1)[0]
    chart = timeline.gantt([row], start=START, today=START - datetime.timedelta(days=5), url_for=str)
    laid = chart.rows[0]
    assert chart.px_per_day >= timeline.PX_PER_DAY  # a short roadmap is stretched to the minimum width
    assert laid.bar_width == pytest.approx((row.finish_p50 - row.start_p50).days * chart.px_per_day, abs=0.1)
    assert laid.band_width == pytest.approx((row.finish_p90 - row.finish_p10).days * chart.px_per_day, abs=0.1)
    assert chart.today_x is None  # today before the start is not drawn


@pytest.mark.parametrize(("p", "colour"), [(0.95, "#1d7a3a"), (0.6, "#c77c00"), (0.2, "#a32020"), (None, "#7f7f7f")])
def test_target_marker_is_coloured_by_its_probability(p, colour):
    assert timeline.target_colour(p) == colour


def test_the_tooltip_gives_the_dates_and_the_chance_of_making_the_target():
    row = Row(3, "Spam", 2, START, START, START, START, target_date=START, p_meet_target=0.625, pin=1)
    (laid,) = timeline.gantt([row], start=START, today=START, url_for=str).rows
    assert laid.tooltip.split("\n") == [
        "2. Spam (2 people)",
        "start P10/P50/P90: None / 2027-01-04 / None",
        "finish P10/P50/P90: 2027-01-04 / 2027-01-04 / 2027-01-04",
        "target 2027-01-04: 62% likely to make it",  # 62.5 rounds half to even
        "pinned to place 1",
    ]
