"""Geometry of a PIT histogram (the calibration page): where the actuals fell in their estimates' distributions.

Ten bars, one per tenth of probability (PIT 0-0.1, ..., 0.9-1.0). A calibrated estimator's bars are flat at n / 10
(the dashed line); a U shape means ranges too narrow, a pile on the right means actuals above the estimates.
Plain Python (no Django); ``roadmap/_pit_histogram.html`` draws what comes out (coordinates in px).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from portfolio import formatting

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 220, 70, 4, 14, 4  # px: the chart, its margins (room for the 0 and 1 labels)


@dataclass(frozen=True)
class Bar:
    """One bin: its rectangle and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class PitChart:
    """Everything one histogram draws: the bars, the flat line a calibrated estimator would give, the axis."""

    width: int
    height: int
    left: int
    right: int
    bottom: int
    bars: tuple[Bar, ...]
    flat_y: float
    caption: str


def pit_chart(counts: Sequence[int], *, estimator: str, kind: str) -> PitChart:
    """Lay out the 10-bin ``counts`` of one estimator's PITs; bar heights scale to the larger of the highest bar
    and the flat line (n / 10)."""
    n = sum(counts)
    flat = n / len(counts)
    top_count = max([*counts, flat, 1])
    plot_w, bottom = WIDTH - 2 * LEFT, HEIGHT - BOTTOM
    step = plot_w / len(counts)

    def y(count: float) -> float:
        return round(bottom - count / top_count * (bottom - TOP), 1)

    bars = tuple(
        Bar(
            x=round(LEFT + i * step + 1, 1),
            y=y(count),
            width=round(step - 2, 1),
            height=round(bottom - y(count), 1),
            title=f"PIT {i / 10:.1f}–{(i + 1) / 10:.1f}: {formatting.count_of(count, 'estimate')}",
        )
        for i, count in enumerate(counts)
    )
    caption = (
        f"Where {formatting.count_of(n, 'actual')} fell in {estimator}'s {kind} ranges: bars flat at the dashed line "
        "are calibrated; high bars at both ends, ranges too narrow; a pile on the right, actuals above the estimates."
    )
    return PitChart(WIDTH, HEIGHT, LEFT, LEFT + round(plot_w), bottom, bars, y(flat), caption)
