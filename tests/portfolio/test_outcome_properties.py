"""Property tests (hypothesis): bad outcome input (a finish before the start, a negative or non-finite effort or
impact, a date in the future, an unknown success) is refused and saves nothing; good input is always saved as given."""

import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio import delivery
from portfolio.field_rules import MAX_EFFORT, MAX_VALUE
from portfolio.models import Change, Portfolio, ProjectOutcome
from tests.factories import ProjectFactory

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TODAY = timezone.localdate()
past_days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY)
efforts = st.one_of(st.none(), st.floats(min_value=0, max_value=MAX_EFFORT, allow_nan=False))
impacts = st.one_of(st.none(), st.floats(min_value=0, max_value=MAX_VALUE, allow_nan=False))
successes = st.sampled_from(["yes", "no", "unknown"])


@st.composite
def good_outcomes(draw):
    start, finish = sorted([draw(past_days), draw(past_days)])
    return {
        "actual_effort": draw(efforts),
        "actual_start": draw(st.one_of(st.none(), st.just(start))),
        "actual_finish": draw(st.one_of(st.none(), st.just(finish))),
        "succeeded": draw(successes),
        "realized_impact": draw(impacts),
    }


def _spoil_dates(draw, outcome):
    start = draw(st.dates(min_value=datetime.date(2000, 1, 2), max_value=TODAY))
    before = draw(st.dates(min_value=datetime.date(2000, 1, 1), max_value=start - datetime.timedelta(days=1)))
    return {**outcome, "actual_start": start, "actual_finish": before}, "actual_finish"


def _spoil_future(draw, outcome):
    field = draw(st.sampled_from(["actual_start", "actual_finish"]))
    future = draw(st.dates(min_value=TODAY + datetime.timedelta(days=1), max_value=datetime.date(2999, 12, 31)))
    other = "actual_finish" if field == "actual_start" else "actual_start"
    return {**outcome, field: future, other: None}, field


def _spoil_number(draw, outcome):
    field = draw(st.sampled_from(["actual_effort", "realized_impact"]))
    bad = draw(st.one_of(st.floats(max_value=-1e-9, allow_nan=False), st.sampled_from([math.nan, math.inf, -math.inf])))
    return {**outcome, field: bad}, field


def _spoil_success(draw, outcome):
    return {**outcome, "succeeded": draw(st.text(max_size=8).filter(lambda t: t not in ("yes", "no", "unknown")))}, (
        "succeeded"
    )


@st.composite
def bad_outcomes(draw):
    """A good outcome with one thing spoiled, and the field the refusal must name."""
    spoil = draw(st.sampled_from([_spoil_dates, _spoil_future, _spoil_number, _spoil_success]))
    return spoil(draw, draw(good_outcomes()))


@pytest.fixture
def shipped(portfolio):
    return ProjectFactory(portfolio=portfolio, status="shipped")


@FAST
@given(bad=bad_outcomes())
def test_bad_outcome_input_is_refused_next_to_its_field_and_saves_nothing(shipped, bad):
    data, field = bad
    version = Portfolio.objects.get(pk=shipped.portfolio_id).input_version
    with pytest.raises(ValidationError) as refused:
        delivery.outcome_record(project=shipped, data=data, expected_version=0)
    assert field in refused.value.message_dict
    assert not ProjectOutcome.objects.exists() and not Change.objects.filter(field__startswith="outcome.").exists()
    assert Portfolio.objects.get(pk=shipped.portfolio_id).input_version == version


@FAST
@given(data=good_outcomes())
def test_good_outcome_input_is_saved_as_given(shipped, data):
    with transaction.atomic():
        saved = delivery.outcome_record(project=shipped, data=data, expected_version=0)
        stored = ProjectOutcome.objects.get(pk=saved.pk)
        assert {f: getattr(stored, f) for f in data} == data
        transaction.set_rollback(True)
