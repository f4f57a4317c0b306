"""The backlog's figure columns stay cheap on PostgreSQL when the planner's statistics have not seen the newest
snapshot, as on a live site straight after every recompute.

The rank, ROI and P(top-K) sorts read each project's row of that snapshot. With a single-column index on the
snapshot id beside the unique (snapshot, project) one, a planner that believed the new snapshot empty picked it
and filtered about half the table for every project: 6.6 s per page at 10,000 projects.
"""

import pytest
from django.db import connection
from django.db.models import F

from portfolio import selectors
from portfolio.models import Portfolio
from roadmap.selectors.snapshots import latest_snapshot, score_sort_keys
from roadmap.services.recompute import portfolio_recompute

from ..factories import AssessmentFactory, ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PROJECTS = 300


def _rows_removed_by_filters(node: dict) -> float:
    """Rows that every node of an EXPLAIN ANALYZE plan read and then threw away, over all its loops."""
    own = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
    return own + sum(_rows_removed_by_filters(child) for child in node.get("Plans", []))


@pytest.mark.parametrize("sort", ["rank", "roi", "ptopk"])
def test_a_figure_sort_reads_one_row_per_project_when_statistics_are_stale(portfolio, sort):
    portfolio.trials = 100
    portfolio.save()
    for i in range(PROJECTS):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i:03d}"))
    portfolio_recompute(portfolio_id=portfolio.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE roadmap_projectscore")
    Portfolio.objects.filter(pk=portfolio.pk).update(input_version=F("input_version") + 1)
    portfolio_recompute(portfolio_id=portfolio.pk)  # a snapshot id the statistics have never seen
    keys = score_sort_keys(snapshot=latest_snapshot(portfolio=portfolio))
    page = selectors.backlog_page(portfolio=portfolio, sort=sort, score_keys=keys)[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]
    assert _rows_removed_by_filters(plan) < 2 * PROJECTS, plan
