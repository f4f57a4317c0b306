"""The recompute task draws a new snapshot's ROI chart into the cache inside the snapshot's own transaction: no page
view can find the snapshot before its chart and draw it itself (under load, several web processes did, at once,
at every new snapshot), and a chart that fails to draw undoes nothing of the snapshot."""

import pytest
from django.core.cache import cache
from django.db import connection

from roadmap.charts import roi_cache
from roadmap.models import RankingSnapshot
from roadmap.signals import snapshot_completed
from roadmap.tasks import recompute_portfolio

from ..factories import AssessmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assessed(portfolio):
    for i in range(3):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i}"))
    RankingSnapshot.objects.filter(portfolio=portfolio).delete()  # the in-process recomputes of the setup's edits
    cache.clear()
    roi_cache.forget_recent()
    return portfolio


def test_the_chart_is_in_the_cache_when_the_snapshot_commits(assessed):
    seen = []

    def committed(sender, snapshot, **kwargs):
        seen.append(cache.get(roi_cache.cache_key(assessed, snapshot, link_base="")))

    snapshot_completed.connect(committed)
    try:
        recompute_portfolio.apply(args=[assessed.pk])
    finally:
        snapshot_completed.disconnect(committed)

    assert seen and isinstance(seen[0], str) and "<svg" in seen[0]


def test_a_chart_that_fails_to_draw_leaves_the_snapshot_written(assessed, monkeypatch, caplog):
    def broken(portfolio, snapshot, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")  # a failed statement: on PostgreSQL it aborts its transaction

    monkeypatch.setattr(roi_cache, "drawn_chart", broken)

    recompute_portfolio.apply(args=[assessed.pk])

    assert RankingSnapshot.objects.filter(portfolio=assessed, input_version=assessed.input_version).exists()
    assert "Could not draw the ROI chart" in caplog.text
