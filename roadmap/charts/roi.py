"""Geometry of the leadership ROI chart: scales, ticks, bubble sizes and marker shapes.

Pure Python (``math``; no Django), so it is tested without a database; ticks come from ``ticks.py`` and
labels from ``portfolio.formatting``. The template ``roadmap/roi_chart.svg`` only places what this module
computes and ``roi_svg.py`` draws the bubbles. Axes (DESIGN.md "The numbers"):

- x: ease = 1 / expected effort, in person-weeks⁻¹, on a LOG scale; ticks are labelled as efforts
  ("1/8 pw") from the 1-2-5 series, because that is how people think about effort.
- y: risk-adjusted expected value per year (mean of success_t x impact_t, value units per year),
  linear from 0 with "nice" ticks.
- bubble AREA proportional to the expected ROI clamped at 0 (radius ∝ sqrt), never below
  ``MIN_RADIUS`` so a project with a negative ROI stays visible.
- whiskers P10-P90: vertically the value over the horizon (success x impact x horizon + reuse credit)
  divided by the horizon in years; horizontally 1 / effort P90 .. 1 / effort P10.
"""

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from portfolio.formatting import compact_number, compact_roi

from .labels import Box, Mark, place_labels
from .score_row import ScoreRow
from .ticks import linear_ticks, log_ticks, nice_floor

WIDTH = 1000
HEIGHT = 600
PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM = 96.0, 36.0, 720.0, 520.0
LEGEND_X = 748.0
MIN_RADIUS = 4.0  # px: the smallest visible bubble (ROI at or below 0)
MAX_RADIUS = 30.0  # px: the bubble of the largest ROI
RANK_LABELS = 10  # the top-10 bubbles are labelled: "3 · name" where it fits, else the rank number alone
NAME_CHARS = 26  # a name label is cut to this many characters ("…"); the tooltip and key have it whole
MIN_LOG_SPAN = math.log10(8)  # the ease axis spans at least a factor 8, so it always has two ticks


@dataclass(frozen=True)
class TagStyle:
    """How a feasibility tag is drawn: Okabe-Ito colour plus a distinct marker shape (colour-blind safe)."""

    tag: str
    label: str
    colour: str
    shape: str  # circle | diamond | triangle
    hollow: bool = False
    dashed: bool = False


TAG_STYLES = {
    "easy": TagStyle("easy", "Easy", "#0072B2", "circle"),
    "hard": TagStyle("hard", "Hard", "#E69F00", "diamond"),
    "impossible": TagStyle("impossible", "Impossible", "#7F7F7F", "triangle"),
    "": TagStyle("", "Not assessed yet", "#333333", "circle", hollow=True, dashed=True),
}


def style_for(tag: str | None) -> TagStyle:
    """The marker style of a feasibility tag; unknown or empty means not assessed."""
    return TAG_STYLES.get(tag or "", TAG_STYLES[""])


@dataclass(frozen=True)
class ChartPoint:
    """One ranked project as the chart sees it.

    Value figures are in value units per year, efforts in person-weeks, ROI a ratio. ``source`` is
    whatever the caller wants the template to reach (the snapshot row, for the tooltip).
    """

    key: int | None
    name: str
    rank: int
    tag: str
    expected_roi: float
    value_per_year: float
    value_p10_per_year: float
    value_p90_per_year: float
    expected_effort: float
    effort_p10: float
    effort_p90: float
    source: ScoreRow | None = field(default=None, compare=False, repr=False)


def point_from_score(score: ScoreRow, horizon_years: float) -> ChartPoint | None:
    """A chart point from a ranking row (any object with ProjectScore's fields), or None when it has no figures.

    The vertical whisker divides the value P10/P90 (over the horizon, reuse credit included) by the
    horizon in years so it shares the y axis's "per year" unit: ``horizon_years`` must be the horizon the
    row was computed with (the snapshot's), which the caller passes in.
    """
    rank, roi, effort = score.rank, score.expected_roi, score.expected_effort
    per_year = score.risk_adjusted_value_per_year
    if rank is None or roi is None or per_year is None or effort is None or not effort > 0:
        return None
    horizon = horizon_years if horizon_years and horizon_years > 0 else 1.0
    value_p10 = score.value_p10 if score.value_p10 is not None else per_year * horizon
    value_p90 = score.value_p90 if score.value_p90 is not None else per_year * horizon
    return ChartPoint(
        key=score.project_id,
        name=score.name,
        rank=rank,
        tag=score.tag or "",
        expected_roi=roi,
        value_per_year=per_year,
        value_p10_per_year=value_p10 / horizon,
        value_p90_per_year=value_p90 / horizon,
        expected_effort=effort,
        effort_p10=score.effort_p10 if score.effort_p10 else effort,
        effort_p90=score.effort_p90 if score.effort_p90 else effort,
        source=score,
    )


@dataclass(frozen=True)
class Tick:
    """An axis tick at ``pos`` px with its label."""

    pos: float
    label: str


@dataclass(frozen=True)
class Bubble:
    """A placed bubble: centre, radius (px), marker path for non-circles, whiskers, rank label, link."""

    point: ChartPoint
    cx: float
    cy: float
    r: float
    style: TagStyle
    path: str  # SVG path for diamond / triangle markers; "" for circles
    whisker_x1: float
    whisker_x2: float
    whisker_y1: float
    whisker_y2: float
    show_rank: bool
    label_x: float
    label_y: float
    href: str


@dataclass(frozen=True)
class LegendItem:
    """A legend entry: a marker at (x, y) of radius ``r`` px with a text label right of it."""

    x: float
    y: float
    r: float
    label: str
    style: TagStyle
    path: str = ""
    text_x: float = 0.0


@dataclass(frozen=True)
class Label:
    """A text label at (x, y) px anchored start / middle / end."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bubbles: tuple[Bubble, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    median_x: float | None
    median_y: float | None
    quadrant_labels: tuple[Label, ...]
    name_labels: tuple[Label, ...]
    tag_legend: tuple[LegendItem, ...]
    size_legend: tuple[LegendItem, ...]
    size_title_y: float
    legend_x: float
    max_roi: float

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def note_y(self) -> float:
        """Where the legend's note on whiskers and medians starts, below the size legend."""
        return (self.size_legend[-1].y if self.size_legend else self.size_title_y) + 32

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2


def effort_label(effort: float) -> str:
    """An ease tick labelled as the effort it stands for: 8 -> "1/8 pw"."""
    return f"1/{compact_number(effort)} pw"


def bubble_radius(roi: float, max_roi: float) -> float:
    """Radius (px) whose area is proportional to the ROI clamped at 0, never below MIN_RADIUS."""
    if max_roi <= 0 or roi <= 0:
        return MIN_RADIUS
    return max(MIN_RADIUS, MAX_RADIUS * math.sqrt(min(roi, max_roi) / max_roi))


def marker_path(shape: str, cx: float, cy: float, r: float) -> str:
    """SVG path of a diamond or triangle with the same area as a circle of radius ``r``; "" for a circle."""
    if shape == "diamond":
        half = r * math.sqrt(math.pi / 2)  # a square of side r*sqrt(pi) turned 45 degrees
        top, right, bottom, left = cy - half, cx + half, cy + half, cx - half
        return f"M{cx:.1f},{top:.1f} L{right:.1f},{cy:.1f} L{cx:.1f},{bottom:.1f} L{left:.1f},{cy:.1f} Z"
    if shape == "triangle":
        side = r * math.sqrt(4 * math.pi / math.sqrt(3))
        height = side * math.sqrt(3) / 2
        top, base = cy - 2 * height / 3, cy + height / 3
        return f"M{cx:.1f},{top:.1f} L{cx + side / 2:.1f},{base:.1f} L{cx - side / 2:.1f},{base:.1f} Z"
    return ""


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class _LogScale:
    """Ease (1 / effort) -> x px, log scale over efforts ``[low_effort, high_effort]`` (easy on the right)."""

    def __init__(self, efforts: Iterable[float]):
        logs = [math.log10(1 / e) for e in efforts if e > 0 and math.isfinite(e)] or [0.0]
        lo, hi = min(logs), max(logs)
        pad = max(0.08 * (hi - lo), 0.05)
        lo, hi = lo - pad, hi + pad
        if hi - lo < MIN_LOG_SPAN:
            middle = (hi + lo) / 2
            lo, hi = middle - MIN_LOG_SPAN / 2, middle + MIN_LOG_SPAN / 2
        self.lo, self.hi = lo, hi

    def x(self, effort: float) -> float:
        share = (math.log10(1 / effort) - self.lo) / (self.hi - self.lo)
        return PLOT_LEFT + min(1.0, max(0.0, share)) * (PLOT_RIGHT - PLOT_LEFT)

    def ticks(self) -> tuple[Tick, ...]:
        low_effort, high_effort = 10**-self.hi, 10**-self.lo
        return tuple(Tick(self.x(e), effort_label(e)) for e in log_ticks(low_effort, high_effort))


def _y_scale(points: Sequence[ChartPoint]) -> tuple[float, tuple[Tick, ...]]:
    highest = max([p.value_per_year for p in points] + [p.value_p90_per_year for p in points], default=0.0)
    top, values = linear_ticks(highest)
    return top, tuple(Tick(PLOT_BOTTOM - v / top * (PLOT_BOTTOM - PLOT_TOP), compact_number(v)) for v in values)


def _place(point: ChartPoint, xs: _LogScale, y: Callable[[float], float], max_roi: float, href: str) -> Bubble:
    cx, cy = xs.x(point.expected_effort), y(point.value_per_year)
    r = bubble_radius(point.expected_roi, max_roi)
    style = style_for(point.tag)
    return Bubble(
        point=point,
        cx=cx,
        cy=cy,
        r=r,
        style=style,
        path=marker_path(style.shape, cx, cy, r),
        whisker_x1=xs.x(point.effort_p90),
        whisker_x2=xs.x(point.effort_p10),
        whisker_y1=y(point.value_p10_per_year),
        whisker_y2=y(point.value_p90_per_year),
        show_rank=point.rank <= RANK_LABELS,
        label_x=cx + r * 0.75 + 2,
        label_y=cy - r * 0.75 - 2,
        href=href,
    )


def _quadrant_labels(median_x: float | None, median_y: float | None) -> tuple[Label, ...]:
    if median_x is None or median_y is None:
        return ()
    top, bottom = PLOT_TOP + 14, PLOT_BOTTOM - 8
    return (
        Label(PLOT_RIGHT - 6, top, "Quick wins (high value, easy)", "end"),
        Label(PLOT_LEFT + 6, top, "Big bets (high value, hard)", "start"),
        Label(PLOT_RIGHT - 6, bottom, "Fill-ins (low value, easy)", "end"),
        Label(PLOT_LEFT + 6, bottom, "Money pits (low value, hard)", "start"),
    )


def short_name(name: str) -> str:
    """A project name cut to ``NAME_CHARS`` characters for a label on the chart."""
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def _name_labels(bubbles: list[Bubble]) -> tuple[list[Bubble], tuple[Label, ...]]:
    """Label the top-ranked bubbles "rank · name" without overlap (``labels.place_labels``); a top bubble whose
    name finds no free spot keeps its rank number (``show_rank``), which the key under the chart resolves."""
    marks = {id(b): Mark(b.cx, b.cy, b.r, f"{b.point.rank} · {short_name(b.point.name)}") for b in bubbles}
    top = sorted((b for b in bubbles if b.point.rank <= RANK_LABELS), key=lambda b: b.point.rank)
    area = Box(PLOT_LEFT + 2, PLOT_TOP + 18, PLOT_RIGHT - 2, PLOT_BOTTOM - 14)  # clear of the quadrant names
    placed = place_labels([marks[id(b)] for b in top], area, obstacles=list(marks.values()))
    named = {id(label.mark) for label in placed}
    bubbles = [dataclasses.replace(b, show_rank=b.show_rank and id(marks[id(b)]) not in named) for b in bubbles]
    return bubbles, tuple(Label(p.x, p.y, p.mark.text, p.anchor) for p in placed)


def _legends(max_roi: float) -> tuple[tuple[LegendItem, ...], tuple[LegendItem, ...], float]:
    """The feasibility legend (every tag, so the key is stable), the bubble-size legend and its title's y."""
    tag_items = []
    y = PLOT_TOP + 30
    for style in TAG_STYLES.values():
        path = marker_path(style.shape, LEGEND_X + 10, y, 7)
        tag_items.append(LegendItem(LEGEND_X + 10, y, 7, style.label, style, path, text_x=LEGEND_X + 24))
        y += 24
    size_items = []
    y += 24
    size_title_y = y
    y += 12
    text_x = LEGEND_X + 2 * MAX_RADIUS + 10
    neutral = TagStyle("", "", "#555555", "circle", hollow=True)
    if max_roi > 0:
        sizes = sorted({nice_floor(max_roi), nice_floor(max_roi / 4), nice_floor(max_roi / 16)}, reverse=True)
        for roi in sizes:
            r = bubble_radius(roi, max_roi)
            if r > MIN_RADIUS:
                y += r
                label = f"ROI {compact_roi(roi)}"
                size_items.append(LegendItem(LEGEND_X + MAX_RADIUS, y, r, label, neutral, text_x=text_x))
                y += r + 8
    y += MIN_RADIUS
    label = "ROI ≤ 0% (smallest size)"
    size_items.append(LegendItem(LEGEND_X + MAX_RADIUS, y, MIN_RADIUS, label, neutral, text_x=text_x))
    return tuple(tag_items), tuple(size_items), size_title_y


def build_chart(points: Sequence[ChartPoint], hrefs: Mapping[int, str] | None = None) -> Chart:
    """Place every point: scales from the data (whiskers included), bubbles largest first so small ones stay on top."""
    hrefs = hrefs or {}
    xs = _LogScale([e for p in points for e in (p.expected_effort, p.effort_p10, p.effort_p90)])
    y_top, y_ticks = _y_scale(points)

    def y(value: float) -> float:
        share = min(1.0, max(0.0, value / y_top))
        return PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP)

    max_roi = max((p.expected_roi for p in points), default=0.0)
    max_roi = max(max_roi, 0.0)
    bubbles = [_place(p, xs, y, max_roi, hrefs.get(p.key, "") if p.key is not None else "") for p in points]
    bubbles.sort(key=lambda b: (-b.r, -b.point.rank))
    bubbles, name_labels = _name_labels(bubbles)
    median_x = _median([b.cx for b in bubbles]) if len(bubbles) >= 2 else None
    median_y = _median([b.cy for b in bubbles]) if len(bubbles) >= 2 else None
    tag_legend, size_legend, size_title_y = _legends(max_roi)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=PLOT_LEFT,
        top=PLOT_TOP,
        right=PLOT_RIGHT,
        bottom=PLOT_BOTTOM,
        bubbles=tuple(bubbles),
        x_ticks=xs.ticks(),
        y_ticks=y_ticks,
        median_x=median_x,
        median_y=median_y,
        quadrant_labels=_quadrant_labels(median_x, median_y),
        name_labels=name_labels,
        tag_legend=tag_legend,
        size_legend=size_legend,
        size_title_y=size_title_y,
        legend_x=LEGEND_X,
        max_roi=max_roi,
    )
