"""Common random numbers through the whole pipeline: a figure moves only when an input it depends on moves.

Given a computed portfolio, when one project's inputs change, then every project not linked to it keeps its
stored expected value, effort, ROI and ROI percentiles to the last digit; a what-if saved as the plan gives
exactly the dates its preview showed; and the portfolio's seed is a setting whose change redraws everything.
"""

import datetime

import pytest

from portfolio import services
from roadmap import planning
from roadmap.models import ProjectScore, ScheduleRow
from roadmap.services.recompute import portfolio_recompute
from roadmap.services.whatif import scenario_compare, scenario_save
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

pytestmark = pytest.mark.django_db

OWN_FIGURES = ("expected_value", "expected_effort", "expected_cost", "expected_roi", "roi_p10", "roi_p50", "roi_p90")
DATES = ("start_p10", "start_p50", "start_p90", "finish_p10", "finish_p50", "finish_p90")


@pytest.fixture
def backlog(portfolio):
    portfolio.roadmap_start = datetime.date(2027, 1, 4)
    portfolio.capacity = 4
    portfolio.trials = 500
    portfolio.save()
    projects = {}
    for i, name in enumerate(["Churn model", "Search ranking", "Spam filter", "Toxicity signal", "Ad quality"]):
        projects[name] = ProjectFactory(portfolio=portfolio, name=name, impact_low=50 + 10 * i, impact_high=400 + i)
        AssessmentFactory(project=projects[name], tag="hard", effort_low=2 + i, effort_likely=5 + i, effort_high=20)
    ReuseLinkFactory(producer=projects["Toxicity signal"], consumer=projects["Spam filter"], fraction=0.3)
    return projects


def _own_figures(snapshot) -> dict[str, tuple]:
    rows = ProjectScore.objects.filter(snapshot=snapshot)
    return {row.name: tuple(getattr(row, f) for f in OWN_FIGURES) for row in rows}


def test_editing_one_project_leaves_every_unlinked_projects_stored_figures_exactly(portfolio, backlog):
    before = _own_figures(portfolio_recompute(portfolio_id=portfolio.pk))
    services.project_update(
        project=backlog["Churn model"], data={"impact_high": 2 * backlog["Churn model"].impact_high}
    )
    after = _own_figures(portfolio_recompute(portfolio_id=portfolio.pk))
    for name in ("Search ranking", "Spam filter", "Toxicity signal", "Ad quality"):
        assert after[name] == before[name], name
    assert after["Churn model"] != before["Churn model"]


def test_a_producer_moves_when_the_consumer_it_credits_changes_its_effort(portfolio, backlog):
    before = _own_figures(portfolio_recompute(portfolio_id=portfolio.pk))
    services.assessment_record(
        project=backlog["Spam filter"], tag="hard", effort_low=20, effort_likely=30, effort_high=60
    )
    after = _own_figures(portfolio_recompute(portfolio_id=portfolio.pk))
    assert after["Toxicity signal"] != before["Toxicity signal"]  # its reuse credit is a share of that effort
    for name in ("Churn model", "Search ranking", "Ad quality"):
        assert after[name] == before[name], name


def test_a_what_if_saved_as_the_plan_gives_exactly_the_previewed_dates(portfolio, backlog):
    portfolio_recompute(portfolio_id=portfolio.pk)
    portfolio.refresh_from_db()
    dropped = backlog["Search ranking"]
    scenario = planning.Scenario(capacity=7, drop=frozenset({dropped.pk}), pins={backlog["Ad quality"].pk: 1})
    preview = scenario_compare(portfolio_id=portfolio.pk, scenario=scenario)
    assert not preview.reduced
    scenario_save(
        portfolio=portfolio,
        scenario=scenario,
        settings_version=portfolio.version,
        base_capacity=portfolio.capacity,
        project_versions={p.pk: p.version for p in backlog.values()},
    )
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    saved = {
        row.project_id: tuple(getattr(row, f) for f in DATES) for row in ScheduleRow.objects.filter(snapshot=snapshot)
    }
    shown = {p.key: tuple(getattr(p, f) for f in DATES) for p in preview.scenario.projects}
    assert saved == shown
    assert snapshot.capacity == 7


def test_the_seed_is_a_setting_and_changing_it_redraws_the_figures(portfolio, backlog):
    first = portfolio_recompute(portfolio_id=portfolio.pk)
    portfolio.refresh_from_db()
    version = portfolio.input_version
    changed = services.portfolio_update(portfolio=portfolio, data={"seed": portfolio.seed + 1})
    assert changed.input_version == version + 1  # an input change: the figures are recomputed
    second = portfolio_recompute(portfolio_id=portfolio.pk)
    assert second.seed == portfolio.seed + 1 and first.seed == portfolio.seed
    assert _own_figures(second) != _own_figures(first)


def test_each_new_portfolio_gets_a_seed_of_its_own(db):
    from tests.factories import PortfolioFactory

    seeds = {PortfolioFactory().seed for _ in range(5)}
    assert len(seeds) == 5 and all(0 <= s < 2**62 for s in seeds)
