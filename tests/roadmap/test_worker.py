"""The recompute path end to end: edits in this process, a real Celery worker (and beat) process over Redis,
both on the PostgreSQL test database. The worker and beat fixtures live in conftest.py.
"""

import contextlib
import threading

from django.db import connection, transaction
from django.db.models import F

from portfolio import services
from portfolio.models import Portfolio
from roadmap.models import RankingSnapshot, RecomputeState

from .conftest import REAL_WORKER, assessed_portfolio, current_input_version, snapshot_is_current, wait_for, worker_idle

pytestmark = REAL_WORKER


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


def test_burst_of_edits_during_a_recompute_coalesces_into_one_more_snapshot(celery_processes):
    """Ten edits while a recompute runs send one more task, and the running one chases the latest inputs: two
    snapshots in all, whatever the machine's pace. The recompute is held (not timed) in the middle: another
    session locks the snapshot table, and the edits start once PostgreSQL shows the worker waiting on it."""
    portfolio = assessed_portfolio(projects=30, trials=2000)
    celery_processes.start_worker()
    target = portfolio.projects.get(name="Project 00")
    services.project_update(project=target, data={"impact_high": 301})
    wait_for(snapshot_is_current(portfolio), celery_processes, "the first snapshot")
    wait_for(worker_idle(portfolio), celery_processes, "the worker to go idle")
    before = RankingSnapshot.objects.filter(portfolio=portfolio).count()

    with snapshots_held() as hold:
        services.project_update(project=target, data={"impact_high": 302})  # sends the task that will be held
        hold.wait_for_a_writer(celery_processes)
        for i in range(9):
            services.project_update(project=target, data={"impact_high": 310 + i})

    wait_for(snapshot_is_current(portfolio), celery_processes, "a snapshot of the last edit")
    wait_for(worker_idle(portfolio), celery_processes, "the worker to go idle")
    written = RankingSnapshot.objects.filter(portfolio=portfolio).count() - before
    assert written == 2, f"wrote {written} snapshots\n{celery_processes.logs()}"  # the held version, then the last
    latest = RankingSnapshot.objects.filter(portfolio=portfolio).latest()
    assert latest.input_version == current_input_version(portfolio)


class _SnapshotHold:
    """Another database session holding the snapshot table (EXCLUSIVE: reads go on, writes wait)."""

    def __init__(self):
        self.locked, self.release, self.pid = threading.Event(), threading.Event(), None
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
                cursor.execute(f"LOCK TABLE {RankingSnapshot._meta.db_table} IN EXCLUSIVE MODE")
                self.locked.set()
                self.release.wait(300)
        finally:
            connection.close()

    def wait_for_a_writer(self, processes) -> None:
        """Return once another session (the worker's) waits for a lock: its snapshot insert is held."""

        def writer_waiting() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND pid NOT IN (pg_backend_pid(), %s)",
                    [self.pid],
                )
                return cursor.fetchone()[0] > 0

        wait_for(writer_waiting, processes, "the worker's snapshot insert to wait for the lock")


@contextlib.contextmanager
def snapshots_held():
    hold = _SnapshotHold()
    hold.thread.start()
    assert hold.locked.wait(60), "could not lock the snapshot table"
    try:
        yield hold
    finally:
        hold.release.set()
        hold.thread.join(60)


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
