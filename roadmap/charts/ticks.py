"""Axes and ticks of every chart: nice linear ticks from 0, 1-2-5 ticks on a log axis, dates and quarter gridlines.

Pure Python (``math``, ``datetime``; no Django). One implementation of each, used by the ROI chart
(``roi.py``: linear value axis, log ease axis), the value curve (``value_curve.py``: linear value axis,
quarter gridlines) and the Gantt (``timeline.py``: date axis, quarter gridlines). Tick values are in the
axis's own unit (value units per year, person-weeks, dates); positions in SVG px.
"""

import datetime
import math
from dataclasses import dataclass

from portfolio.formatting import quarter_label

ROI_STEPS = (1, 2, 2.5, 5)  # a linear step is one of these times a power of ten (the ROI chart's value axis)
COARSE_STEPS = (1, 2, 5)  # the value curve's value axis: no 2.5
MAX_TICKS = 9  # at most this many ticks on a log axis
MAX_GRIDLINES = 24  # quarter gridlines on one chart; longer date axes get coarser ones
_TOLERANCE = 1e-9  # relative: a span a hair over a nice number (float rounding) still gets that number


def nice_step(span: float, count: int = 5, multiples: tuple[float, ...] = ROI_STEPS) -> float:
    """The smallest step of ``multiples`` x 10^k giving at most about ``count`` intervals over ``span`` (> 0).

    For example ``nice_step(87)`` is 20 (87 / 5 = 17.4, and 20 is the next of 1, 2, 2.5, 5 x 10)."""
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (*multiples, 10):
        if raw <= multiple * power * (1 + _TOLERANCE):
            return float(multiple * power)
    return float(10 * power)


def linear_ticks(top: float, count: int = 5, multiples: tuple[float, ...] = ROI_STEPS) -> tuple[float, list[float]]:
    """Nice ticks from 0: the axis top (a multiple of the step, at least ``top``) and the tick values.

    A top of 0, below 0 or not finite (every value zero) gives the axis 0..1 in ``count`` steps.
    """
    if not top > 0 or not math.isfinite(top):
        top = 1.0
    step = nice_step(top, count, multiples)
    steps = math.ceil(top / step - _TOLERANCE)
    return steps * step, [i * step for i in range(steps + 1)]


def nice_floor(value: float) -> float:
    """The largest 1 / 2 / 5 x 10^k not above ``value`` (> 0): 7 -> 5, 0.3 -> 0.2, 100 -> 100."""
    power = 10 ** math.floor(math.log10(value))
    return float(max(m * power for m in (1, 2, 5) if m * power <= value * (1 + _TOLERANCE)))


def log_ticks(low: float, high: float, most: int = MAX_TICKS) -> list[float]:
    """Values of the 1-2-5 series between ``low`` and ``high`` (> 0), at most ``most`` of them.

    Too many keep only the powers of ten, then every second (third, ...) of those: 3..60 -> [5, 10, 20, 50].
    """
    first, last = math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1
    series = [m * 10.0**d for d in range(first, last + 1) for m in (1, 2, 5)]
    inside = [e for e in series if low * (1 - _TOLERANCE) <= e <= high * (1 + _TOLERANCE)]
    if len(inside) > most:
        inside = [e for e in inside if math.isclose(10 ** round(math.log10(e)), e)]
    stride = 1
    while len(inside[::stride]) > most:
        stride += 1
    return inside[::stride]


@dataclass(frozen=True)
class DateAxis:
    """A linear date axis: x = left + (date - first) days x px_per_day, in px rounded to 0.1."""

    first: datetime.date
    last: datetime.date
    left: float
    px_per_day: float

    def x(self, date: datetime.date) -> float:
        return round(self.left + (date - self.first).days * self.px_per_day, 1)

    def shows(self, date: datetime.date | None) -> bool:
        """Whether ``date`` is on the axis (``first`` to ``last``, both included)."""
        return date is not None and self.first <= date <= self.last

    @property
    def right(self) -> float:
        return self.x(self.last)


@dataclass(frozen=True)
class GridLine:
    """A gridline at ``x`` px with its label (a value chart's horizontal lines put their y in ``x``)."""

    x: float
    label: str


def quarter_starts(first: datetime.date, last: datetime.date, *, most: int = MAX_GRIDLINES) -> list[datetime.date]:
    """The first days of calendar quarters strictly after ``first`` and on or before ``last``.

    A span of more than ``most`` quarters keeps every k-th quarter start (k a whole number of years),
    so a very long roadmap gets yearly or coarser gridlines rather than thousands of them.
    """
    month = ((first.month - 1) // 3 + 1) * 3 + 1
    year = first.year + (month > 12)
    day = datetime.date(year, (month - 1) % 12 + 1, 1)
    span = (last.year - day.year) * 4 + (last.month - day.month) // 3 + 1
    step = 1 if span <= most else 4 * math.ceil(span / most / 4)  # quarters between gridlines
    out = []
    while day <= last:
        out.append(day)
        month = day.month + 3 * step
        year = day.year + (month - 1) // 12
        if year > datetime.MAXYEAR:
            break
        day = datetime.date(year, (month - 1) % 12 + 1, 1)
    return out


def quarter_gridlines(axis: DateAxis) -> tuple[GridLine, ...]:
    """A labelled gridline ("Q3 2027") at each quarter start on the axis after its first day."""
    return tuple(GridLine(axis.x(q), quarter_label(q)) for q in quarter_starts(axis.first, axis.last))


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months strictly after ``first`` and on or before ``last``."""
    out: list[datetime.date] = []
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if year > datetime.MAXYEAR:
            return out
        day = datetime.date(year, month, 1)
        if day > last:
            return out
        out.append(day)


def month_ticks(axis: DateAxis, *, min_px: float = 22.0) -> tuple[GridLine, ...]:
    """A tick at each month start on the axis, labelled "Jan", "Feb", ...; none when months are under ``min_px``
    apart (a very long roadmap keeps its quarter gridlines only)."""
    if axis.px_per_day * 28 < min_px:
        return ()
    return tuple(GridLine(axis.x(m), f"{m:%b}") for m in month_starts(axis.first, axis.last))
