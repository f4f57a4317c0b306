"""Geometry of the roadmap's value band chart (``roadmap.charts.value_curve``): band, median, value ticks."""

import datetime

import pytest

from roadmap import planning
from roadmap.charts import value_curve

START = datetime.date(2027, 1, 4)  # a Monday


def test_value_chart_band_encloses_the_median_line():
    curve = [planning.CurvePoint(START + datetime.timedelta(days=30 * k), 5 * k, 10 * k, 20 * k) for k in range(6)]
    chart = value_curve.value_chart(curve, start=START, today=START)
    band = [tuple(map(float, p.split(","))) for p in chart.band.split()]
    median = [tuple(map(float, p.split(","))) for p in chart.median.split()]
    assert len(band) == 2 * len(median)
    for (_, y50), (_, y10), (_, y90) in zip(median, band[: len(median)], band[len(median) :][::-1], strict=True):
        assert y90 <= y50 <= y10  # SVG y grows downwards
    assert chart.y_ticks[-1].label == "100"  # nice ticks reach past the top P90 of 100


@pytest.mark.parametrize(
    ("top", "values"),
    [
        (100.0, [0, 20, 40, 60, 80, 100]),
        (12.0, [0, 5, 10, 15]),  # 1, 2 or 5 x 10^k apart: 2.4 -> 5, never 2.5
        (0.7, [0, 0.2, 0.4, 0.6, 0.8]),
        (0.0, [0, 1]),  # a curve that never rises: one interval 0..1
        (float("nan"), [0, 1]),
    ],
)
def test_value_ticks_are_round_numbers_from_zero_past_the_top(top, values):
    assert value_curve.value_ticks(top) == pytest.approx(values)


def test_value_tick_labels_are_whole_from_ten_up():
    curve = [planning.CurvePoint(START + datetime.timedelta(days=30 * k), k, 2 * k, 3 * k) for k in range(3)]  # P90 6
    chart = value_curve.value_chart(curve, start=START, today=START)
    assert [t.label for t in chart.y_ticks] == ["0", "2.0", "4.0", "6.0"]
    assert [t.x for t in chart.y_ticks] == [244.0, 168.0, 92.0, 16.0]  # plot from y 244 (0) up to 16 px (6)
