"""Geometry of the leadership ROI chart (``roadmap.charts.roi``): scales, bubbles, markers, quadrants. No database."""

import math
import re
from types import SimpleNamespace

import pytest

from roadmap.charts import labels, ticks
from roadmap.charts import roi as geometry


def _point(rank, roi, effort, value=100.0, tag="easy", key=None):
    return geometry.ChartPoint(
        key=key,
        name=f"P{rank}",
        rank=rank,
        tag=tag,
        expected_roi=roi,
        value_per_year=value,
        value_p10_per_year=0.0,
        value_p90_per_year=value * 1.5,
        expected_effort=effort,
        effort_p10=effort * 0.8,
        effort_p90=effort * 1.3,
    )


def _polygon_area(path: str) -> float:
    xy = [tuple(map(float, pair.split(","))) for pair in re.findall(r"-?[\d.]+,-?[\d.]+", path)]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True))) / 2


def test_effort_ticks_follow_the_1_2_5_series_and_are_labelled_as_effort():
    assert ticks.log_ticks(3, 60) == [5, 10, 20, 50]
    assert geometry.effort_label(8) == "1/8 pw"
    assert geometry.effort_label(2000) == "1/2,000 pw"
    assert len(ticks.log_ticks(0.01, 1e6)) <= ticks.MAX_TICKS


def test_bubble_area_is_proportional_to_roi():
    big, small = geometry.bubble_radius(8.0, 8.0), geometry.bubble_radius(2.0, 8.0)
    assert big == geometry.MAX_RADIUS
    assert (small / big) ** 2 == pytest.approx(2.0 / 8.0)


@pytest.mark.parametrize("roi", [-1.0, -0.2, 0.0])
def test_a_project_with_roi_at_or_below_zero_gets_the_minimum_radius(roi):
    assert geometry.bubble_radius(roi, 5.0) == geometry.MIN_RADIUS


def test_every_bubble_is_minimum_size_when_no_roi_is_positive():
    chart = geometry.build_chart([_point(1, -0.1, 4), _point(2, -0.9, 10)])
    assert {b.r for b in chart.bubbles} == {geometry.MIN_RADIUS}
    assert chart.size_legend[-1].r == geometry.MIN_RADIUS


@pytest.mark.parametrize("shape", ["diamond", "triangle"])
def test_square_and_triangle_markers_have_the_area_of_the_circle(shape):
    path = geometry.marker_path(shape, 300.0, 200.0, 20.0)
    assert _polygon_area(path) == pytest.approx(math.pi * 20.0**2, rel=0.02)


def test_ease_axis_is_logarithmic_and_easier_is_to_the_right():
    chart = geometry.build_chart([_point(1, 1.0, 1.0), _point(2, 1.0, 10.0), _point(3, 1.0, 100.0)])
    x = {b.point.expected_effort: b.cx for b in chart.bubbles}
    assert x[1.0] > x[10.0] > x[100.0]
    assert x[1.0] - x[10.0] == pytest.approx(x[10.0] - x[100.0])


def test_whiskers_span_effort_p90_to_p10_and_value_p10_to_p90():
    (bubble,) = geometry.build_chart([_point(1, 1.0, 10.0, value=50.0)]).bubbles
    assert bubble.whisker_x1 < bubble.cx < bubble.whisker_x2  # 1/effort_p90 is left of 1/effort_p10
    assert bubble.whisker_y1 > bubble.cy > bubble.whisker_y2  # SVG y grows downwards


def test_one_project_gets_a_chart_with_ticks_and_no_quadrants():
    chart = geometry.build_chart([_point(1, 0.5, 6.0)])
    assert len(chart.bubbles) == 1
    assert len(chart.x_ticks) >= 2 and len(chart.y_ticks) >= 2
    assert chart.median_x is None and chart.quadrant_labels == ()


def test_quadrants_are_named_at_the_medians():
    chart = geometry.build_chart([_point(1, 3.0, 2, value=500), _point(2, 1.0, 50, value=10), _point(3, 2.0, 8)])
    assert [label.text.split(" (")[0] for label in chart.quadrant_labels] == [
        "Quick wins",
        "Big bets",
        "Fill-ins",
        "Money pits",
    ]
    assert chart.median_x == pytest.approx(sorted(b.cx for b in chart.bubbles)[1])


def test_a_chart_where_every_value_is_zero_puts_bubbles_on_the_axis():
    points = [_point(1, -1.0, 4.0, value=0.0), _point(2, -1.0, 9.0, value=0.0)]
    chart = geometry.build_chart(points)
    assert [t.label for t in chart.y_ticks][-1] == "1"
    assert {b.cy for b in chart.bubbles} == {chart.bottom}
    assert {b.r for b in chart.bubbles} == {geometry.MIN_RADIUS}


def test_huge_and_tiny_numbers_stay_inside_the_plot():
    chart = geometry.build_chart([_point(1, 2.5e9, 0.1, value=1e9), _point(2, 1e-6, 1e5, value=1e-6)])
    for b in chart.bubbles:
        assert chart.left <= b.cx <= chart.right and chart.top <= b.cy <= chart.bottom
        assert math.isfinite(b.r) and b.r >= geometry.MIN_RADIUS


def test_the_top_ten_are_labelled_by_name_where_there_is_room_else_by_rank():
    chart = geometry.build_chart([_point(rank, 1.0, rank) for rank in range(1, 13)])
    named = sorted(int(label.text.split(" · ")[0]) for label in chart.name_labels)
    numbered = sorted(b.point.rank for b in chart.bubbles if b.show_rank)
    assert named and sorted(named + numbered) == list(range(1, 11))  # each of the top ten once, 11 and 12 not
    assert all(re.fullmatch(r"(\d+) · P\1", label.text) for label in chart.name_labels)  # "3 · P3": rank · name
    boxes = [labels.label_box(label.x, label.y, label.anchor, label.text) for label in chart.name_labels]
    assert all(not a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_crowded_top_bubbles_fall_back_to_their_rank_number():
    same_spot = [_point(rank, 1.0, 10.0) for rank in range(1, 11)]  # ten bubbles on one spot: few names fit
    chart = geometry.build_chart(same_spot)
    assert 0 < len(chart.name_labels) < 10
    assert len(chart.name_labels) + sum(b.show_rank for b in chart.bubbles) == 10


def test_a_long_name_is_cut_on_the_chart():
    assert geometry.short_name("x" * 40) == "x" * (geometry.NAME_CHARS - 1) + "…"
    assert geometry.short_name("Spam") == "Spam"


def test_vertical_whiskers_are_the_value_over_the_horizon_given_divided_by_it():
    row = SimpleNamespace(
        project_id=7,
        name="Spam",
        rank=1,
        tag="easy",
        expected_roi=1.0,
        risk_adjusted_value_per_year=100.0,
        value_p10=150.0,  # value units over the horizon, reuse credit included
        value_p90=900.0,
        expected_effort=8.0,
        effort_p10=6.0,
        effort_p90=12.0,
    )
    point = geometry.point_from_score(row, horizon_years=3.0)
    assert (point.value_p10_per_year, point.value_p90_per_year) == (50.0, 300.0)
    assert geometry.point_from_score(row, horizon_years=1.5).value_p90_per_year == 600.0
    no_spread = SimpleNamespace(**{**vars(row), "value_p10": None, "value_p90": None})
    assert geometry.point_from_score(no_spread, horizon_years=3.0).value_p10_per_year == 100.0
