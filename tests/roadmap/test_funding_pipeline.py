"""The funding decision through the recompute: stored in the same snapshot, exported with DESIGN.md's keys, in
agreement with DESIGN.md's greedy given the export's own ranks and expected efforts, and moved by a what-if."""

import pytest

from portfolio import services
from roadmap import planning
from roadmap.export import portfolio_export
from roadmap.services import whatif
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

PROJECT_KEYS = {"funded", "funding_reason", "p_funded_if_known", "evpi", "evppi"}


@pytest.fixture
def funded_backlog(portfolio):
    """Eight assessed projects (efforts 8 to 36 person-weeks), one building (16 person-weeks), one requiring
    another, one parked; a team of 2 for 13 weeks (budget 26 person-weeks)."""
    services.portfolio_update(portfolio=portfolio, data={"capacity": 2})
    projects = []
    for i in range(8):
        project = ProjectFactory(
            portfolio=portfolio,
            name=f"Project {i}",
            impact_low=20 + 10 * i,
            impact_likely=60 + 15 * i,
            impact_high=150 + 20 * i,
            status="building" if i == 2 else "idea",
        )
        AssessmentFactory(
            project=project,
            tag="hard" if i % 2 else "easy",
            effort_low=4 + 4 * i,
            effort_likely=8 + 4 * i,
            effort_high=12 + 4 * i,
        )
        projects.append(project)
    ReuseLinkFactory(producer=projects[7], consumer=projects[0], kind="requires", fraction=0.1)
    ProjectFactory(portfolio=portfolio, name="Parked", status="parked")
    portfolio_recompute(portfolio_id=portfolio.pk)
    portfolio.refresh_from_db()
    return portfolio


def _greedy_from_design(projects, budget):
    """DESIGN.md's funded set, written independently from the export's ranks and expected efforts."""
    ranked = sorted((p for p in projects if p["rank"] is not None), key=lambda p: p["rank"])
    by_name = {p["name"]: p for p in projects}
    funded, left = set(), budget
    for p in ranked:
        if p["status"] == "building":
            funded.add(p["name"])
            left -= p["expected_effort"]
    skipped = {}
    for p in ranked:
        if p["status"] == "building" or p["feasibility"] == "impossible":
            continue
        producers_ok = all(
            r["name"] in funded or by_name[r["name"]]["status"] in ("shipped", "iterating") for r in p["requires"]
        )
        if p["expected_effort"] <= left and producers_ok:
            funded.add(p["name"])
            left -= p["expected_effort"]
        else:
            skipped[p["name"]] = "fit" if p["expected_effort"] > left else "waits"
    cut = max([0.0] + [by_name[n]["expected_roi"] for n, why in skipped.items() if why == "fit"])
    return funded, skipped, cut


@pytest.mark.django_db
def test_export_carries_the_funding_keys_and_agrees_with_the_design(funded_backlog):
    document = portfolio_export(funded_backlog)
    assert document["budget_person_weeks"] == 26
    assert set(document["funded_value"]) == {"mean", "p10", "p50", "p90"}
    assert len(document["frontier"]) == 21
    assert set(document["frontier"][0]) == {"budget", "mean", "p10", "p90"}
    projects = document["projects"]
    assert all(PROJECT_KEYS <= set(p) for p in projects)
    funded, skipped, cut = _greedy_from_design(projects, 26)
    assert {p["name"] for p in projects if p["funded"]} == funded
    assert document["cut_line_roi"] == pytest.approx(cut)
    assert "Project 2" in funded  # building: committed
    assert skipped.get("Project 0") == "waits"  # requires Project 7, which is not funded
    by_name = {p["name"]: p for p in projects}
    assert by_name["Project 0"]["funding_reason"] == "waits for an unfunded producer"
    assert by_name["Parked"]["funded"] is False and by_name["Parked"]["funding_reason"] == "parked"
    for p in projects:
        if p["rank"] is not None:
            assert set(p["evppi"]) == {"impact", "effort", "success"}
            assert 0 <= max(p["evppi"].values()) <= p["evpi"] + 1e-9


@pytest.mark.django_db
def test_each_frontier_point_is_the_design_greedy_at_its_budget(funded_backlog):
    document = portfolio_export(funded_backlog)
    projects = document["projects"]
    ranked = [p for p in projects if p["rank"] is not None]
    total_effort = sum(p["expected_effort"] for p in ranked)
    cost = funded_backlog.cost_per_person_week
    net = {p["name"]: p["expected_value"] - cost * p["expected_effort"] for p in ranked}
    for j, point in enumerate(document["frontier"]):
        assert point["budget"] == pytest.approx(j / 20 * total_effort)
        funded, _, _ = _greedy_from_design(projects, point["budget"])
        # the mean of a per-trial sum is the sum of the per-project means
        assert point["mean"] == pytest.approx(sum(net[name] for name in funded))
    funded, _, _ = _greedy_from_design(projects, 26)
    assert document["funded_value"]["mean"] == pytest.approx(sum(net[name] for name in funded))


@pytest.mark.django_db
def test_a_what_if_with_two_more_people_moves_the_cut_line(funded_backlog):
    comparison = whatif.scenario_compare(
        portfolio_id=funded_backlog.pk, scenario=planning.Scenario(capacity=funded_backlog.capacity + 2)
    )
    saved, more = comparison.saved.funding, comparison.scenario.funding
    assert more.budget_person_weeks == saved.budget_person_weeks + 2 * 13
    assert sum(p.funded for p in more.projects) > sum(p.funded for p in saved.projects)
    assert more.funded_value.mean > saved.funded_value.mean
