"""Geometry of the roadmap's Gantt: one row per scheduled project with its P50 bar, P10-P90 finish band,
target marker and its ``requires`` links marked at both ends ("waits for #3" on the consumer's row, "feeds #7"
on the producer's: no arrow runs across the chart), quarter gridlines, month ticks and today's line.

Plain Python over dates and numbers (no Django): the view passes schedule rows in, ``roadmap/timeline.svg``
draws what comes out. Colours are returned as SVG presentation attributes so a downloaded SVG looks the same
without the page's stylesheet. The Gantt has a fixed height per row (px) and a fixed scale per day (px per
day), so 100 or 1,000 projects scroll rather than squeeze.
"""

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from portfolio.formatting import day, percent

from .ticks import DateAxis, GridLine, month_ticks, quarter_gridlines

ROW_HEIGHT = 24  # px per project
BAR_HEIGHT = 10
TOP = 50  # px above the first row: today's label, quarter labels, month ticks
LABEL_WIDTH = 250  # px of project names left of the plot
RIGHT = 24
MIN_PLOT = 900  # px
MAX_PLOT = 6000
PX_PER_DAY = 2.0  # a year is ~730 px; shorter roadmaps are stretched to MIN_PLOT, longer ones scroll
NAME_CHARS = 34
LINK_CHAR_WIDTH = 6.0  # px per character of the 10 px "waits for #3 · feeds #7" notes
GOOD, WARN, BAD = "#1d7a3a", "#c77c00", "#a32020"


def target_colour(p_meet: float | None) -> str:
    """A target marker's colour by the probability of making it: green >= 80%, amber >= 50%, else red."""
    if p_meet is None:
        return "#7f7f7f"
    return GOOD if p_meet >= 0.8 else WARN if p_meet >= 0.5 else BAD


@dataclass(frozen=True)
class GanttRow:
    """One project's row: bar from P50 start to P50 finish, P10-P90 finish band, target marker, tooltip."""

    index: int
    pk: int | None
    name: str
    label: str
    url: str
    y: float
    bar_y: float
    bar_x: float
    bar_width: float
    band_x: float
    band_width: float
    band_y: float
    target_x: float | None
    target_path: str
    target_colour: str
    tooltip: str
    links_note: str = ""  # "waits for #3 · feeds #7, #9": the row's requires links by place on the roadmap
    note_x: float = 0.0
    note_anchor: str = "start"


@dataclass(frozen=True)
class GanttChart:
    """Everything ``roadmap/timeline.svg`` draws, in px (``px_per_day`` px per day from ``start``)."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    rows: tuple[GanttRow, ...]
    quarters: tuple[GridLine, ...]
    months: tuple[GridLine, ...]
    today_x: float | None
    today: datetime.date
    start: datetime.date
    px_per_day: float


def _date_axis(start: datetime.date, dates: Sequence[datetime.date | None], left: float) -> DateAxis:
    """From the roadmap start to two weeks past the latest date given (at least 90 days)."""
    at_least = start + datetime.timedelta(days=min(90, (datetime.date.max - start).days))  # the calendar ends
    latest = max([d for d in dates if d is not None] + [at_least])
    last = latest + datetime.timedelta(days=min(14, (datetime.date.max - latest).days))
    days = max((last - start).days, 1)
    px_per_day = min(max(PX_PER_DAY, MIN_PLOT / days), MAX_PLOT / days)
    return DateAxis(first=start, last=last, left=left, px_per_day=px_per_day)


def pin_note(pin: int, position: int | None, rank: int | None) -> str:
    """Why a pinned project's place differs from its rank: "pinned to place 1: scheduled #1, its rank is 11"."""
    placed = f"scheduled #{position}" if position is not None else "not scheduled"
    ranked = f"its rank is {rank}" if rank is not None else "it has no rank"
    return f"pinned to place {pin}: {placed}, {ranked}"


def link_notes(rows: Sequence[Any]) -> dict[int, str]:
    """Each row's ``requires`` links by roadmap place, by row index: "waits for #3 · feeds #7, #9".

    Only producers on the chart count (a delivered producer imposes no wait)."""
    place = {row.project_id: row.position for row in rows}
    waits: dict[int, list[int]] = {}
    feeds: dict[int, list[int]] = {}
    for row in rows:
        for producer in row.requires or ():
            if producer in place:
                waits.setdefault(row.position, []).append(place[producer])
                feeds.setdefault(place[producer], []).append(row.position)
    notes = {}
    for i, row in enumerate(rows):
        parts = []
        if waits.get(row.position):
            parts.append("waits for " + ", ".join(f"#{p}" for p in sorted(waits[row.position])))
        if feeds.get(row.position):
            parts.append("feeds " + ", ".join(f"#{p}" for p in sorted(feeds[row.position])))
        if parts:
            notes[i] = " · ".join(parts)
    return notes


def _tooltip(row: Any, value_unit: str) -> str:
    """The row's numbers in words, for the SVG <title> (the table repeats them)."""
    parts = [
        f"{row.position}. {row.name} ({row.staffing} people)",
        f"start P10 · P50 · P90: {day(row.start_p10)} · {day(row.start_p50)} · {day(row.start_p90)}",
        f"finish P10 · P50 · P90: {day(row.finish_p10)} · {day(row.finish_p50)} · {day(row.finish_p90)}",
    ]
    if row.target_date:
        parts.append(f"target {day(row.target_date)}: {percent(row.p_meet_target or 0)} likely to make it")
    if row.pin:
        parts.append(pin_note(row.pin, row.position, row.rank))
    return "\n".join(parts)


def _label(row: Any) -> str:
    """The row's name after its place on the roadmap ("3. Churn prediction"), cut to ``NAME_CHARS``."""
    text = f"{row.position}. {row.name}"
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _place_note(row: GanttRow, right: float) -> GanttRow:
    """Put the row's links note right of its P90 band, or left of its bar when it would run past ``right``."""
    if not row.links_note:
        return row
    after = max(row.band_x + row.band_width, row.bar_x + row.bar_width, row.target_x or 0) + 8
    if after + len(row.links_note) * LINK_CHAR_WIDTH <= right:
        return dataclasses.replace(row, note_x=after, note_anchor="start")
    return dataclasses.replace(row, note_x=row.bar_x - 6, note_anchor="end")


def gantt(
    rows: Sequence[Any],
    *,
    start: datetime.date,
    today: datetime.date,
    url_for: Callable[[int | None], str],
    value_unit: str = "",
) -> GanttChart:
    """Lay out the scheduled rows (schedule order) of a roadmap: one row each, ``requires`` links as notes.

    ``rows`` are ScheduleRow-like objects (name, project_id, position, staffing, pin, start_p10..finish_p90,
    target_date, p_meet_target, requires); rows without a position are skipped.
    """
    rows = [r for r in rows if r.position is not None]
    axis = _date_axis(start, [r.finish_p90 for r in rows] + [r.target_date for r in rows], LABEL_WIDTH)
    laid = []
    notes = link_notes(rows)
    for i, row in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        bar_x, band_x = axis.x(row.start_p50), axis.x(row.finish_p10)
        in_range = axis.shows(row.target_date)
        target_x = axis.x(row.target_date) if in_range else None
        centre = y + ROW_HEIGHT / 2
        laid.append(
            GanttRow(
                index=i,
                pk=row.project_id,
                name=row.name,
                label=_label(row),
                url=url_for(row.project_id),
                y=y,
                bar_y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                bar_x=bar_x,
                bar_width=max(axis.x(row.finish_p50) - bar_x, 1.0),
                band_x=band_x,
                band_width=max(axis.x(row.finish_p90) - band_x, 1.0),
                band_y=y + 3,
                target_x=target_x,
                target_path=f"M{target_x},{centre - 7} l5,7 l-5,7 l-5,-7 z" if in_range else "",
                target_colour=target_colour(row.p_meet_target),
                tooltip=_tooltip(row, value_unit),
                links_note=notes.get(i, ""),
            )
        )
    laid = [_place_note(r, axis.right) for r in laid]
    height = TOP + len(rows) * ROW_HEIGHT + 8
    return GanttChart(
        width=axis.right + RIGHT,
        height=height,
        plot_left=axis.left,
        plot_right=axis.right,
        plot_bottom=height - 8,
        rows=tuple(laid),
        quarters=quarter_gridlines(axis),
        months=month_ticks(axis),
        today_x=axis.x(today) if axis.shows(today) else None,
        today=today,
        start=start,
        px_per_day=axis.px_per_day,
    )
