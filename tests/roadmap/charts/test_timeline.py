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
    rank: int | None = None


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
    assert len(chart.rows) == 100
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


def test_the_tooltip_gives_the_dates_the_chance_of_making_the_target_and_the_pin():
    row = Row(3, "Spam", 2, START, START, START, START, target_date=START, p_meet_target=0.625, pin=1, rank=11)
    (laid,) = timeline.gantt([row], start=START, today=START, url_for=str).rows
    assert laid.tooltip.split("\n") == [
        "2. Spam (2 people)",
        "start P10 · P50 · P90: – · 4 Jan 2027 · –",
        "finish P10 · P50 · P90: 4 Jan 2027 · 4 Jan 2027 · 4 Jan 2027",
        "target 4 Jan 2027: 62% likely to make it",  # 62.5 rounds half to even
        "pinned to place 1: scheduled #2, its rank is 11",
    ]


def test_rows_are_labelled_by_their_place_and_cut_with_an_ellipsis():
    long = Row(1, "A" * 60, 7, START, START, START, START)
    (laid,) = timeline.gantt([long], start=START, today=START, url_for=str).rows
    assert laid.label.startswith("7. AAA") and laid.label.endswith("…") and len(laid.label) == timeline.NAME_CHARS
    assert laid.name == "A" * 60  # whole in the tooltip's first line
    assert laid.tooltip.startswith(f"7. {'A' * 60}")


def test_a_requires_link_is_marked_at_both_ends_by_place_not_drawn_across_the_chart():
    rows = _rows(4)  # 2 requires 1, 3 requires 2, 4 requires 3
    rows[3].requires = (1, 3)
    chart = timeline.gantt(rows, start=START, today=START, url_for=str)
    notes = [r.links_note for r in chart.rows]
    assert notes == ["feeds #2, #4", "waits for #1 · feeds #3", "waits for #2 · feeds #4", "waits for #1, #3"]
    assert not hasattr(chart, "arrows")


def test_a_producer_that_is_not_on_the_chart_is_not_mentioned():
    row = _rows(1)[0]
    row.requires = (99,)
    assert timeline.link_notes([row]) == {}


def test_a_note_that_would_run_off_the_chart_goes_left_of_the_bar():
    rows = _rows(2)
    rows[1].finish_p90 = rows[1].finish_p10 = rows[1].finish_p50 = START + datetime.timedelta(days=300)
    chart = timeline.gantt(rows, start=START, today=START, url_for=str)
    early, late = chart.rows
    assert early.note_anchor == "start" and early.note_x > early.band_x + early.band_width
    assert late.note_anchor == "end" and late.note_x < late.bar_x


def test_month_ticks_label_every_month_start_on_the_axis():
    chart = timeline.gantt(_rows(3), start=START, today=START, url_for=str)
    assert [m.label for m in chart.months][:3] == ["Feb", "Mar", "Apr"]
    assert all(chart.plot_left < m.x <= chart.plot_right for m in chart.months)


@pytest.mark.parametrize(
    ("pin", "position", "rank", "note"),
    [
        (1, 1, 11, "pinned to place 1: scheduled #1, its rank is 11"),
        (1, 3, 11, "pinned to place 1: scheduled #3, its rank is 11"),
        (2, None, None, "pinned to place 2: not scheduled, it has no rank"),
    ],
)
def test_a_pin_note_says_where_the_project_went_and_what_its_rank_is(pin, position, rank, note):
    assert timeline.pin_note(pin, position, rank) == note
