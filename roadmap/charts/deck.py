"""A downloaded chart framed for a slide deck: title, portfolio, date, input version and seed above it, a legend
and a key from numbers to names below it; and the same as a PNG drawn on the server.

Every download (ROI chart, roadmap Gantt, value curve) goes through ``framed_svg``, so they all carry the same
facts in the same places. The chart itself is nested unchanged as an inner ``<svg>``. Texts are escaped here;
numbers and dates are written by ``portfolio.formatting``. ``png_from_svg`` renders with resvg (``resvg-py``: a
self-contained wheel, no system library) and the system's fonts.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape

from portfolio.formatting import count_of, moment

HEADER = 64  # px above the chart: title and provenance lines
MARGIN = 16  # px
LEGEND_ROW = 22  # px per legend line
KEY_ROW = 17  # px per key line
KEY_COLUMN = 330  # px per key column
CHAR_WIDTH = 6.8  # px per character of 12 px text (an upper estimate), to flow the legend
MIN_WIDTH = 640  # px: a narrow chart still gets room for its header
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"', re.S)
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


@dataclass(frozen=True)
class LegendEntry:
    """One legend item: a swatch (``bar``, ``band``, ``line``, ``dashed``, ``diamond`` or ``note``: a sample
    "#n" in small text) in ``colour``, and its label."""

    swatch: str
    colour: str
    label: str


@dataclass(frozen=True)
class Provenance:
    """What the figures were computed from, for the header: portfolio, time, input version, seed and trials."""

    portfolio: str
    computed_at: datetime.datetime | None
    input_version: int | None
    seed: int | None
    trials: int | None

    def line(self) -> str:
        if self.input_version is None:
            return f"{self.portfolio} · no figures computed yet"
        trials = count_of(self.trials or 0, "trial")
        return (
            f"{self.portfolio} · computed {moment(self.computed_at)} · input version {self.input_version}"
            f" · seed {self.seed} · {trials}"
        )


def provenance_of(portfolio: Any, snapshot: Any) -> Provenance:
    """The header facts of a snapshot (any object with computed_at, input_version, seed and trials) or None."""
    if snapshot is None:
        return Provenance(portfolio.name, None, None, None, None)
    return Provenance(portfolio.name, snapshot.computed_at, snapshot.input_version, snapshot.seed, snapshot.trials)


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height (px) of an SVG document's root element."""
    match = _SIZE.search(svg)
    if not match:
        raise ValueError("the chart's <svg> has no width and height")
    return float(match.group(1)), float(match.group(2))


def _swatch(entry: LegendEntry, x: float, y: float) -> str:
    colour = escape(entry.colour)
    if entry.swatch == "band":
        return f'<rect x="{x}" y="{y - 9}" width="22" height="14" fill="{colour}" fill-opacity="0.25"/>'
    if entry.swatch == "diamond":
        return f'<path d="M{x + 11},{y - 9} l6,7 l-6,7 l-6,-7 z" fill="{colour}"/>'
    if entry.swatch == "note":
        return f'<text x="{x}" y="{y + 1}" font-size="10" fill="{colour}">#n</text>'
    if entry.swatch in ("line", "dashed"):
        dash = ' stroke-dasharray="4 3"' if entry.swatch == "dashed" else ""
        return f'<line x1="{x}" x2="{x + 22}" y1="{y - 2}" y2="{y - 2}" stroke="{colour}" stroke-width="2"{dash}/>'
    return f'<rect x="{x}" y="{y - 7}" width="22" height="10" rx="2" fill="{colour}"/>'


def _legend(entries: Sequence[LegendEntry], top: float, width: float) -> tuple[str, float]:
    """The legend flowed in lines across ``width``; returns its markup and height."""
    if not entries:
        return "", 0.0
    parts = [f'<text x="{MARGIN}" y="{top + 14}" font-weight="bold">Legend</text>']
    x, y = float(MARGIN), top + 14 + LEGEND_ROW
    for entry in entries:
        item = 30 + len(entry.label) * CHAR_WIDTH + 18
        if x > MARGIN and x + item > width - MARGIN:
            x, y = float(MARGIN), y + LEGEND_ROW
        parts.append(_swatch(entry, x, y) + f'<text x="{x + 30}" y="{y + 2}">{escape(entry.label)}</text>')
        x += item
    return "\n".join(parts), y - top + 10


def _key(key: Sequence[tuple[str, str]], top: float, width: float, title: str) -> tuple[str, float]:
    """The key from numbers to names in columns across ``width``; returns its markup and height."""
    if not key:
        return "", 0.0
    columns = max(1, int((width - 2 * MARGIN) // KEY_COLUMN))
    per_column = -(-len(key) // columns)
    parts = [f'<text x="{MARGIN}" y="{top + 14}" font-weight="bold">{escape(title)}</text>']
    for i, (number, name) in enumerate(key):
        x = MARGIN + (i // per_column) * KEY_COLUMN
        y = top + 14 + KEY_ROW * (i % per_column + 1)
        parts.append(f'<text x="{x}" y="{y}"><tspan font-weight="bold">{escape(number)}</tspan> {escape(name)}</text>')
    return "\n".join(parts), 14 + KEY_ROW * per_column + 12


def framed_svg(
    chart_svg: str,
    *,
    title: str,
    provenance: Provenance,
    legend: Sequence[LegendEntry] = (),
    key: Sequence[tuple[str, str]] = (),
    key_title: str = "Key",
) -> str:
    """``chart_svg`` (a whole SVG document) with the deck frame around it, as a standalone SVG document."""
    inner = _PROLOG.sub("", chart_svg)
    try:
        chart_width, chart_height = svg_size(inner)
    except ValueError:  # nothing laid out yet (no snapshot, nothing scheduled): the frame says so instead
        chart_width, chart_height = float(MIN_WIDTH), 40.0
        inner = f'<text x="{MARGIN}" y="24" font-size="14">Nothing to draw yet: no figures are computed.</text>'
    width = max(chart_width, MIN_WIDTH)
    legend_svg, legend_height = _legend(legend, HEADER + chart_height + 8, width)
    key_top = HEADER + chart_height + 8 + legend_height
    key_svg, key_height = _key(key, key_top, width, key_title)
    height = key_top + key_height + MARGIN
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"'
        f' viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" class="deck-export"'
        " font-family=\"'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif\""
        ' font-size="12" fill="#1d2430">\n'
        f'<title>{escape(title)}</title>\n<rect x="0" y="0" width="{width:g}" height="{height:g}" fill="#ffffff"/>\n'
        f'<text class="deck-title" x="{MARGIN}" y="28" font-size="20" font-weight="bold">{escape(title)}</text>\n'
        f'<text class="deck-provenance" x="{MARGIN}" y="50" fill="#5b6576">{escape(provenance.line())}</text>\n'
        f'<g class="deck-chart" transform="translate(0 {HEADER})">\n{inner}\n</g>\n'
        f'<g class="deck-legend">\n{legend_svg}\n</g>\n<g class="deck-key">\n{key_svg}\n</g>\n</svg>\n'
    )


def png_from_svg(svg: str, *, zoom: float = 2.0) -> bytes:
    """The SVG drawn as a PNG (``zoom`` times its size, for a sharp slide) on a white background."""
    import resvg_py  # imported here: only the PNG downloads need it

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, background="#ffffff"))
