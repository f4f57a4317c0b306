"""The unfiltered backlog sorted by a figure column reads the order from the snapshot's rows alone while the
snapshot is of the current inputs, and that order is the one the join over every project gives.

The join (``selectors.backlog_page``) is the definition: rows without a value last in both directions, ties by name.
"""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import selectors, services
from portfolio.models import Project
from roadmap.models import ProjectScore
from roadmap.selectors.snapshots import figure_ordered_ids, latest_snapshot, score_sort_keys
from roadmap.services.recompute import portfolio_recompute

from ..factories import AssessmentFactory, ProjectFactory, client_for

pytestmark = pytest.mark.django_db

FIGURES = ["rank", "roi", "ptopk"]


@pytest.fixture
def ranked(portfolio):
    """A recomputed backlog with every kind of tie: parked projects (no rank), projects without an estimate,
    P(top-K) of 0 for most, and two projects with the same inputs (the same expected ROI)."""
    portfolio.trials = 200
    portfolio.top_k = 3
    portfolio.save()
    shuffled = random.Random(5)
    for i in range(40):
        project = ProjectFactory(
            portfolio=portfolio,
            name=f"{'abcdefgh'[i % 8]}-model {i:02d}",
            status="parked" if i % 9 == 0 else "idea",
            impact_likely=100.0 + shuffled.randint(0, 50) * 10,
            impact_high=1000.0,
        )
        if i % 7 != 3:  # every seventh has no effort estimate: no rank
            AssessmentFactory(project=project, tag=shuffled.choice(["easy", "hard"]))
    for name in ("twin a", "twin b"):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=name))
    portfolio_recompute(portfolio_id=portfolio.pk)
    portfolio.refresh_from_db()
    return portfolio


def _joined_order(portfolio, sort: str, direction: str) -> list[int]:
    keys = score_sort_keys(snapshot=latest_snapshot(portfolio=portfolio))
    page = selectors.backlog_page(portfolio=portfolio, sort=sort, direction=direction, score_keys=keys)
    return list(page.values_list("pk", flat=True))


@pytest.mark.parametrize("sort", FIGURES)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_the_snapshot_rows_give_the_joins_order_while_the_figures_are_current(ranked, sort, direction):
    snapshot = latest_snapshot(portfolio=ranked)
    assert snapshot.input_version == ranked.input_version
    rows = ProjectScore.objects.filter(snapshot=snapshot)
    assert rows.filter(rank=None).count() >= 5, "the fixture has projects without a rank"
    assert rows.filter(p_top_k=0).count() >= 2, "the fixture has ties in P(top-K)"

    order = list(figure_ordered_ids(snapshot=snapshot, sort=sort, direction=direction))

    assert order == _joined_order(ranked, sort, direction)
    assert sorted(order) == sorted(Project.objects.filter(portfolio=ranked).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", FIGURES)
def test_a_project_renamed_since_the_snapshot_takes_its_new_place_among_ties(ranked, owner_user, sort):
    """A rename is not an input change (the figures stay current), so the ties must be ordered by the name the
    project has now, not the one in the snapshot's row."""
    snapshot = latest_snapshot(portfolio=ranked)
    parked = ProjectScore.objects.filter(snapshot=snapshot, rank=None).order_by("name").first()
    services.project_update(
        project=Project.objects.get(pk=parked.project_id), data={"name": "zzz renamed"}, user=owner_user
    )
    ranked.refresh_from_db()
    assert latest_snapshot(portfolio=ranked).input_version == ranked.input_version, "a rename leaves figures current"

    for direction in ("asc", "desc"):
        order = list(figure_ordered_ids(snapshot=snapshot, sort=sort, direction=direction))
        assert order == _joined_order(ranked, sort, direction)
    assert order[-1] == parked.project_id  # no value: last, and now last by name among those


def test_another_column_has_no_figure_order(ranked):
    assert figure_ordered_ids(snapshot=latest_snapshot(portfolio=ranked), sort="name", direction="asc") is None


def _page_names(client, portfolio, query: str) -> list[str]:
    """The names of the projects on a backlog page, in the page's order."""
    page = client.get(f"/p/{portfolio.slug}/?{query}").content.decode()
    listed = {page.find(f'id="project-row-{p.pk}"'): p.name for p in Project.objects.filter(portfolio=portfolio)}
    return [name for at, name in sorted(listed.items()) if at >= 0]


@pytest.mark.parametrize("sort", FIGURES)
def test_a_project_added_since_the_snapshot_is_listed_last_by_a_figure_sort(ranked, owner_user, sort):
    """The snapshot is no longer of the current inputs: the page falls back to the join, where the new project
    has no figures and comes last (by name among the others without a value)."""
    services.project_create(
        portfolio=ranked, user=owner_user, name="zz new", impact_low=1, impact_likely=2, impact_high=3
    )
    ranked.refresh_from_db()
    snapshot = latest_snapshot(portfolio=ranked)
    assert snapshot.input_version < ranked.input_version, "no recompute ran: the snapshot is out of date"
    client = client_for(owner_user)
    listed = _page_names(client, ranked, f"sort={sort}&dir=asc")  # 43 projects: one page

    assert listed[-1] == "zz new"  # no figures, and last by name among those without
    assert listed == [Project.objects.get(pk=pk).name for pk in _joined_order(ranked, sort, "asc")]


def test_the_default_page_reads_the_rank_order_from_the_snapshot_rows(ranked, owner_user):
    """Sorted by rank and unfiltered, the page asks the snapshot's rows alone for its ids (no join of every project
    to its row), and lists what the join would list."""
    client = client_for(owner_user)
    with CaptureQueriesContext(connection) as queries:
        names = _page_names(client, ranked, "")
    sql = [q["sql"] for q in queries.captured_queries]
    assert any(q.startswith('SELECT "roadmap_projectscore"."project_id"') and "ORDER BY" in q for q in sql), sql
    assert not any('JOIN "roadmap_projectscore"' in q for q in sql), sql
    expected = [Project.objects.get(pk=pk).name for pk in _joined_order(ranked, "rank", "asc")[: len(names)]]

    assert names == expected
    assert len(names) == min(50, Project.objects.filter(portfolio=ranked).count())
