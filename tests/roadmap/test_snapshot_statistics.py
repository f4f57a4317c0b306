"""After a recompute the planner counts the new snapshot's rows; the recompute's reads and writes run with the
cyclic garbage collector paused.

Every snapshot is written under a new id. Planned with statistics from before it, "the rows of this snapshot" was
taken for one row, and the backlog's lookup of a page's 50 figures walked the whole snapshot to find them (5 ms
of a 50 ms page at 10,000 projects).
"""

import gc

import pytest
from django.db import connection
from django.db.models import F

from portfolio.models import Portfolio
from roadmap.models import ProjectScore
from roadmap.selectors.snapshots import latest_snapshot
from roadmap.services import snapshot_rows
from roadmap.services.recompute import collector_paused, portfolio_recompute
from roadmap.signals import snapshot_completed

from ..factories import AssessmentFactory, ProjectFactory

PROJECTS = 300


def _plan(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


@pytest.fixture
def recomputed_twice(portfolio):
    portfolio.trials = 100
    portfolio.save()
    for i in range(PROJECTS):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i:03d}"))
    portfolio_recompute(portfolio_id=portfolio.pk)
    Portfolio.objects.filter(pk=portfolio.pk).update(input_version=F("input_version") + 1)
    portfolio_recompute(portfolio_id=portfolio.pk)  # a second snapshot, under an id no statistics had seen
    return portfolio


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_planner_counts_the_rows_of_the_snapshot_written_last(recomputed_twice):
    snapshot = latest_snapshot(portfolio=recomputed_twice)
    query = ProjectScore.objects.filter(snapshot=snapshot).values_list("pk")
    sql, params = query.query.sql_with_params()

    estimated = _plan(sql, params)["Plan Rows"]

    assert estimated >= PROJECTS / 2, f"the planner expects {estimated} rows of {PROJECTS}"


def test_the_collector_is_paused_inside_and_back_after_even_on_an_error():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the write failed")
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.django_db(transaction=True)
def test_the_statistics_are_refreshed_before_the_snapshot_commits(portfolio, monkeypatch):
    """No reader can see the new rows before the statistics that count them: the refresh runs inside the write."""
    events = []
    monkeypatch.setattr(snapshot_rows, "refresh_statistics", lambda *models: events.append("statistics refreshed"))

    def committed(sender, snapshot, **kwargs):
        events.append("snapshot committed")

    snapshot_completed.connect(committed)
    try:
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio))
        portfolio_recompute(portfolio_id=portfolio.pk)
    finally:
        snapshot_completed.disconnect(committed)

    assert events[:2] == ["statistics refreshed", "snapshot committed"]
