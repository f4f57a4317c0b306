"""Shared by every page: one way to show a value, an ROI, a probability; and quick links to a project's pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import formatting, links

register = template.Library()


def _figure(value) -> float | None:
    """The figure a filter was given: None when empty (None or ""), else ``float(value)`` (text that is not a
    number raises ``ValueError``)."""
    return None if value is None or value == "" else float(value)


@register.filter
def num(value, digits: int = 3):
    """A number with ``digits`` significant digits and thousands separators: 1234.56 -> 1,235; 0.01234 -> 0.0123.

    Written by ``formatting.number``; a value that is not a number is shown as it is."""
    try:
        figure = _figure(value)
    except (TypeError, ValueError):
        return value
    return formatting.number(figure, int(digits))


@register.filter
def pct(value, decimals: int = 0):
    """A probability or share as a percentage: 0.153 -> 15% (``formatting.percent``)."""
    return formatting.percent(_figure(value), int(decimals))


@register.filter
def roi(value):
    """An ROI ratio as a signed percentage: 1.5 -> +150%, -1 -> −100% (``formatting.roi``)."""
    return formatting.roi(_figure(value))


@register.filter
def roi_within(value, se):
    """An expected ROI rounded to the power of ten of its standard error: 55.62|roi_within:3.0 -> +5,600%
    (``formatting.roi_within_error``)."""
    return formatting.roi_within_error(_figure(value), _figure(se))


@register.filter
def roi_error(se):
    """A standard error of ROI as ±percentage: 3.12 -> ±310% (``formatting.roi_error``)."""
    return formatting.roi_error(_figure(se))


@register.filter
def spread(value):
    """A standard error or deviation of ROI as a percentage: 3.12 -> 310% (``formatting.spread``)."""
    return formatting.spread(_figure(value))


@register.filter
def roi_points(value):
    """A change of ROI in percentage points: 0.8 -> +80 pts (``formatting.roi_points``)."""
    return formatting.roi_points(_figure(value))


@register.filter
def range3(obj, prefix: str):
    """``obj.<prefix>_low / _likely / _high`` as "8–12–20" (``formatting.estimate_range``), or "–" when unset."""
    return formatting.estimate_range(*(getattr(obj, f"{prefix}_{part}", None) for part in ("low", "likely", "high")))


@register.simple_tag
def estimate(low, likely, high) -> str:
    """``{% estimate low likely high %}``: three values as "8–12–20" (``formatting.estimate_range``)."""
    return formatting.estimate_range(*(_figure(v) for v in (low, likely, high)))


@register.filter
def moment(value):
    """A time stamp as "7 Feb 2027 14:05 UTC" (``formatting.moment``), in the current time zone."""
    if value is not None and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.moment(value)


@register.filter
def day(value):
    """A date as "7 Feb 2027" (``formatting.day``), the one date style of the app."""
    return formatting.day(value)


@register.simple_tag
def id_url(name: str, slug: str, pk) -> str:
    """``{% url name slug pk %}`` for a URL ending in an object's id, reversed once per (name, slug): a table
    of 50 rows links each row to its pages, and Django's ``reverse`` costs about 30 µs a call."""
    return links.id_url(name, slug, pk)


# The marks beside a rank and an expected ROI, on every list of figures: tags, not includes, because a table of
# 50 rows shows each several times and an include costs about ten times a tag.

TIE_MARK = (
    '<span class="tie-mark" title="Statistically tied with #{}: their expected ROIs differ by less than 2 standard '
    'errors of the difference, so another seed could swap them">≈</span>'
)
MOVED = "places moved since the latest baseline"
EXPECTED_ROI = (
    '<span class="expected-roi" title="Expected ROI {} {} (standard error{}); ROI P10 {}, P50 {}, P90 {}">{}</span>'
)


@register.simple_tag
def tie_mark(tied, rank) -> str:
    """``{% tie_mark tied rank %}``: "≈" on the lower rank of a statistically tied pair (``tied``: the project at
    ``rank`` is tied with the one above), with why in its tooltip; nothing otherwise."""
    return format_html(TIE_MARK, int(rank) - 1) if tied and rank is not None else ""


@register.simple_tag
def rank_move(move: str) -> SafeString:
    """``{% rank_move move %}``: a rank move since the latest baseline ("▲3", "▼2", "=", "new"), marked by its
    direction, with what it means in its tooltip."""
    move = "" if move is None else str(move)
    if move == "new":
        css, title = " rank-new", "not ranked at the latest baseline"
    elif move == "=":
        css, title = "", "same rank as at the latest baseline"
    else:
        css, title = {"▲": " rank-up", "▼": " rank-down"}.get(move[:1], ""), MOVED
    return format_html('<span class="rank-move{}" title="{}">{}</span>\n', css, title, move)


def _score_field(score, name: str):
    return score.get(name) if isinstance(score, dict) else getattr(score, name, None)


@register.simple_tag
def expected_roi(score, trials=None) -> SafeString:
    """``{% expected_roi score trials %}``: a row's expected ROI rounded to the power of ten of its standard error,
    with the full figure, its standard error over ``trials`` and the P10 / P50 / P90 in its tooltip."""
    value, se = _figure(_score_field(score, "expected_roi")), _figure(_score_field(score, "roi_se"))
    p10, p50, p90 = (formatting.roi(_figure(_score_field(score, f"roi_{p}"))) for p in ("p10", "p50", "p90"))
    over = f" over {trials} trials" if trials else ""
    return format_html(
        EXPECTED_ROI,
        formatting.roi(value),
        formatting.roi_error(se),
        over,
        p10,
        p50,
        p90,
        formatting.roi_within_error(value, se),
    )
