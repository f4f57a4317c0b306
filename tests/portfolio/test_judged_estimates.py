"""The judged estimate: the range in force when the project entered building (from the history), else the range
current when the outcome was recorded, with who estimated it."""

import pytest

from portfolio import delivery, delivery_selectors, judging, services
from portfolio.sampling import Range
from tests.factories import UserFactory

OUTCOME = {"actual_effort": 30.0, "succeeded": "yes"}
IMPACT = {"impact_low": 10, "impact_likely": 20, "impact_high": 40}


@pytest.fixture
def people(db):
    return UserFactory(username="pia"), UserFactory(username="emil"), UserFactory(username="edda")


def _assess(project, user, low, likely, high):
    services.assessment_record(
        project=project, user=user, tag="hard", effort_low=low, effort_likely=likely, effort_high=high
    )


def _update(project, user, **data):
    project.refresh_from_db()
    return services.project_update(project=project, data=data, user=user)


def test_the_range_in_force_when_it_entered_building_is_judged_not_the_later_ones(portfolio, people):
    pm, em, other_em = people
    project = services.project_create(portfolio=portfolio, user=pm, name="Churn model", **IMPACT)
    _assess(project, em, 5, 10, 20)
    _update(project, pm, status="building")
    _update(project, pm, impact_low=1, impact_likely=2, impact_high=3)
    _assess(project, other_em, 50, 60, 70)
    _update(project, pm, status="shipped")
    delivery.outcome_record(project=project, data=OUTCOME)
    judged = delivery_selectors.judged_estimates_for(project)
    assert judged["impact"] == judging.JudgedEstimate("impact", Range(10, 20, 40), "pia", judging.ENTERED_BUILDING)
    assert judged["effort"] == judging.JudgedEstimate("effort", Range(5, 10, 20), "emil", judging.ENTERED_BUILDING)


def test_a_range_changed_in_the_save_that_moved_it_to_building_is_the_one_judged(portfolio, people):
    pm, em, _ = people
    project = services.project_create(portfolio=portfolio, user=pm, name="Churn model", **IMPACT)
    _update(project, em, status="building", impact_high=90)
    _update(project, pm, impact_high=45, status="shipped")
    judged = delivery_selectors.judged_estimates_for(project)
    assert judged["impact"].range == Range(10, 20, 90) and judged["impact"].estimator == "emil"
    assert judged["effort"] is None  # nobody estimated the effort


def test_without_building_in_the_history_the_range_current_at_the_outcome_is_judged(portfolio, people):
    pm, em, other_em = people
    project = services.project_create(portfolio=portfolio, user=pm, name="Churn model", status="shipped", **IMPACT)
    _assess(project, em, 5, 10, 20)
    delivery.outcome_record(project=project, data=OUTCOME)
    _assess(project, other_em, 50, 60, 70)  # after the outcome: not the estimate the decision was made on
    judged = delivery_selectors.judged_estimates_for(project)
    assert judged["effort"] == judging.JudgedEstimate("effort", Range(5, 10, 20), "emil", judging.AT_OUTCOME)
    assert judged["impact"].moment == judging.AT_OUTCOME


def test_a_project_created_in_building_is_judged_on_the_ranges_it_was_created_with(portfolio, people):
    pm, _, _ = people
    project = services.project_create(
        portfolio=portfolio,
        user=pm,
        name="Churn model",
        status="building",
        provisional_effort_low=3,
        provisional_effort_likely=4,
        provisional_effort_high=8,
        **IMPACT,
    )
    _update(project, pm, provisional_effort_high=20, status="shipped")
    judged = delivery_selectors.judged_estimates_for(project)
    assert judged["effort"] == judging.JudgedEstimate("effort", Range(3, 4, 8), "pia", judging.ENTERED_BUILDING)


def test_the_portfolio_read_judges_every_project_with_an_outcome_in_a_fixed_number_of_queries(
    portfolio, people, django_assert_num_queries
):
    pm, em, _ = people
    for n in range(3):
        project = services.project_create(portfolio=portfolio, user=pm, name=f"P{n}", status="shipped", **IMPACT)
        _assess(project, em, 1 + n, 2 + n, 3 + n)
        if n:
            delivery.outcome_record(project=project, data=OUTCOME)
    with django_assert_num_queries(3):
        judged = delivery_selectors.judged_estimates_in(portfolio)
    assert sorted(j["effort"].range.low for j in judged.values()) == [2, 3]


def test_history_replay_reads_the_value_before_the_first_change_when_the_moment_comes_earlier():
    rows = [
        judging.HistoryRow(1, "created", "", "X"),
        judging.HistoryRow(2, "status", "idea", "building"),
        judging.HistoryRow(3, "impact_low", "5", "7"),
    ]
    now = {"impact_low": "7", "impact_likely": "9", "impact_high": "11", "impact_estimated_by": "ann"}
    judged = judging.judged_estimates(rows, now=now, status_now="building")
    assert judged["impact"] == judging.JudgedEstimate("impact", Range(5, 9, 11), "ann", judging.ENTERED_BUILDING)
    assert judged["effort"] is None


def test_delivery_records_carry_the_outcome_the_judged_estimates_and_the_tag(portfolio, people):
    pm, em, _ = people
    project = services.project_create(portfolio=portfolio, user=pm, name="Churn model", status="shipped", **IMPACT)
    _assess(project, em, 5, 10, 20)
    services.project_create(portfolio=portfolio, user=pm, name="No outcome", status="shipped", **IMPACT)
    delivery.outcome_record(project=project, data=OUTCOME)
    (record,) = delivery_selectors.delivery_records_in(portfolio)
    assert (record.project, record.outcome.actual_effort, record.tag) == (project, 30.0, "hard")
    assert (record.effort.range, record.impact.estimator) == (Range(5, 10, 20), "pia")
