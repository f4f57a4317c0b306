"""Shared by every page: one way to show a value, an ROI, a probability; and quick links to a project's pages."""

import math

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

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


_ID_SENTINEL = 987654321
_URL_SHAPES: dict[tuple, tuple[str, str]] = {}


@register.simple_tag
def id_url(name: str, slug: str, pk) -> str:
    """``{% url name slug pk %}`` for a URL ending in an object's id, reversed once per (name, slug).

    A table of 50 rows links each row to its pages; Django's ``reverse`` costs about 30 µs a call,
    this a string join. The shape is keyed by the script prefix and URLconf too, so it stays right
    behind a path prefix. A ``pk`` that is not an id (None, text) gives "" rather than a wrong link.
    """
    if isinstance(pk, bool) or not isinstance(pk, int):
        return ""
    key = (name, slug, get_script_prefix(), get_urlconf())
    shape = _URL_SHAPES.get(key)
    if shape is None:
        if len(_URL_SHAPES) > 10_000:  # many portfolios over a long life: start over rather than grow
            _URL_SHAPES.clear()
        head, _, tail = reverse(name, args=[slug, _ID_SENTINEL]).rpartition(str(_ID_SENTINEL))
        shape = _URL_SHAPES[key] = (head, tail)
    return f"{shape[0]}{pk}{shape[1]}"
