"""Greedy placement of text labels next to chart marks, so that no two labels overlap.

Pure Python (no Django). Each label is tried at a few spots around its mark (right, left, above, below and
the four diagonals), in that order; the first spot whose box stays inside the plot and overlaps neither a
label placed before nor another mark's box wins. Labels are placed in the order given (the caller puts the
most important first); a label with no free spot is left out. Sizes are in px; text width is estimated
from the character count (``CHAR_WIDTH`` px per character at the label's font size).
"""

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_WIDTH = 6.2  # px per character of an 11 px sans-serif label (an upper estimate for Helvetica / Arial)
LINE_HEIGHT = 13.0  # px: the box height of one line of text
GAP = 3.0  # px between a mark's edge and its label
CORE = 6.0  # px: labels keep off this far around other marks' centres (big marks may be partly covered)


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in px: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    def inside(self, area: "Box") -> bool:
        return (
            self.left >= area.left and self.right <= area.right and self.top >= area.top and self.bottom <= area.bottom
        )


@dataclass(frozen=True)
class Mark:
    """A mark to label: centre (cx, cy) and radius r in px, and the label's text."""

    cx: float
    cy: float
    r: float
    text: str


@dataclass(frozen=True)
class PlacedLabel:
    """A label placed at (x, y) (text baseline, anchored at ``anchor``) with the box it covers."""

    mark: Mark
    x: float
    y: float
    anchor: str
    box: Box


def text_width(text: str) -> float:
    """Estimated width (px) of ``text`` at the label font size."""
    return len(text) * CHAR_WIDTH


def candidates(mark: Mark) -> list[tuple[float, float, str]]:
    """The spots tried for a mark's label, best first: (x, baseline y, text-anchor)."""
    cx, cy, off = mark.cx, mark.cy, mark.r + GAP
    mid = cy + LINE_HEIGHT / 2 - 3  # a baseline that centres the text on the mark
    return [
        (cx + off, mid, "start"),
        (cx - off, mid, "end"),
        (cx, cy - off - 2, "middle"),
        (cx, cy + off + LINE_HEIGHT - 2, "middle"),
        (cx + off * 0.7, cy - off * 0.7 - 2, "start"),
        (cx - off * 0.7, cy - off * 0.7 - 2, "end"),
        (cx + off * 0.7, cy + off * 0.7 + LINE_HEIGHT - 2, "start"),
        (cx - off * 0.7, cy + off * 0.7 + LINE_HEIGHT - 2, "end"),
    ]


def label_box(x: float, y: float, anchor: str, text: str) -> Box:
    """The box a label at baseline (x, y) with ``anchor`` covers."""
    width = text_width(text)
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return Box(left, y - LINE_HEIGHT + 3, left + width, y + 3)


def _core(mark: Mark) -> Box:
    """The middle of a mark (at most ``CORE`` px each side of its centre), which no label may cover."""
    half = min(mark.r, CORE)
    return Box(mark.cx - half, mark.cy - half, mark.cx + half, mark.cy + half)


def place_labels(marks: Sequence[Mark], area: Box, obstacles: Sequence[Mark] = ()) -> list[PlacedLabel]:
    """Place each mark's label at its first free spot (see the module docstring); unplaceable ones are left out.

    ``obstacles`` are the chart's marks: no label covers the middle of one (see ``_core``) except its own mark's.
    """
    taken: list[Box] = []
    others = [(m, _core(m)) for m in obstacles]
    placed = []
    for mark in marks:
        for x, y, anchor in candidates(mark):
            box = label_box(x, y, anchor, mark.text)
            if not box.inside(area) or any(box.overlaps(t) for t in taken):
                continue
            if any(box.overlaps(b) for m, b in others if m is not mark):
                continue
            taken.append(box)
            placed.append(PlacedLabel(mark, x, y, anchor, box))
            break
    return placed
