"""Geometry of the project page's ROI bar: the project's ROI P10-P90 as a bar on an axis that always shows 0%,
with a tick at P50 and a dot at the expected ROI.

Plain Python (``math``; no Django): the project page passes the project's ranking row in,
``portfolio/project_detail.html`` draws what comes out (positions in SVG user units, px).
"""

import math
from dataclasses import dataclass
from typing import Protocol

BAR_WIDTH, BAR_HEIGHT, BAR_MARGIN = 360.0, 52.0, 16.0  # px


class RoiFigures(Protocol):
    """What the bar reads of a ranking row (``ProjectScore``): ROI ratios, None when not computed."""

    roi_p10: float | None
    roi_p50: float | None
    roi_p90: float | None
    expected_roi: float | None


@dataclass(frozen=True)
class RoiBar:
    """Positions (SVG user units) of the ROI P10–P90 bar: axis with 0% marked, tick at P50, dot at the mean."""

    width: float
    height: float
    x_zero: float
    x_p10: float
    x_p50: float
    x_p90: float
    x_mean: float
    axis_y: float

    @property
    def bar_width(self) -> float:
        return max(self.x_p90 - self.x_p10, 1.0)

    @property
    def axis_end(self) -> float:
        return self.width - 4

    @property
    def bar_top(self) -> float:
        return self.axis_y - 6

    @property
    def tick_top(self) -> float:
        return self.axis_y - 9

    @property
    def tick_bottom(self) -> float:
        return self.axis_y + 9

    @property
    def zero_line_bottom(self) -> float:
        return self.height - 12


def roi_bar(score: RoiFigures | None) -> RoiBar | None:
    """Lay out the ROI range of one project on an axis that always includes 0%; None without figures."""
    if score is None:
        return None
    p10, p50, p90, mean = score.roi_p10, score.roi_p50, score.roi_p90, score.expected_roi
    if p10 is None or p50 is None or p90 is None or mean is None:
        return None
    if not all(math.isfinite(v) for v in (p10, p50, p90, mean)):
        return None
    low, high = min(p10, mean, 0.0), max(p90, mean, 0.0)
    span = (high - low) or 1.0
    inner = BAR_WIDTH - 2 * BAR_MARGIN

    def x(value: float) -> float:
        return round(BAR_MARGIN + (value - low) / span * inner, 1)

    return RoiBar(BAR_WIDTH, BAR_HEIGHT, x(0.0), x(p10), x(p50), x(p90), x(mean), BAR_HEIGHT / 2)
