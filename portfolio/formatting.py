"""How figures are written for people: numbers, percentages, ROIs, chart coordinates, quarter labels and counts.

One place for the pages (through the template filters ``num``, ``pct`` and ``roi`` in
``portfolio/templatetags/planner.py``), the SVG charts (``roadmap/charts/``) and their tooltips. Pure Python
(``math``, ``decimal``, ``datetime``; no Django, nothing of ours), tested against hand-worked strings.

Two ways of writing a number, on purpose:

- ``number`` (tables, tooltips, the ``num`` filter): significant digits with every digit kept
  (1.5 -> "1.50", 2.5e9 -> "2,500,000,000"), "–" when there is no figure.
- ``compact_number`` (axis ticks and legends, where space is short): three significant digits, trailing zeros
  dropped, M / B / T past a million (1.5 -> "1.5", 2.5e9 -> "2.5B").

ROIs likewise: ``roi`` (whole percent: 0.0123 -> "+1%") and ``compact_roi`` (0.0123 -> "+1.23%"). An expected
ROI with its Monte Carlo standard error goes through ``roi_within_error`` (no more digits than the error supports:
+5,562% with an SE of 300% is "+5,600%") and the error itself through ``roi_error`` ("±300%").
A minus sign is U+2212 "−" in ROIs, a hyphen elsewhere (as ``format`` writes it).
"""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

MISSING = "–"  # en dash: shown where there is no figure (None, or not finite)
_QUANTUM = {1: Decimal("0.1"), 2: Decimal("0.01"), 3: Decimal("0.001")}


def number(value: float | None, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits with thousands separators: 1234.56 -> "1,235", 0.01234 -> "0.0123".

    Digits are never dropped past the decimal point (1.5 -> "1.50"); None, NaN and ±inf give "–", 0 gives "0".
    """
    if value is None or not math.isfinite(value):
        return MISSING
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def compact_number(value: float) -> str:
    """A short label: 3 significant digits, thousands separators, trailing zeros dropped, M / B / T past a million.

    12,500 -> "12,500"; 1,250,000 -> "1.25M"; 2.5e9 -> "2.5B"; 0.000123 -> "0.000123". 0, NaN and ±inf give "0".
    """
    if value == 0 or not math.isfinite(value):
        return "0"
    magnitude = abs(value)
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if magnitude >= divisor:
            return compact_number(value / divisor) + suffix
    decimals = max(0, 2 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def coarse_number(value: float) -> str:
    """A round tick value: whole from 10 up (and at 0), one decimal below: 1500 -> "1,500", 2.5 -> "2.5"."""
    return f"{value:,.{0 if value >= 10 or value == 0 else 1}f}"


def percent(value: float | None, decimals: int = 0) -> str:
    """A probability or share as a percentage with ``decimals`` decimals: 0.153 -> "15%"; None gives "–".

    Rounds half to even on the binary value, like ``round``: 0.125 -> "12%".
    """
    if value is None:
        return MISSING
    return f"{value * 100:.{decimals}f}%"


def roi(value: float | None) -> str:
    """An ROI ratio as a signed whole percentage: 1.5 -> "+150%", -1 -> "−100%", 25 -> "+2,500%"; None, NaN give "–"."""
    if value is None or not math.isfinite(value):
        return MISSING
    return ("+" if value >= 0 else "−") + f"{abs(value) * 100:,.0f}%"


def roi_within_error(value: float | None, se: float | None) -> str:
    """An expected ROI ratio rounded to the power of ten of its standard error ``se`` (a ratio too), as a signed
    whole percentage: (55.62, 3.0) -> "+5,600%" (SE 300%: hundreds), (0.4567, 0.05) -> "+46%" (SE 5%: units are
    kept), (12.345, 0.25) -> "+1,230%" (SE 25%: tens).

    Never more precise than ``roi`` (whole percent); no ``se`` (None, 0, not finite: an exact figure or an old
    snapshot) gives ``roi``'s text. The sign is the value's, as in ``roi`` (−4% with an SE of 30% is "−0%").
    """
    if value is None or not math.isfinite(value):
        return MISSING
    if se is None or not math.isfinite(se) or se <= 0:
        return roi(value)
    step = 10 ** max(0, math.floor(math.log10(se * 100)))  # in percent: 1, 10, 100, ...
    rounded = round(abs(value) * 100 / step) * step
    return ("+" if value >= 0 else "−") + f"{rounded:,.0f}%"


def spread(value: float | None) -> str:
    """A spread of ROI (a standard error or deviation, a ratio) as a percentage to two significant digits: 3.12 ->
    "310%", 0.0312 -> "3.1%", 0 -> "0%"; None or not finite gives "–"."""
    if value is None or not math.isfinite(value):
        return MISSING
    if value == 0:
        return "0%"
    rounded = float(f"{abs(value) * 100:.2g}")  # two significant digits, in percent
    decimals = max(0, 1 - math.floor(math.log10(rounded)))
    return f"{rounded:,.{decimals}f}%"


def roi_error(se: float | None) -> str:
    """A standard error of ROI (a ratio) as "±" and ``spread``: 3.12 -> "±310%", 0.0312 -> "±3.1%", 0 -> "±0%";
    None or not finite gives "–"."""
    text = spread(se)
    return text if text == MISSING else "±" + text


def compact_roi(value: float) -> str:
    """An ROI ratio as a signed percentage written by ``compact_number``: 1.5 -> "+150%", 0.0123 -> "+1.23%"."""
    return ("+" if value >= 0 else "−") + compact_number(abs(value) * 100) + "%"


def fixed(value: float, places: int) -> str:
    """``value`` with ``places`` (1 to 3) decimals rounded half up, as ``floatformat:"<places>u"`` prints it.

    For SVG coordinates. ``floatformat`` rounds the shortest decimal form (``repr``) half up; an f-string
    rounds the binary value half even. They differ only when ``repr`` ends in a 5 just past the last kept
    decimal (or is in exponent form), so only those go through ``Decimal``: the f-string is ~4x faster.
    """
    text = repr(value)
    decimals = len(text) - text.find(".") - 1
    if "e" in text or (decimals == places + 1 and text[-1] == "5"):
        rounded = Decimal(text).quantize(_QUANTUM[places], rounding=ROUND_HALF_UP)
        text = f"{rounded:f}"
    else:
        text = f"{value:.{places}f}"
    return text[1:] if text[0] == "-" and not float(text) else text  # no "-0.0", like floatformat


def quarter_label(day: datetime.date) -> str:
    """The calendar quarter of ``day``: "Q2 2027" for a date in April-June 2027."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: (1, "project") -> "1 project", (3, "project") -> "3 projects".

    ``plural`` for nouns that do not just take an "s": (2, "person", "people") -> "2 people".
    """
    noun = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {noun}"


def plain_number(value: float | None) -> str:
    """A number as a person typed it: thousands separators, at most 6 decimals, no trailing zeros (35.0 -> "35",
    1234.5 -> "1,234.5", 0.25 -> "0.25"); None, NaN and ±inf give "–". For estimates in history and causes."""
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def roi_points(value: float | None) -> str:
    """A change of ROI in percentage points, signed, three significant digits: 0.8 -> "+80 pts", -0.0123 ->
    "−1.23 pts" (an ROI of +20% that becomes +100% moved +80 pts); None gives "–"."""
    if value is None or not math.isfinite(value):
        return MISSING
    return ("+" if value >= 0 else "−") + compact_number(abs(value) * 100) + " pts"


def estimate_range(low: float | None, likely: float | None, high: float | None) -> str:
    """A low / likely / high estimate as people write it: (8.0, 12.0, 20.0) -> "8–12–20" (each number by
    ``plain_number``, joined by en dashes); "–" when any of the three is missing."""
    if low is None or likely is None or high is None:
        return MISSING
    return "–".join(plain_number(float(v)) for v in (low, likely, high))


def day(value: datetime.date | None) -> str:
    """A date in the one style of the app, pages, history, exports and SVGs alike: "7 Feb 2027"; None gives "–"."""
    if value is None:
        return MISSING
    return f"{value.day} {value:%b %Y}"


def moment(value: datetime.datetime | None) -> str:
    """A time stamp in the app's style: "7 Feb 2027 14:05 UTC" (in the time zone the value carries)."""
    if value is None:
        return MISSING
    zone = value.tzname() or ""
    return f"{day(value.date())} {value:%H:%M}" + (f" {zone}" if zone else "")
