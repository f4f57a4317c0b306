"""Geometry of a project's tornado chart: for each input, E[roi] with the input at its low end (<= its P10;
success: fails) and at its high end (>= its P90; succeeds), as two bars from the project's expected ROI, sorted by
swing (the widest on top).

Pure Python (no Django): the view passes the ranking row's tornado ([{input, low, high}], ROI ratios) and expected
ROI in, ``roadmap/tornado.svg`` draws what comes out (px); labels by ``portfolio.formatting``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from portfolio.formatting import roi

from .frontier import axis_ticks
from .ticks import GridLine

WIDTH = 640  # px
LEFT, RIGHT, TOP = 150, 24, 12  # px of margin: input names on the left
ROW, BAR = 34, 20  # px per input and bar height
LOW_COLOUR, HIGH_COLOUR = "#D55E00", "#0072B2"  # Okabe-Ito vermilion and blue: colour-blind safe
ENDS = {
    "impact": ("impact ≤ its P10", "impact ≥ its P90"),
    "effort": ("effort ≤ its P10", "effort ≥ its P90"),
    "success": ("fails", "succeeds"),
}


@dataclass(frozen=True)
class TornadoRow:
    """One input's two bars (px) from the centre line and their labels."""

    input: str
    y: float
    label_y: float
    low_x: float
    low_width: float
    low_label: str
    low_text: str
    high_x: float
    high_width: float
    high_label: str
    high_text: str


@dataclass(frozen=True)
class TornadoChart:
    """Everything ``roadmap/tornado.svg`` draws, in px."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    centre_x: float
    centre_label: str
    rows: tuple[TornadoRow, ...]
    x_ticks: tuple[GridLine, ...]
    low_colour: str = LOW_COLOUR
    high_colour: str = HIGH_COLOUR


def tornado_chart(bars: Sequence[Mapping[str, Any]], expected_roi: float) -> TornadoChart | None:
    """Lay out the tornado from the row's bars (already sorted by swing); None when there is nothing to draw."""
    shown = [b for b in bars if b.get("low") is not None or b.get("high") is not None]
    if not shown:
        return None
    values = [expected_roi] + [v for b in shown for v in (b.get("low"), b.get("high")) if v is not None]
    ticks = axis_ticks(min(values), max(values))
    right = WIDTH - RIGHT
    scale = (right - LEFT) / (ticks[-1] - ticks[0])

    def x(value: float) -> float:
        return round(LEFT + (value - ticks[0]) * scale, 1)

    centre = x(expected_roi)
    rows = []
    for i, bar in enumerate(shown):
        y = TOP + i * ROW
        low, high = bar.get("low"), bar.get("high")
        low_end = x(low) if low is not None else centre
        high_end = x(high) if high is not None else centre
        low_words, high_words = ENDS.get(bar["input"], ("low", "high"))
        rows.append(
            TornadoRow(
                input=bar["input"],
                y=y,
                label_y=y + BAR / 2 + 4,
                low_x=min(centre, low_end),
                low_width=round(abs(low_end - centre), 1),
                low_label=f"{low_words}: expected ROI {roi(low)}",
                low_text=roi(low),
                high_x=min(centre, high_end),
                high_width=round(abs(high_end - centre), 1),
                high_label=f"{high_words}: expected ROI {roi(high)}",
                high_text=roi(high),
            )
        )
    bottom = TOP + len(shown) * ROW
    return TornadoChart(
        width=WIDTH,
        height=bottom + 36,
        plot_left=LEFT,
        plot_right=right,
        plot_bottom=bottom,
        centre_x=centre,
        centre_label=f"expected ROI {roi(expected_roi)}",
        rows=tuple(rows),
        x_ticks=tuple(GridLine(x(t), roi(t)) for t in ticks),
    )
