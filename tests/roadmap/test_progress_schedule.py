"""A building project with a progress report: its remaining range is the effort in force, and the roadmap schedules
it from the day it was recorded, not the whole range from the roadmap start."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from portfolio import delivery, estimates, input_selectors, scoring
from portfolio.input_documents import from_document, to_document
from portfolio.sampling import Range
from roadmap import planning
from roadmap.services.recompute import portfolio_recompute
from roadmap.simulation import RoadmapItem, simulate_schedule
from tests.factories import AssessmentFactory, ProgressFactory, ProjectFactory

REMAINING = {"effort_spent": 30.0, "remaining_low": 2.0, "remaining_likely": 2.0, "remaining_high": 2.0}


def test_an_item_starts_no_earlier_than_its_earliest_week():
    items = [RoadmapItem(1, "A", "building", 1, None, earliest_week=3.0), RoadmapItem(2, "B", "idea", 1, None)]
    result = simulate_schedule(items, np.tile([2.0, 4.0], (3, 1)), capacity=2)
    assert result.start[:, 0].tolist() == [3.0] * 3 and result.finish[:, 0].tolist() == [5.0] * 3
    assert result.start[:, 1].tolist() == [0.0] * 3


def test_the_remaining_range_of_a_building_project_is_its_effort_in_force(portfolio):
    project = ProjectFactory(portfolio=portfolio, status="building")
    assessment = AssessmentFactory(project=project)
    progress = ProgressFactory(project=project)
    project.refresh_from_db()
    effort = estimates.effort_in_force(project, assessment)
    assert effort == estimates.EffortInForce(
        Range(2, 4, 8), estimates.PROGRESS, timezone.localdate(progress.recorded_at)
    )
    project.status = "shipped"  # once shipped the progress report no longer counts
    assert estimates.effort_in_force(project, assessment).source == estimates.ASSESSMENT


def test_the_input_document_carries_progress_and_outcome_and_reads_back(portfolio):
    project = ProjectFactory(portfolio=portfolio, status="building")
    AssessmentFactory(project=project)
    ProgressFactory(project=project)
    _, inputs = input_selectors.plan_inputs_read(portfolio_id=portfolio.pk)
    document = to_document(inputs)
    (entry,) = document["projects"]
    assert entry["effort"] == [2.0, 4.0, 8.0] and entry["effort_spent"] == 6.0 and "outcome" not in entry
    assert from_document(document) == inputs


@pytest.mark.django_db(transaction=True)
def test_recording_progress_moves_the_roadmap_bar(portfolio, em_user):
    portfolio.roadmap_start = timezone.localdate() - datetime.timedelta(weeks=10)
    portfolio.save()
    project = ProjectFactory(portfolio=portfolio, status="building", staffing=1)
    AssessmentFactory(project=project, effort_low=20, effort_likely=20, effort_high=20)
    before = portfolio_recompute(portfolio_id=portfolio.pk).schedule.get(project=project)
    assert before.finish_p50 == portfolio.roadmap_start + datetime.timedelta(weeks=20)
    delivery.progress_record(project=project, data=REMAINING, user=em_user, expected_version=0)
    after = portfolio_recompute(portfolio_id=portfolio.pk).schedule.get(project=project)
    assert after.start_p50 == timezone.localdate()  # from the day the remaining range was recorded
    assert after.finish_p50 == timezone.localdate() + datetime.timedelta(weeks=2)


def test_a_what_if_keeps_the_day_a_remaining_range_counts_from():
    since = datetime.date(2026, 11, 2)
    facts = {1: input_selectors.PlanFacts(2, None, None, since)}
    project = scoring.ProjectInput(1, "A", "building", Range(1, 2, 3), Range(1, 2, 3), "easy", 0.9)
    _, scenario_facts = planning.apply_scenario([project], facts, planning.Scenario(capacity=3, pins={1: 1}))
    assert (scenario_facts[1].effort_from, scenario_facts[1].pin) == (since, 1)
