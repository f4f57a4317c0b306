"""Geometry of the project page's finish-date chart: the share of trials in which the project has finished, by
date (a step line from 0 to 100%), with its P50 finish and its target date marked.

Plain Python over dates (no Django): the template tag ``project_schedule`` passes the project's schedule row in,
``roadmap/_project_schedule.html`` draws what comes out (coordinates in px).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .timeline import target_colour

WIDTH, HEIGHT, LEFT, BOTTOM = 420, 150, 40, 24  # px: the chart, and its margins for the y labels and the dates
TOP, RIGHT = 10, 16  # px of margin above and right of the plot


@dataclass(frozen=True)
class FinishCdf:
    """Everything the finish-date chart draws: plot edges, the step line's points, the P50 and target lines."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    line: str  # polyline points "x,y x,y ..."
    p50_x: float
    target_x: float | None
    target_colour: str
    first: datetime.date  # the date at the left edge
    last: datetime.date  # the date at the right edge
    y_half: float  # the 50% line


class FinishFigures(Protocol):
    """What the chart reads of a schedule row (``ScheduleRow``)."""

    @property
    def finish_cdf(self) -> Sequence[Sequence[str | float]]: ...
    @property
    def finish_p50(self) -> datetime.date | None: ...
    @property
    def target_date(self) -> datetime.date | None: ...
    @property
    def p_meet_target(self) -> float | None: ...


def finish_cdf_chart(row: FinishFigures) -> FinishCdf:
    """Lay out a schedule row's ``finish_cdf`` ([[ISO date, cumulative share of trials], ...], at least one bin).

    The axis runs from the first finish (the first bin's start: one bin before its date) to the last bin, and
    takes in the target date (``row.target_date``) when it lies outside; ``row.finish_p50`` gets a line.
    """
    if row.finish_p50 is None:
        raise ValueError("a schedule row with a finish-date distribution has a P50 finish")
    p50 = row.finish_p50
    points = [(datetime.date.fromisoformat(str(d)), float(share)) for d, share in row.finish_cdf]
    bin_width = points[1][0] - points[0][0] if len(points) > 1 else datetime.timedelta(days=1)
    earliest = points[0][0] - bin_width  # the first finish: the CDF's first bin starts there
    first = min([earliest] + ([row.target_date] if row.target_date else []))
    last = max([points[-1][0]] + ([row.target_date] if row.target_date else []))
    days = max((last - first).days, 1)
    plot = WIDTH - LEFT - RIGHT
    bottom = HEIGHT - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + float((day - first).days) / days * plot, 1)

    def y(share: float) -> float:
        return round(bottom - share * (bottom - TOP), 1)

    line = [f"{x(first)},{y(0)}", f"{x(earliest)},{y(0)}"]
    previous = 0.0
    for day, share in points:
        line += [f"{x(day)},{y(previous)}", f"{x(day)},{y(share)}"]
        previous = share
    return FinishCdf(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=LEFT + plot,
        top=TOP,
        bottom=bottom,
        line=" ".join(line),
        p50_x=x(p50),
        target_x=x(row.target_date) if row.target_date else None,
        target_colour=target_colour(row.p_meet_target),
        first=first,
        last=last,
        y_half=y(0.5),
    )
