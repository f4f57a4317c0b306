"""How figures are written (``portfolio.formatting``): hand-worked strings for every function, and the two
number styles (``number`` for tables and tooltips, ``compact_number`` for axes) side by side."""

import datetime
import random

import pytest
from django.template.defaultfilters import floatformat

from portfolio import formatting

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (1234.56, 3, "1,235"),  # 3 significant digits, none after the point from 100 up
        (1234.5, 3, "1,234"),  # a tie on the binary value rounds to even, as format() does
        (0.01234, 3, "0.0123"),
        (1.5, 3, "1.50"),  # trailing zeros kept: every significant digit is written
        (-0.5, 3, "-0.500"),
        (2.5e9, 3, "2,500,000,000"),  # no M / B suffix in tables
        (45.0, 3, "45.0"),
        (9.5, 2, "9.5"),
        (123.456, 5, "123.46"),
        (0.0, 3, "0"),
        (None, 3, "–"),
        (NAN, 3, "–"),
        (INF, 3, "–"),
        (-INF, 3, "–"),
    ],
)
def test_number_writes_significant_digits_with_thousands_separators(value, digits, text):
    assert formatting.number(value, digits) == text


def test_tick_labels_stay_short_for_huge_and_small_numbers():
    assert formatting.compact_number(2.5e9) == "2.5B"
    assert formatting.compact_number(1_250_000) == "1.25M"
    assert formatting.compact_number(0.000123) == "0.000123"
    assert formatting.compact_number(12_500) == "12,500"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),  # trailing zeros dropped
        (2.0, "2"),
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 to 3 significant digits
        (999_999.0, "999,999"),  # below a million: no suffix, the integer part is kept whole
        (1e6, "1M"),
        (-2.5e9, "-2.5B"),
        (1e15, "1,000T"),  # T is the largest suffix
        (0.0, "0"),
        (NAN, "0"),
        (INF, "0"),
    ],
)
def test_compact_number_drops_trailing_zeros_and_shortens_millions(value, text):
    assert formatting.compact_number(value) == text


@pytest.mark.parametrize(
    ("value", "table", "axis"), [(1.5, "1.50", "1.5"), (2.5e9, "2,500,000,000", "2.5B"), (NAN, "–", "0")]
)
def test_tables_and_axes_write_the_same_number_differently_on_purpose(value, table, axis):
    assert (formatting.number(value), formatting.compact_number(value)) == (table, axis)


@pytest.mark.parametrize(
    ("value", "text"), [(0.0, "0"), (0.2, "0.2"), (2.5, "2.5"), (10.0, "10"), (1500.0, "1,500"), (12.5, "12")]
)
def test_coarse_number_is_whole_from_ten_up_and_has_one_decimal_below(value, text):
    assert formatting.coarse_number(value) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.153, 0, "15%"),
        (0.153, 1, "15.3%"),
        (1, 0, "100%"),
        (0.0, 0, "0%"),
        (0.125, 0, "12%"),  # 12.5 exactly: half to even, as round() does
        (0.5, 2, "50.00%"),
        (None, 0, "–"),
    ],
)
def test_percent_writes_a_share_with_the_decimals_asked_for(value, decimals, text):
    assert formatting.percent(value, decimals) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "+150%"),
        (-1.0, "−100%"),  # U+2212, not a hyphen
        (0.0, "+0%"),
        (0.0123, "+1%"),  # whole percent
        (25.0, "+2,500%"),
        (-0.005, "−0%"),  # the sign survives rounding to 0
        (None, "–"),
        (NAN, "–"),
        (INF, "–"),
    ],
)
def test_roi_is_a_signed_whole_percentage(value, text):
    assert formatting.roi(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(1.5, "+150%"), (0.0123, "+1.23%"), (-0.005, "−0.5%"), (25_000.0, "+2.5M%"), (0.0, "+0%")]
)
def test_compact_roi_is_a_signed_percentage_written_compactly(value, text):
    assert formatting.compact_roi(value) == text


@pytest.mark.parametrize(("value", "table", "legend"), [(0.0123, "+1%", "+1.23%"), (25_000.0, "+2,500,000%", "+2.5M%")])
def test_tables_and_the_chart_legend_write_the_same_roi_differently_on_purpose(value, table, legend):
    assert (formatting.roi(value), formatting.compact_roi(value)) == (table, legend)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (0.05, 1, "0.1"),  # repr ends in a 5 past the kept decimal: half up, as floatformat does
        (2.675, 2, "2.68"),  # binary 2.67499..., written 2.675: half up on the written form
        (0.25, 1, "0.3"),
        (123.4449, 3, "123.445"),
        (96.0, 1, "96.0"),
        (-0.04, 1, "0.0"),  # no "-0.0"
        (1e-7, 3, "0.000"),
        (1 / 3, 2, "0.33"),
    ],
)
def test_fixed_rounds_the_written_decimal_half_up(value, places, text):
    assert formatting.fixed(value, places) == text


@pytest.mark.parametrize(
    "value",
    [0.0, 0.05, 0.15, 0.25, 0.35, 1.45, 2.675, 96.0, 123.25, 123.4449, 519.95, 719.9999, 1e-7, 2.5e-5, -0.04, 1 / 3],
)
@pytest.mark.parametrize("places", [1, 2, 3])
def test_chart_numbers_are_rounded_exactly_like_the_floatformat_filter(value, places):
    assert formatting.fixed(value, places) == floatformat(value, f"{places}u")


def test_chart_numbers_match_floatformat_over_many_coordinates():
    rng = random.Random(8)
    values = [rng.uniform(0, 1000) for _ in range(2000)] + [round(rng.uniform(0, 1000), 4) for _ in range(2000)]
    for value in values:
        for places in (1, 2, 3):
            assert formatting.fixed(value, places) == floatformat(value, f"{places}u"), (value, places)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2027, 1, 1), "Q1 2027"),
        (datetime.date(2027, 3, 31), "Q1 2027"),
        (datetime.date(2027, 4, 1), "Q2 2027"),
        (datetime.date(2027, 8, 9), "Q3 2027"),
        (datetime.date(2027, 12, 31), "Q4 2027"),
    ],
)
def test_quarter_label_names_the_calendar_quarter(day, label):
    assert formatting.quarter_label(day) == label


@pytest.mark.parametrize(
    ("low", "likely", "high", "text"),
    [(8.0, 12.0, 20.0, "8–12–20"), (0.5, 1, 2.25, "0.5–1–2.25"), (1000, 2500.5, 10000, "1,000–2,500.5–10,000")],
)
def test_an_estimate_range_is_written_as_people_type_it(low, likely, high, text):
    assert formatting.estimate_range(low, likely, high) == text


def test_an_estimate_range_with_a_missing_bound_is_a_dash():
    assert formatting.estimate_range(8, None, 20) == formatting.MISSING


def test_dates_and_times_have_one_style():
    assert formatting.day(datetime.date(2027, 2, 7)) == "7 Feb 2027"
    assert formatting.day(None) == formatting.MISSING
    stamp = datetime.datetime(2027, 2, 7, 14, 5, tzinfo=datetime.UTC)
    assert formatting.moment(stamp) == "7 Feb 2027 14:05 UTC"
    assert formatting.moment(stamp.replace(tzinfo=None)) == "7 Feb 2027 14:05"


@pytest.mark.parametrize(
    ("value", "se", "text"),
    [
        (55.62, 3.0, "+5,600%"),  # SE 300%: rounded to hundreds
        (12.345, 0.25, "+1,230%"),  # SE 25%: tens
        (0.4567, 0.05, "+46%"),  # SE 5%: whole percent, as roi writes it
        (0.4567, 0.0001, "+46%"),  # a tiny SE never adds decimals
        (-0.56, 0.3, "−60%"),  # SE 30%: tens, the sign kept
        (-0.04, 0.3, "−0%"),  # rounds to 0, the sign survives as in roi
        (55.62, None, "+5,562%"),  # no SE (an old snapshot): roi's text
        (-1.0, 0.0, "−100%"),  # an exact figure
        (None, 0.1, "–"),
        (NAN, 0.1, "–"),
    ],
)
def test_an_expected_roi_is_rounded_to_the_power_of_ten_of_its_standard_error(value, se, text):
    assert formatting.roi_within_error(value, se) == text


@pytest.mark.parametrize(
    ("se", "text"),
    [(3.0, "±300%"), (3.12, "±310%"), (0.0312, "±3.1%"), (0.999, "±100%"), (0.0, "±0%"), (None, "–"), (INF, "–")],
)
def test_a_standard_error_is_written_plus_minus_to_two_significant_digits(se, text):
    assert formatting.roi_error(se) == text


@pytest.mark.parametrize(("value", "text"), [(1.25, "120%"), (0.0312, "3.1%"), (0.0, "0%"), (None, "–")])
def test_a_spread_of_roi_is_a_percentage_to_two_significant_digits(value, text):
    assert formatting.spread(value) == text
