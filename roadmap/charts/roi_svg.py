"""The per-project marks of the ROI chart drawn in Python: bubbles, whiskers, tooltips, links and rank labels.

Drawing 1,000 bubbles through the template engine cost ~300 ms of CPU per snapshot; building the same
markup here costs a small fraction of that. Every text is escaped with ``escape`` / ``format_html``
(project names, the value unit, links, tag styles, the formatted figures of the tooltips) and the
numbers are printed by this module, so the result is safe to put into ``roadmap/roi_chart.svg`` as it
is. The markup is the template's, character for character: coordinates are rounded like
``floatformat`` (``formatting.fixed``: half up, unlocalized), ROI and effort printed like ``stringformat:"r"``.
The tooltips' figures are written by ``portfolio.formatting``, as the pages' filters write them.
"""

from functools import cache

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from portfolio.formatting import fixed, number, percent, roi, roi_error, roi_within_error

from .roi import Bubble, Chart, Label, TagStyle
from .score_row import ScoreRow

_BUBBLE = (
    '<g class="bubble{funded_class}" data-rank="{rank}" data-roi="{roi}" data-effort="{effort}" data-r="{r}"'
    ' data-cx="{cx3}" data-cy="{cy3}" data-tag="{tag}" data-funded="{funded}" data-project="{key}">\n'
    "<title>{title}</title>\n"
    '  <g stroke="{colour}" stroke-width="1.5" pointer-events="none"><line x1="{wx1}" x2="{wx2}" y1="{cy}" y2="{cy}"/>'
    '<line x1="{cx}" x2="{cx}" y1="{wy1}" y2="{wy2}"/></g>\n'
    "{ring}  {marker}{paint}/>\n</g>"
)
# Drawn over every bubble, in the same order: a small invisible target at each centre, so a click on a bubble's
# centre opens that bubble's project even where a smaller bubble or a label overlaps it.
_CENTRE = (
    '<circle class="centre-hit" cx="{cx}" cy="{cy}" r="{r}" fill="#000000" fill-opacity="0" data-project="{key}">'
    "<title>{title}</title></circle>"
)
CENTRE_RADIUS = 3.0  # px
# A funded project's bubble gets a dark ring 3 px outside its marker (the funding decision, DESIGN.md).
_RING = '  <circle class="funded-ring" cx="{}" cy="{}" r="{}" fill="none" stroke="#1d2430" stroke-width="2.5"/>\n'


def _funding_words(s: ScoreRow) -> str:
    """The tooltip's funding line: funded or not, why, and P(funded if known) with its badge."""
    if s.funded is None:
        return ""
    state = "Funded" if s.funded else "Not funded"
    sure = (
        f"; P(funded if known) {percent(s.p_funded_if_known)} ({s.robustness})"
        if s.p_funded_if_known is not None
        else ""
    )
    return f"\n{state}: {s.funding_reason}{sure}"


def _title(bubble: Bubble, *, value_unit: str, top_k: int) -> str:
    """The tooltip, unescaped: the project's name and figures in words."""
    s = bubble.point.source  # the ranking row (ProjectScore) the point was made from
    if s is None:
        raise ValueError(f"chart point {bubble.point.name!r} has no ranking row to write its tooltip from")
    return (
        f"{s.name} — rank {s.rank}{' (≈ statistically tied with the one above)' if s.tied_with_above else ''}\n"
        f"Expected ROI {roi_within_error(s.expected_roi, s.roi_se)} {roi_error(s.roi_se)}"
        f" (P10 {roi(s.roi_p10)}, P50 {roi(s.roi_p50)}, P90 {roi(s.roi_p90)}); P(loss) {percent(s.p_loss)}\n"
        f"Risk-adjusted value {number(s.risk_adjusted_value_per_year)} {value_unit} / year; expected value"
        f" {number(s.expected_value)} {value_unit} over the horizon"
        f" (P10–P90 {number(s.value_p10)}–{number(s.value_p90)})\n"
        f"Expected effort {number(s.expected_effort)} person-weeks"
        f" (P10–P90 {number(s.effort_p10)}–{number(s.effort_p90)})\n"
        f"Feasibility: {bubble.style.label}, success probability {percent(s.success_probability)}\n"
        f"P(top-{top_k}): {percent(s.p_top_k)}" + _funding_words(s)
    )


@cache
def _paint(style: TagStyle) -> tuple[SafeString, SafeString]:
    """A tag's whisker colour and the marker's fill and stroke attributes, escaped (one per tag, reused)."""
    hollow = style.hollow
    paint = format_html(
        ' fill="{}" fill-opacity="{}" stroke="{}" stroke-width="{}"{}',
        "#ffffff" if hollow else style.colour,
        "0.6" if hollow else "0.78",
        style.colour if hollow else "#ffffff",
        "2" if hollow else "1",
        mark_safe(' stroke-dasharray="4 3"') if style.dashed else "",  # a constant, no user text
    )
    return escape(style.colour), paint


def _marker(bubble: Bubble) -> SafeString:
    if bubble.path:
        return format_html('<path class="marker" d="{}"', bubble.path)
    return format_html(
        '<circle class="marker" cx="{}" cy="{}" r="{}"', fixed(bubble.cx, 1), fixed(bubble.cy, 1), fixed(bubble.r, 2)
    )


def _bubble(bubble: Bubble, *, value_unit: str, top_k: int) -> SafeString:
    """One project's bubble group: tooltip, P10-P90 whiskers and marker, wrapped in a link to the project.

    Texts are escaped with ``escape`` (the whole tooltip at once: its fixed words hold no markup
    characters), the numbers are printed by ``fixed``, ``repr`` and ``int`` (digits, signs and dots only).
    """
    point = bubble.point
    colour, paint = _paint(bubble.style)
    funded = bool(getattr(point.source, "funded", False))
    ring = _RING.format(fixed(bubble.cx, 1), fixed(bubble.cy, 1), fixed(bubble.r + 3, 2)) if funded else ""
    mark = _BUBBLE.format(
        funded_class=" funded" if funded else "",
        funded="1" if funded else "0",
        ring=ring,
        rank=int(point.rank),
        roi=repr(float(point.expected_roi)),
        effort=repr(float(point.expected_effort)),
        r=fixed(bubble.r, 3),
        cx3=fixed(bubble.cx, 3),
        cy3=fixed(bubble.cy, 3),
        tag=escape(bubble.style.tag or "none"),
        key=int(point.key) if point.key is not None else "",
        title=escape(_title(bubble, value_unit=value_unit, top_k=top_k)),
        colour=colour,
        wx1=fixed(bubble.whisker_x1, 1),
        wx2=fixed(bubble.whisker_x2, 1),
        cy=fixed(bubble.cy, 1),
        cx=fixed(bubble.cx, 1),
        wy1=fixed(bubble.whisker_y1, 1),
        wy2=fixed(bubble.whisker_y2, 1),
        marker=_marker(bubble),
        paint=paint,
    )
    if not bubble.href:
        return mark_safe(mark)  # every piece above is escaped or a number we printed
    href = escape(bubble.href)
    return mark_safe(f'<a href="{href}" xlink:href="{href}">{mark}</a>')  # escaped link around escaped markup


def _centre(bubble: Bubble) -> SafeString:
    """The bubble's centre target (see ``_CENTRE``), linked like the bubble."""
    r = fixed(min(CENTRE_RADIUS, bubble.r), 1)
    key = int(bubble.point.key) if bubble.point.key is not None else ""
    dot = format_html(_CENTRE, cx=fixed(bubble.cx, 1), cy=fixed(bubble.cy, 1), r=r, key=key, title=bubble.point.name)
    if not bubble.href:
        return dot
    return format_html('<a href="{}" xlink:href="{}">{}</a>\n', bubble.href, bubble.href, dot)


def _name_label(label: Label) -> SafeString:
    return format_html(
        '  <text x="{}" y="{}" text-anchor="{}">{}</text>\n',
        fixed(label.x, 1),
        fixed(label.y, 1),
        label.anchor,
        label.text,
    )


def _rank_label(bubble: Bubble) -> SafeString:
    return format_html(
        '  <text x="{}" y="{}">{}</text>\n', fixed(bubble.label_x, 1), fixed(bubble.label_y, 1), bubble.point.rank
    )


def draw_marks(chart: Chart, *, value_unit: str, top_k: int) -> SafeString:
    """The ``bubbles`` and ``rank-labels`` groups of the chart's SVG, every user text escaped.

    ``value_unit`` is the portfolio's unit (k$, M€, ...) and ``top_k`` the snapshot's top-k, both shown
    in the tooltips; each bubble's point must carry its ranking row (``ProjectScore``) as ``source``.
    """
    bubbles = "".join(_bubble(b, value_unit=value_unit, top_k=top_k) + "\n" for b in chart.bubbles)
    labels = "".join(_rank_label(b) for b in chart.bubbles if b.show_rank)
    names = "".join(_name_label(label) for label in chart.name_labels)
    centres = "".join(_centre(b) for b in chart.bubbles)
    text = (
        'font-size="11" font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke" pointer-events="none"'
    )
    # Joined from pieces format_html escaped above and constant markup; nothing else goes in.
    return mark_safe(
        f'<g class="bubbles">\n{bubbles}</g>\n<g class="rank-labels" {text}>\n{labels}</g>\n'
        f'<g class="name-labels" {text}>\n{names}</g>\n<g class="centres">\n{centres}</g>'
    )
