"""Shared by every page: one way to show a value, an ROI, a probability; and quick links to a project's pages."""

from django import template
from django.utils import timezone

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
