"""The recompute path end to end: edits in this process, a real Celery worker (and beat) process over Redis,
both on the PostgreSQL test database. The worker and beat fixtures live in conftest.py.
"""

import time

import pytest
from django.db.models import F

from portfolio import services
from portfolio.models import Portfolio
from roadmap.models import RankingSnapshot, RecomputeState

from .conftest import assessed_portfolio, current_input_version, snapshot_is_current, wait_for, worker_idle

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_edit_is_ranked_by_a_real_worker(celery_processes):
    celery_processes.start_worker()
    portfolio = services.portfolio_create(name="Integrity ML", slug="integrity-ml")
    for name, tag in [("Spam classifier", "easy"), ("Fraud detection", "hard"), ("Viral prediction", "impossible")]:
        project = services.project_create(
            portfolio=portfolio, name=name, impact_low=100, impact_likely=300, impact_high=600
        )
        services.assessment_record(project=project, tag=tag, effort_low=4, effort_likely=8, effort_high=16)

    snapshot = wait_for(snapshot_is_current(portfolio), celery_processes, "a snapshot of the latest input version")

    ranked = list(snapshot.scores.order_by("rank").values_list("rank", "name"))
    assert ranked == [(1, "Spam classifier"), (2, "Fraud detection"), (3, "Viral prediction")]
    wait_for(worker_idle(portfolio), celery_processes, "the recompute to finish")
    assert RecomputeState.objects.get(portfolio=portfolio).last_outcome == RecomputeState.Outcome.OK
    assert "roadmap.recompute_portfolio" in celery_processes.logs()


def test_burst_of_edits_coalesces_and_ends_up_current(celery_processes):
    # 20,000 trials over 30 projects makes one run last longer than the burst, as a real portfolio's would.
    portfolio = assessed_portfolio(projects=30, trials=20_000)
    celery_processes.start_worker()
    target = portfolio.projects.get(name="Project 00")
    services.project_update(project=target, data={"impact_high": 301})
    wait_for(snapshot_is_current(portfolio), celery_processes, "the first snapshot")
    wait_for(worker_idle(portfolio), celery_processes, "the worker to go idle")
    before = RankingSnapshot.objects.filter(portfolio=portfolio).count()

    started = time.monotonic()
    for i in range(10):
        services.project_update(project=target, data={"impact_high": 310 + i})
    burst_seconds = time.monotonic() - started

    wait_for(snapshot_is_current(portfolio), celery_processes, "a snapshot of the last edit")
    written = RankingSnapshot.objects.filter(portfolio=portfolio).count() - before
    print(f"10 edits in {burst_seconds:.2f} s wrote {written} snapshot(s)")
    assert 1 <= written <= 3, f"10 edits in {burst_seconds:.2f} s wrote {written} snapshots\n{celery_processes.logs()}"
    latest = RankingSnapshot.objects.filter(portfolio=portfolio).latest()
    assert latest.input_version == current_input_version(portfolio)


def test_beat_sweep_recomputes_a_dirty_portfolio(celery_processes):
    portfolio = assessed_portfolio(projects=4)
    Portfolio.objects.filter(pk=portfolio.pk).update(input_version=F("input_version") + 1)  # dirty, no task sent
    assert not RecomputeState.objects.filter(portfolio=portfolio).exists()

    celery_processes.start_worker()
    celery_processes.start_beat()

    snapshot = wait_for(snapshot_is_current(portfolio), celery_processes, "the beat sweep's recompute")
    assert snapshot.scores.filter(rank__isnull=False).count() == 4
    assert "roadmap.sweep_dirty_portfolios" in celery_processes.logs()


def test_a_changes_report_is_computed_by_a_real_worker_once(celery_processes):
    from roadmap.models import ChangesReport
    from roadmap.services import baselines, changes

    portfolio = assessed_portfolio(projects=6, trials=500)
    celery_processes.start_worker()
    target = portfolio.projects.get(name="Project 00")
    services.project_update(project=target, data={"impact_high": 301})
    wait_for(snapshot_is_current(portfolio), celery_processes, "the first snapshot")
    baseline = baselines.baseline_mark(portfolio=portfolio, name="Q1 planning")
    services.project_update(project=target, data={"impact_high": 900})
    snapshot = wait_for(snapshot_is_current(portfolio), celery_processes, "a snapshot of the edit")

    first = changes.changes_request(baseline=baseline, snapshot=snapshot)
    again = changes.changes_request(baseline=baseline, snapshot=snapshot)  # a second visit while it runs
    assert again.pk == first.pk

    def done():
        report = ChangesReport.objects.get(pk=first.pk)
        return report if report.status == ChangesReport.Status.DONE else None

    report = wait_for(done, celery_processes, "the changes report")
    edited = next(row for row in report.result["projects"] if row["name"] == "Project 00")
    assert [c["group"] for c in edited["causes"]] == [f"project:{target.pk}"]
    assert celery_processes.logs().count("roadmap.compute_changes") >= 1
    assert ChangesReport.objects.filter(baseline=baseline).count() == 1
