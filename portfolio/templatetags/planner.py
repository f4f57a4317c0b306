"""Shared by every page: one way to show a value, an ROI, a probability; and quick links to a project's pages."""

import math

from django import template

from .. import links

register = template.Library()


@register.filter
def num(value, digits: int = 3):
    """A number with ``digits`` significant digits and thousands separators: 1234.5 -> 1,235; 0.01234 -> 0.0123."""
    if value is None or value == "":
        return "–"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return value
    if not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, int(digits) - 1 - magnitude)
    return f"{value:,.{decimals}f}"


@register.filter
def pct(value, decimals: int = 0):
    """A probability or share as a percentage: 0.153 -> 15%."""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.{int(decimals)}f}%"


@register.filter
def roi(value):
    """An ROI ratio as a signed percentage: 1.5 -> +150%, -1 -> −100%."""
    if value is None or value == "":
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return "–"
    text = f"{abs(value) * 100:,.0f}%"
    return ("+" if value >= 0 else "−") + text


@register.filter
def range3(obj, prefix: str):
    """``obj.<prefix>_low / _likely / _high`` as "low – likely – high", or "–" when unset."""
    values = [getattr(obj, f"{prefix}_{part}", None) for part in ("low", "likely", "high")]
    if any(v is None for v in values):
        return "–"
    return " – ".join(num(v) for v in values)


@register.simple_tag
def id_url(name: str, slug: str, pk) -> str:
    """``{% url name slug pk %}`` for a URL ending in an object's id, reversed once per (name, slug): a table
    of 50 rows links each row to its pages, and Django's ``reverse`` costs about 30 µs a call."""
    return links.id_url(name, slug, pk)
