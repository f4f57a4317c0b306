"""A recompute whose inputs change under it (a project deleted while the math runs) is not a failure: it runs
again on the new inputs, and the banner never says "recompute failed".

The interleaving is forced, not timed: the plan step is wrapped so the project is deleted (and committed, in
its own transaction) right after the recompute read its inputs and before it writes the snapshot. The tests use
real transactions (``transactional_db``) because a snapshot row pointing at a deleted project is refused when
the snapshot's transaction commits (deferred foreign keys), which a test wrapped in one transaction never does.
"""

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import Portfolio
from roadmap import tasks
from roadmap.models import ProjectScore, RankingSnapshot, RecomputeState
from roadmap.services import recompute
from tests.factories import AssessmentFactory, MembershipFactory, PortfolioFactory, ProjectFactory, UserFactory


@pytest.fixture
def three_projects(transactional_db, monkeypatch):
    """A portfolio of three assessed projects, with the enqueue after each edit stubbed out (the tests run the
    recompute themselves, once, at the moment they choose)."""
    monkeypatch.setattr(recompute, "recompute_enqueue", lambda *, portfolio_id, force=False: False)
    portfolio = PortfolioFactory(name="Races", slug="races", trials=200)
    projects = [ProjectFactory(portfolio=portfolio, name=name) for name in ("Alpha", "Beta", "Gamma")]
    for project in projects:
        AssessmentFactory(project=project)
    return portfolio, projects


def _delete_during_the_math(monkeypatch, project) -> list[int]:
    """Delete ``project`` (committed) the first time the recompute has read its inputs and computed; return the
    list of input versions the plan step was called for (one entry per run of the math)."""
    original, runs = recompute.plan_from_inputs, []

    def plan_then_delete(inputs):
        runs.append(inputs)
        result = original(inputs)
        if len(runs) == 1:
            services.project_delete(project=project)
        return result

    monkeypatch.setattr(recompute, "plan_from_inputs", plan_then_delete)
    return runs


def test_a_project_deleted_during_a_recompute_makes_it_run_again_not_fail(three_projects, monkeypatch):
    portfolio, (alpha, beta, gamma) = three_projects
    runs = _delete_during_the_math(monkeypatch, beta)

    snapshot = tasks.recompute_portfolio(portfolio.pk)  # the task, run in this thread

    latest = Portfolio.objects.get(pk=portfolio.pk).input_version
    assert snapshot == latest and len(runs) == 2  # the first run's inputs vanished: it ran again
    current = RankingSnapshot.objects.get(portfolio=portfolio, input_version=latest)
    assert set(ProjectScore.objects.filter(snapshot=current).values_list("project_id", flat=True)) == {
        alpha.pk,
        gamma.pk,
    }
    state = RecomputeState.objects.get(portfolio=portfolio)
    assert (state.last_outcome, state.last_error, state.running_since) == (RecomputeState.Outcome.OK, "", None)


def test_the_banner_never_shows_a_failure_for_a_vanished_project(three_projects, monkeypatch, client):
    portfolio, (_, beta, _) = three_projects
    user = UserFactory()
    MembershipFactory(user=user, portfolio=portfolio, role="leadership")
    client.force_login(user)
    _delete_during_the_math(monkeypatch, beta)

    recompute.portfolio_recompute(portfolio_id=portfolio.pk)

    banner = client.get(reverse("roadmap:status", args=[portfolio.slug])).content.decode()
    assert "failed" not in banner and "matching query does not exist" not in banner
    assert "out of date" not in banner


def test_a_snapshot_that_cannot_be_written_for_another_reason_still_fails(three_projects, monkeypatch):
    """Only a changed input makes the recompute run again: a write refused while the inputs stand still is a
    real failure and is reported as one."""
    portfolio, _ = three_projects
    from django.db import IntegrityError

    def refused(*args, **kwargs):
        raise IntegrityError("something else is wrong")

    monkeypatch.setattr(recompute, "_write_snapshot", refused)

    with pytest.raises(IntegrityError):
        recompute.portfolio_recompute(portfolio_id=portfolio.pk)
    assert not RankingSnapshot.objects.filter(portfolio=portfolio).exists()
