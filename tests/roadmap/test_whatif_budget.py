"""A what-if runs inline in the web process: whoever asks, its work is bounded by a sample budget."""

import re

import pytest
from django.urls import reverse

from portfolio import input_selectors, scoring
from portfolio.models import Portfolio
from roadmap.models import RankingSnapshot
from roadmap.planning import Scenario
from roadmap.services import whatif
from tests.factories import AssessmentFactory, ProjectFactory
from tests.roadmap.conftest import _scenario, _url

# Two plans (saved + scenario) of the largest portfolio the app is load-tested with: 1,000 projects x 2,000 trials.
WHATIF_SAMPLE_BUDGET = 2 * 1000 * 2000


@pytest.mark.django_db
def test_a_what_if_request_does_bounded_work(portfolio, leader_client, monkeypatch):
    """Any member (leadership included, by GET) runs a what-if inline in the web process. With 300 projects and
    trials=20,000 it once drew 12 million project-trials (~10 s of CPU, ~0.5 GB); it must stay within the work of
    a default-size portfolio (WHATIF_MAX_PROJECT_TRIALS)."""
    for i in range(300):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Project {i:03d}"))
    Portfolio.objects.filter(pk=portfolio.pk).update(trials=20000)
    portfolio.refresh_from_db()
    drawn = []
    original = scoring.draw_samples

    def counting_draw(projects, links, trials, seed):
        drawn.append(len(projects) * trials)
        if sum(drawn) > WHATIF_SAMPLE_BUDGET:  # fail fast instead of burning the CPU the finding is about
            raise AssertionError(f"one what-if request drew {sum(drawn):,} project-trials so far")
        return original(projects, links, trials, seed)

    monkeypatch.setattr(scoring, "draw_samples", counting_draw)

    response = leader_client.get(
        reverse("roadmap:whatif", args=[portfolio.slug]),
        {"capacity": "1", "settings_version": portfolio.version, "base_capacity": portfolio.capacity},
    )

    assert response.status_code in (200, 400, 429)
    assert sum(drawn) <= WHATIF_SAMPLE_BUDGET


# --- through the page: the portfolio's trials up to the budget, then fewer on both sides -------------------------


@pytest.mark.parametrize(
    ("projects", "trials", "budget", "expected"),
    [
        (4, 500, 2_000_000, 500),  # below the budget: the portfolio's trials
        (1000, 2000, 2_000_000, 2000),  # exactly at the budget: unchanged
        (1000, 20000, 2_000_000, 2000),  # the default budget is 1,000 projects x 2,000 trials
        (300, 20000, 2_000_000, 6666),  # budget // projects, rounded down
        (20000, 1000, 2_000_000, 200),  # never below 200 trials
        (20000, 150, 2_000_000, 150),  # ... nor above the portfolio's own
        (0, 20000, 2_000_000, 20000),  # an empty portfolio
    ],
)
def test_a_what_if_draws_the_portfolios_trials_up_to_its_budget_then_budget_over_projects(
    projects, trials, budget, expected
):
    assert whatif.whatif_trials(projects=projects, trials=trials, budget=budget) == expected


@pytest.mark.django_db
def test_below_the_budget_a_what_if_gives_the_same_dates_as_before(plan, leader_client, portfolio):
    """4 projects x 500 trials is far below the default budget: the plan side equals the saved snapshot and
    the scenario equals a plan drawn with the portfolio's trials and the same seed, as before the budget."""
    comparison = whatif.scenario_compare(portfolio_id=portfolio.pk, scenario=Scenario(capacity=1))
    assert comparison.trials == comparison.portfolio_trials == 500 and not comparison.reduced
    saved = {
        row.project_id: (row.start_p50, row.finish_p10, row.finish_p50, row.finish_p90)
        for row in plan["snapshot"].schedule.all()
    }
    assert {p.key: (p.start_p50, p.finish_p10, p.finish_p50, p.finish_p90) for p in comparison.saved.projects} == saved
    portfolio.refresh_from_db()
    _, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio.pk)
    _, full = whatif.plan_for(portfolio, projects, links, facts, seed=plan["snapshot"].seed, capacity=1)
    assert comparison.scenario == full
    html = leader_client.get(_url("whatif", plan), _scenario(leader_client, plan, capacity="1")).content.decode()
    assert 'id="whatif-diff"' in html and 'id="whatif-trials"' not in html


@pytest.mark.django_db
def test_above_the_budget_both_sides_draw_fewer_trials_with_one_seed_and_the_page_says_so(
    plan, leader_client, portfolio, settings, monkeypatch
):
    settings.WHATIF_MAX_PROJECT_TRIALS = 1500  # 5 projects (one parked) x 500 trials = 2,500 project-trials
    calls = []
    original = whatif.plan_for

    def recording_plan_for(*args, **kwargs):
        calls.append((kwargs["seed"], kwargs["trials"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(whatif, "plan_for", recording_plan_for)
    response = leader_client.get(_url("whatif", plan), _scenario(leader_client, plan, capacity="1"))
    assert response.status_code == 200
    assert calls == [(plan["snapshot"].seed, 300), (plan["snapshot"].seed, 300)]  # 1,500 // 5 projects
    html = response.content.decode()
    assert 'id="whatif-trials"' in html
    assert "Computed with 300 of the portfolio's 500 trials" in html and "the saved plan uses all 500" in html
    assert re.search(r"\+\d+ days", html), "with a team of one, some finish must still move later"


@pytest.mark.django_db
def test_saving_a_reduced_what_if_recomputes_the_plan_with_all_its_trials(
    plan, pm_client, portfolio, settings, django_capture_on_commit_callbacks
):
    settings.WHATIF_MAX_PROJECT_TRIALS = 1500
    data = _scenario(pm_client, plan, capacity="2")
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(_url("whatif-save", plan), data)
    assert response.status_code == 302
    assert RankingSnapshot.objects.filter(portfolio=portfolio).latest("input_version").trials == 500
