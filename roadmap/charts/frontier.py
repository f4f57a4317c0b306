"""Geometry of the efficient frontier: the funded set's expected net value (line) and its P10-P90 band (shaded)
against the budget, with today's budget and one person more or fewer marked.

Pure Python (no Django): the view passes the snapshot's frontier points ({budget, mean, p10, p90}; budget in
person-weeks, values in value units over the horizon) in, ``roadmap/frontier.svg`` draws what comes out (px).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from portfolio.formatting import compact_number

from .ticks import GridLine, nice_step

WIDTH, HEIGHT = 900, 300  # px
LEFT, BOTTOM, RIGHT, TOP = 84, 44, 24, 16.0  # px of margin around the plot


@dataclass(frozen=True)
class BudgetMark:
    """A vertical line at a budget (person-weeks): today's, or one person more or fewer."""

    x: float
    label: str
    today: bool


@dataclass(frozen=True)
class FrontierDot:
    """One frontier point in px with its figures (for the tooltip)."""

    x: float
    y: float
    budget: float
    mean: float
    p10: float
    p90: float


@dataclass(frozen=True)
class FrontierChart:
    """Everything ``roadmap/frontier.svg`` draws, in px."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    band: str  # polygon points: P10 forward, P90 back
    mean: str  # polyline points of the expected net value
    dots: tuple[FrontierDot, ...]
    y_ticks: tuple[GridLine, ...]  # x holds the y coordinate here
    x_ticks: tuple[GridLine, ...]
    zero_y: float
    marks: tuple[BudgetMark, ...]


def axis_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks covering [low, high] (any sign): multiples of a 1-2-2.5-5 step; [0, 1] when there is no span."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high <= low:
        high = low + 1.0
    step = nice_step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [i * step for i in range(first, last + 1)]


def frontier_chart(points: Sequence[Mapping[str, float]], *, budget: float, person_weeks: float) -> FrontierChart:
    """Lay out the frontier from its points; ``budget`` is today's (person-weeks), ``person_weeks`` what one person
    adds over the window (the one-more / one-fewer marks)."""
    bottom = HEIGHT - BOTTOM
    right = WIDTH - RIGHT
    top_budget = max([p["budget"] for p in points] + [budget + person_weeks, 1.0])
    x_ticks = axis_ticks(0.0, top_budget)
    values = [v for p in points for v in (p["p10"], p["p90"], p["mean"])] + [0.0]
    y_ticks = axis_ticks(min(values), max(values))
    x_scale = (right - LEFT) / (x_ticks[-1] - x_ticks[0])
    y_scale = (bottom - TOP) / (y_ticks[-1] - y_ticks[0])

    def x(value: float) -> float:
        return round(LEFT + (value - x_ticks[0]) * x_scale, 1)

    def y(value: float) -> float:
        return round(bottom - (value - y_ticks[0]) * y_scale, 1)

    band = [f"{x(p['budget'])},{y(p['p10'])}" for p in points] + [
        f"{x(p['budget'])},{y(p['p90'])}" for p in reversed(points)
    ]
    marks = [BudgetMark(x(budget), "today's budget", True)]
    if budget + person_weeks <= x_ticks[-1]:
        marks.append(BudgetMark(x(budget + person_weeks), "+1 person", False))
    if budget - person_weeks >= 0:
        marks.append(BudgetMark(x(budget - person_weeks), "−1 person", False))
    return FrontierChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=right,
        plot_top=TOP,
        plot_bottom=bottom,
        band=" ".join(band),
        mean=" ".join(f"{x(p['budget'])},{y(p['mean'])}" for p in points),
        dots=tuple(
            FrontierDot(x(p["budget"]), y(p["mean"]), p["budget"], p["mean"], p["p10"], p["p90"]) for p in points
        ),
        y_ticks=tuple(GridLine(y(t), compact_number(t)) for t in y_ticks),
        x_ticks=tuple(GridLine(x(t), compact_number(t)) for t in x_ticks),
        zero_y=y(0.0),
        marks=tuple(marks),
    )
