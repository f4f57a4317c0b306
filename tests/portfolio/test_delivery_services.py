"""Recording progress and outcomes: versions, validation next to the field, history, input versions, estimators."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio import delivery, services
from portfolio.models import Change, Portfolio, ProjectOutcome, ProjectProgress
from tests.factories import AssessmentFactory, OutcomeFactory, ProjectFactory, UserFactory

PROGRESS = {"effort_spent": 6.0, "remaining_low": 2.0, "remaining_likely": 4.0, "remaining_high": 9.0}
OUTCOME = {
    "actual_effort": 12.0,
    "actual_start": datetime.date(2026, 1, 5),
    "actual_finish": datetime.date(2026, 3, 2),
    "succeeded": "yes",
    "realized_impact": None,
}


@pytest.fixture
def building(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Toxicity v2", status="building")


@pytest.fixture
def shipped(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Spam filter", status="shipped")


def test_recording_progress_versions_it_keeps_history_and_bumps_the_input_version(building, em_user):
    version = Portfolio.objects.get(pk=building.portfolio_id).input_version
    progress = delivery.progress_record(project=building, data=PROGRESS, user=em_user, expected_version=0)
    assert (progress.version, progress.recorded_by, progress.remaining_high) == (1, em_user, 9.0)
    assert Portfolio.objects.get(pk=building.portfolio_id).input_version == version + 1
    again = delivery.progress_record(project=building, data={**PROGRESS, "effort_spent": 8.0}, expected_version=1)
    assert again.version == 2
    rows = Change.objects.filter(project=building, field="progress.effort_spent").order_by("id")
    assert [(r.old, r.new) for r in rows] == [("", "6.0"), ("6.0", "8.0")]


def test_progress_is_refused_on_a_project_not_being_built(portfolio):
    idea = ProjectFactory(portfolio=portfolio, status="idea")
    with pytest.raises(ValidationError, match="being built"):
        delivery.progress_record(project=idea, data=PROGRESS)
    assert not ProjectProgress.objects.exists()


def test_a_remaining_range_out_of_order_is_refused_next_to_the_field(building):
    with pytest.raises(ValidationError) as error:
        delivery.progress_record(project=building, data={**PROGRESS, "remaining_likely": 12.0})
    assert "remaining_high" in error.value.message_dict
    assert not ProjectProgress.objects.exists() and not Change.objects.filter(field__startswith="progress.").exists()


def test_a_stale_progress_save_is_a_conflict_naming_what_changed(building):
    delivery.progress_record(project=building, data=PROGRESS, expected_version=0)
    with pytest.raises(services.ConflictError) as error:
        delivery.progress_record(project=building, data=PROGRESS, expected_version=0, seen={"effort_spent": None})
    assert error.value.changes["effort_spent"] == (None, 6.0)


def test_recording_an_outcome_keeps_it_in_the_history(shipped, pm_user):
    outcome = delivery.outcome_record(project=shipped, data=OUTCOME, user=pm_user, expected_version=0)
    assert (outcome.version, outcome.recorded_by, outcome.succeeded) == (1, pm_user, "yes")
    fields = set(Change.objects.filter(project=shipped).values_list("field", flat=True))
    assert {"outcome.actual_effort", "outcome.actual_start", "outcome.actual_finish", "outcome.succeeded"} <= fields
    later = delivery.outcome_record(project=shipped, data={**OUTCOME, "realized_impact": 80.0}, expected_version=1)
    assert later.realized_impact == 80.0 and later.version == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"actual_finish": datetime.date(2025, 12, 1)}, "actual_finish"),
        ({"actual_effort": -1.0}, "actual_effort"),
        ({"actual_start": None, "actual_finish": datetime.date(2999, 1, 1)}, "actual_finish"),
        ({"realized_impact": -5.0}, "realized_impact"),
        ({"succeeded": "maybe"}, "succeeded"),
    ],
)
def test_bad_outcome_input_is_refused_next_to_the_field_and_nothing_is_saved(shipped, change, field):
    with pytest.raises(ValidationError) as error:
        delivery.outcome_record(project=shipped, data={**OUTCOME, **change})
    assert field in error.value.message_dict
    assert not ProjectOutcome.objects.exists() and not Change.objects.filter(field__startswith="outcome.").exists()


def test_a_start_in_the_future_is_refused(shipped):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        delivery.outcome_record(project=shipped, data={**OUTCOME, "actual_start": tomorrow, "actual_finish": None})
    assert "future" in error.value.message_dict["actual_start"][0]


def test_an_outcome_waits_until_the_project_ships_iterates_or_stops(building):
    with pytest.raises(ValidationError, match="shipped"):
        delivery.outcome_record(project=building, data=OUTCOME)


def test_a_stale_outcome_save_is_a_conflict(shipped):
    OutcomeFactory(project=shipped, version=3)
    with pytest.raises(services.ConflictError):
        delivery.outcome_record(project=shipped, data=OUTCOME, expected_version=2)
    assert ProjectOutcome.objects.get().version == 3


def test_saving_a_range_credits_it_to_the_user_and_the_history_says_so(portfolio):
    pm, em = UserFactory(username="pia"), UserFactory(username="emil")
    project = services.project_create(
        portfolio=portfolio, user=pm, name="Ads CTR", impact_low=1, impact_likely=2, impact_high=3
    )
    assert (project.impact_estimated_by, project.estimator("impact"), project.estimator("effort")) == (
        pm,
        "pia",
        "imported",
    )
    services.assessment_record(project=project, user=em, tag="easy", effort_low=1, effort_likely=2, effort_high=4)
    project.refresh_from_db()
    assert project.effort_estimated_by == em
    other = UserFactory(username="paul")
    services.project_update(project=project, data={"summary": "x"}, user=other)
    project.refresh_from_db()
    assert project.impact_estimated_by == pm  # the range did not change: the credit stays
    services.project_update(project=project, data={"impact_high": 5}, user=other)
    project.refresh_from_db()
    assert project.impact_estimated_by == other
    moves = Change.objects.filter(project=project, field="impact_estimated_by").order_by("id")
    assert [(m.old, m.new) for m in moves] == [("imported", "pia"), ("pia", "paul")]


def test_a_provisional_effort_change_credits_the_pm_only_until_an_em_assessed_it(portfolio):
    pm = UserFactory(username="pia")
    project = ProjectFactory(portfolio=portfolio)
    AssessmentFactory(project=project)
    services.project_update(
        project=project,
        data={"provisional_effort_low": 1, "provisional_effort_likely": 2, "provisional_effort_high": 3},
        user=pm,
    )
    project.refresh_from_db()
    assert project.effort_estimated_by is None


def test_a_credit_keeps_its_name_when_the_account_is_deleted(portfolio):
    pm = UserFactory(username="pia")
    project = services.project_create(
        portfolio=portfolio, user=pm, name="X", impact_low=1, impact_likely=2, impact_high=3
    )
    pm.delete()
    project.refresh_from_db()
    assert (project.impact_estimated_by, project.estimator("impact")) == (None, "pia")
