"""Geometry of the roadmap's value band chart: the cumulative annual value delivered over time, P50 line and
P10-P90 band, with round value ticks, quarter gridlines and today's line.

Plain Python over dates and numbers (no Django): the view passes the snapshot's curve points (date, p10, p50,
p90 in value units per year) in, ``roadmap/value_curve.svg`` draws what comes out (coordinates in px).
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portfolio.formatting import coarse_number

from .ticks import COARSE_STEPS, DateAxis, GridLine, linear_ticks, quarter_gridlines

WIDTH, HEIGHT = 900, 280  # px
LEFT, BOTTOM, RIGHT, TOP = 80, 36, 24, 16.0  # px of margin around the plot (y tick labels left, quarters below)


@dataclass(frozen=True)
class ValueChart:
    """Everything ``roadmap/value_curve.svg`` draws, in px."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    band: str  # polygon points, P10 forward then P90 back
    median: str  # polyline points of P50
    y_ticks: tuple[GridLine, ...]  # x holds the y coordinate here
    quarters: tuple[GridLine, ...]
    today_x: float | None
    y_title: float


def value_ticks(top: float) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) from 0 to at least ``top`` (value units per year).

    A curve that never rises above 0 gets the single interval 0..1.
    """
    if not top > 0 or not math.isfinite(top):
        return [0.0, 1.0]
    return linear_ticks(top, multiples=COARSE_STEPS)[1]


def value_chart(points: Sequence[Any], *, start: datetime.date, today: datetime.date) -> ValueChart:
    """Lay out the cumulative value band chart from curve points (date, p10, p50, p90)."""
    bottom = HEIGHT - BOTTOM
    last = points[-1].date if points else start
    days = max((last - start).days, 1)
    axis = DateAxis(start, start + datetime.timedelta(days=days), LEFT, (WIDTH - LEFT - RIGHT) / days)
    ticks = value_ticks(max([p.p90 for p in points] + [0.0]))
    scale = (bottom - TOP) / ticks[-1]

    def y(value: float) -> float:
        return round(bottom - value * scale, 1)

    band = [f"{axis.x(p.date)},{y(p.p10)}" for p in points] + [f"{axis.x(p.date)},{y(p.p90)}" for p in points[::-1]]
    return ValueChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=axis.right,
        plot_top=TOP,
        plot_bottom=bottom,
        band=" ".join(band),
        median=" ".join(f"{axis.x(p.date)},{y(p.p50)}" for p in points),
        y_ticks=tuple(GridLine(y(t), coarse_number(t)) for t in ticks),
        quarters=quarter_gridlines(axis),
        today_x=axis.x(today) if axis.shows(today) else None,
        y_title=(TOP + bottom) / 2,
    )
