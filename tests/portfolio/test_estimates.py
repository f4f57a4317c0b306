"""Which estimates are in force: the effort range (assessment, else provisional, else none) and the effective
success probability (override, else the tag's, else 'hard'), in Python and as the backlog's sort expression."""

from types import SimpleNamespace

import pytest

from portfolio import estimates, selectors
from portfolio.models import Project
from portfolio.scoring import Range
from tests.factories import AssessmentFactory, ProjectFactory

SETTINGS = SimpleNamespace(p_easy=0.7, p_hard=0.4, p_impossible=0.05)  # a portfolio's or a snapshot's
PROVISIONAL = {"provisional_effort_low": 1.0, "provisional_effort_likely": 3.0, "provisional_effort_high": 9.0}


@pytest.mark.django_db
def test_the_current_assessments_effort_wins_over_the_provisional_one(portfolio):
    project = ProjectFactory(portfolio=portfolio, **PROVISIONAL)
    assessment = AssessmentFactory(project=project, effort_low=4, effort_likely=8, effort_high=16)
    effort = estimates.effort_in_force(project, assessment)
    assert effort == estimates.EffortInForce(Range(4, 8, 16), "assessment")


@pytest.mark.django_db
def test_without_an_assessment_the_provisional_effort_is_in_force_else_none(portfolio):
    guessed = ProjectFactory(portfolio=portfolio, **PROVISIONAL)
    assert estimates.effort_in_force(guessed, None) == estimates.EffortInForce(Range(1, 3, 9), "provisional")
    assert estimates.effort_in_force(ProjectFactory(portfolio=portfolio), None) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tag, override, expected", [("easy", None, 0.7), ("impossible", None, 0.05), ("hard", 0.25, 0.25)]
)
def test_success_probability_is_the_override_else_the_tags(portfolio, tag, override, expected):
    project = ProjectFactory(portfolio=portfolio)
    assessment = AssessmentFactory(project=project, tag=tag, success_probability_override=override)
    assert estimates.success_probability(SETTINGS, assessment) == expected


def test_an_unassessed_project_gets_the_hard_probability():
    assert estimates.success_probability(SETTINGS, None) == 0.4


@pytest.mark.django_db
def test_the_portfolios_per_tag_default_follows_the_same_rule(portfolio):
    assert portfolio.success_probability_for(None) == portfolio.p_hard
    assert portfolio.success_probability_for("easy") == portfolio.p_easy


@pytest.mark.django_db
def test_the_backlogs_effort_column_sorts_by_the_effort_in_force(portfolio):
    assessed = ProjectFactory(portfolio=portfolio, name="assessed", **PROVISIONAL)  # provisional 3, assessed 8
    AssessmentFactory(project=assessed, effort_low=4, effort_likely=8, effort_high=16)
    ProjectFactory(portfolio=portfolio, name="guessed", **{**PROVISIONAL, "provisional_effort_likely": 5.0})
    ProjectFactory(portfolio=portfolio, name="unknown")
    joined = Project.objects.filter(portfolio=portfolio).alias(
        **{estimates.CURRENT_ASSESSMENT: estimates.current_assessment_join()}
    )
    annotated = joined.annotate(effort=estimates.effort_likely_in_force())
    in_database = {p.name: p.effort for p in annotated}
    in_python = {}
    for project in annotated:
        effort = estimates.effort_in_force(project, selectors.current_assessment(project))
        in_python[project.name] = effort.range.likely if effort else None
    assert in_database == in_python == {"assessed": 8.0, "guessed": 5.0, "unknown": None}
