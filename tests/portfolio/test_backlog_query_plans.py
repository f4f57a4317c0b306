"""The backlog's figure columns stay cheap on PostgreSQL when the planner's statistics have not seen the newest
snapshot, as on a live site straight after every recompute.

The rank, ROI and P(top-K) sorts read each project's row of that snapshot. With a single-column index on the
snapshot id beside the unique (snapshot, project) one, a planner that believed the new snapshot empty picked it
and filtered about half the table for every project: 6.6 s per page at 10,000 projects.

Every sort that reads another table (the snapshot's rows, the current assessment's tag or effort) joins it once,
so the work is one pass over each table whatever the planner believes: no subquery runs once per project.
"""

import pytest
from django.db import connection
from django.db.models import F

from portfolio import selectors
from portfolio.models import Portfolio
from roadmap.selectors.snapshots import latest_snapshot, score_sort_keys
from roadmap.services import snapshot_rows
from roadmap.services.recompute import portfolio_recompute

from ..factories import AssessmentFactory, ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PROJECTS = 300


def _rows_removed_by_filters(node: dict) -> float:
    """Rows that every node of an EXPLAIN ANALYZE plan read and then threw away, over all its loops."""
    removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0)
    own = removed * node.get("Actual Loops", 1)
    return own + sum(_rows_removed_by_filters(child) for child in node.get("Plans", []))


def _nodes(node: dict) -> list[dict]:
    """Every node of a plan, the node itself first."""
    return [node, *(n for child in node.get("Plans", []) for n in _nodes(child))]


def _recomputed_backlog(portfolio) -> None:
    """PROJECTS projects, recomputed; statistics taken after the first snapshot; then a second snapshot."""
    portfolio.trials = 100
    portfolio.save()
    for i in range(PROJECTS):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i:03d}"))
    portfolio_recompute(portfolio_id=portfolio.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE roadmap_projectscore")
    Portfolio.objects.filter(pk=portfolio.pk).update(input_version=F("input_version") + 1)
    portfolio_recompute(portfolio_id=portfolio.pk)  # a new snapshot id


@pytest.fixture
def stale_statistics(portfolio, monkeypatch):
    """A recomputed backlog whose newest snapshot the planner's statistics have never seen.

    The recompute refreshes the statistics of the snapshot tables itself, in the transaction that writes the rows
    (``snapshot_rows.refresh_statistics``); here it is kept from doing so, as where the database user may not
    ANALYZE them: the sorts on other tables must stay cheap even then."""
    monkeypatch.setattr(snapshot_rows, "refresh_statistics", lambda *models: None)
    _recomputed_backlog(portfolio)
    return portfolio


@pytest.fixture
def new_snapshot(portfolio):
    """A recomputed backlog read straight after its newest snapshot was written: the statistics that came with it."""
    _recomputed_backlog(portfolio)
    return portfolio


def _page_plan(portfolio, sort: str, direction: str = "asc") -> dict:
    keys = score_sort_keys(snapshot=latest_snapshot(portfolio=portfolio))
    page = selectors.backlog_page(portfolio=portfolio, sort=sort, direction=direction, score_keys=keys)[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        return cursor.fetchone()[0][0]["Plan"]


@pytest.mark.parametrize("sort", ["rank", "roi", "ptopk"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_a_figure_sort_reads_one_row_per_project_straight_after_a_recompute(new_snapshot, sort, direction):
    plan = _page_plan(new_snapshot, sort, direction)
    assert _rows_removed_by_filters(plan) < 2 * PROJECTS, plan


@pytest.mark.parametrize("sort", ["rank", "roi", "ptopk"])
def test_without_the_refresh_a_figure_sort_compares_every_project_with_every_row(stale_statistics, sort):
    """Why the refresh is in the snapshot's transaction: planned with statistics that have not seen the snapshot,
    the figure sorts read the snapshot's rows once per project. If this starts passing, the planner got smarter."""
    plan = _page_plan(stale_statistics, sort)
    assert _rows_removed_by_filters(plan) > PROJECTS * PROJECTS / 4, plan


@pytest.mark.parametrize("sort", ["rank", "roi", "ptopk", "tag", "effort"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_a_sort_on_another_table_joins_it_once_instead_of_a_subquery_per_project(request, sort, direction):
    # The figure columns are read straight after a recompute; the assessments' columns even with stale statistics.
    portfolio = request.getfixturevalue("new_snapshot" if sort in ("rank", "roi", "ptopk") else "stale_statistics")
    plan = _page_plan(portfolio, sort, direction)
    nodes = _nodes(plan)
    assert not [n for n in nodes if n.get("Parent Relationship") == "SubPlan"], plan
    assert any("Join" in n["Node Type"] or n["Node Type"] == "Nested Loop" for n in nodes), plan
    # A nested loop may probe an index once per project, but never reads and throws away other rows for each.
    assert _rows_removed_by_filters(plan) < 2 * PROJECTS, plan
