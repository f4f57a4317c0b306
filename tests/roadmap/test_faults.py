"""Worker faults with a real Redis and real Celery worker/beat processes on the PostgreSQL test DB (the broker down
while users edit: test_broker_outage.py).

- A worker killed with SIGKILL mid-recompute: no half snapshot is ever visible; the unacknowledged task is
  delivered again (acks_late; Redis visibility timeout, set to 5 s for the test with CELERY_VISIBILITY_TIMEOUT)
  to a new worker, and the snapshot that lands is complete and equals a synchronous recompute of the same
  version. Kombu looks for expired unacknowledged messages only every 10th poll of 10 s, so redelivery takes
  up to visibility timeout + ~100 s; in production the beat sweep is the faster path (a killed run leaves the
  portfolio dirty and not queued, so the next sweep sends a fresh task). No beat runs in that test, so only
  redelivery can make it pass; a second test shows the sweep recovering with the production visibility timeout.
  With the default prefork pool, a killed pool process is noticed by its worker,
  which requeues the message at once (reject_on_worker_lost).
- A task that raises (the database refuses it: a lock held elsewhere, lock_timeout in the worker): it is retried
  with exponential backoff, then recorded as failed and shown as such; the beat sweep recovers once the fault
  clears.

Each test runs its own redis-server (``own_redis``, no persistence), stopped without touching the shared one.
"""

import os
import re
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from portfolio import input_selectors, services
from portfolio.models import Portfolio
from roadmap.models import ProjectScore, RankingSnapshot, RecomputeState
from roadmap.selectors import snapshots
from roadmap.services import recompute

from ..factories import AssessmentFactory, PortfolioFactory, ProjectFactory
from .conftest import REAL_WORKER, current_input_version, snapshot_is_current, wait_for, worker_idle

pytestmark = REAL_WORKER

# ---- a worker killed with SIGKILL mid-recompute ---------------------------------------------------------------

SLOW_PROJECTS = 300
SLOW_TRIALS = 20_000


def slow_portfolio() -> Portfolio:
    """Many assessed projects and many trials: one recompute takes seconds, long enough to kill it midway."""
    portfolio = PortfolioFactory(trials=SLOW_TRIALS)
    for i in range(SLOW_PROJECTS):
        project = ProjectFactory(
            portfolio=portfolio, name=f"Project {i:03d}", impact_low=50 + i % 50, impact_likely=100 + i, impact_high=900
        )
        AssessmentFactory(project=project, tag="easy" if i % 2 else "hard")
    return portfolio


def _snapshots_complete(portfolio_id: int, projects: int) -> bool:
    """Every visible snapshot has a row per project: a reader never sees half a ranking."""
    counts = RankingSnapshot.objects.filter(portfolio_id=portfolio_id).values_list("pk", flat=True)
    return all(ProjectScore.objects.filter(snapshot_id=pk).count() == projects for pk in counts)


def _task_ids(log: str) -> list[str]:
    return re.findall(r"Task roadmap\.recompute_portfolio\[([0-9a-f-]+)\] received", log)


def _slow_recompute_started(celery):
    """An edit of a slow portfolio whose recompute a worker (named "worker-killed", for the test to kill) has
    started: (the portfolio, that worker, the input version being computed)."""
    portfolio = slow_portfolio()
    worker = celery.start_worker("worker-killed")
    services.project_update(project=portfolio.projects.get(name="Project 000"), data={"impact_high": 333})
    version = current_input_version(portfolio)
    wait_for(
        lambda: RecomputeState.objects.filter(portfolio=portfolio, running_since__isnull=False).exists(),
        celery,
        "the recompute to start",
    )
    return portfolio, worker, version


def test_worker_killed_mid_recompute_is_redelivered_and_no_half_snapshot_is_visible(celery_on_own_redis, own_redis):
    portfolio, first, version = _slow_recompute_started(celery_on_own_redis)

    for _ in range(5):  # while it computes, nothing of this version is visible
        assert not RankingSnapshot.objects.filter(portfolio=portfolio, input_version=version).exists()
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_log = celery_on_own_redis.logs()
    task_ids = _task_ids(killed_log)
    assert len(task_ids) == 1, killed_log
    assert not RankingSnapshot.objects.filter(portfolio=portfolio, input_version=version).exists()
    assert RecomputeState.objects.get(portfolio=portfolio).running_since is not None  # it died mid-run

    # No beat here: only redelivery of the unacknowledged message can bring the figures up to date.
    celery_on_own_redis.env["CELERY_VISIBILITY_TIMEOUT"] = "5"
    killed_at = time.monotonic()
    celery_on_own_redis.start_worker("worker-redelivered")
    snapshot = wait_for(
        snapshot_is_current(portfolio), celery_on_own_redis, "the redelivered task's snapshot", timeout=180
    )
    print(f"snapshot of v{version} landed {time.monotonic() - killed_at:.1f} s after the kill")

    assert task_ids[0] in _task_ids(celery_on_own_redis.logs().split("----- worker-redelivered.log -----")[1])
    assert _snapshots_complete(portfolio.pk, SLOW_PROJECTS)
    assert snapshot.input_version == version
    # The run records its outcome after the snapshot commits: wait for that, as test_worker does, not for a moment.
    wait_for(worker_idle(portfolio), celery_on_own_redis, "the redelivered recompute to finish")
    assert RecomputeState.objects.get(portfolio=portfolio).last_outcome == RecomputeState.Outcome.OK

    # Same version, same seed: a synchronous recompute here gives the very same figures.
    loaded, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio.pk)
    result, _plan = recompute.plan_for(loaded, projects, links, facts, seed=snapshot.seed)
    assert snapshot.seed == loaded.seed
    stored = {s.project_id: s for s in snapshot.scores.all()}
    assert len(stored) == len(result.scores) == SLOW_PROJECTS
    for score in result.scores:
        row = stored[score.key]
        assert row.rank == score.rank
        assert row.expected_roi == pytest.approx(score.expected_roi, rel=1e-12)
        assert row.p_top_k == pytest.approx(score.p_top_k, rel=1e-12)


def test_worker_killed_mid_recompute_is_recovered_by_the_beat_sweep(celery_on_own_redis, own_redis):
    """The production path: the visibility timeout is an hour, so the sweep (every 2 s here) recovers first."""
    portfolio, first, version = _slow_recompute_started(celery_on_own_redis)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert not RankingSnapshot.objects.filter(portfolio=portfolio, input_version=version).exists()

    killed_at = time.monotonic()
    celery_on_own_redis.start_worker("worker-new")  # default visibility timeout (3,600 s): no redelivery now
    celery_on_own_redis.start_beat()
    snapshot = wait_for(snapshot_is_current(portfolio), celery_on_own_redis, "the sweep's recompute")
    print(f"snapshot of v{version} landed {time.monotonic() - killed_at:.1f} s after the kill (beat sweep)")

    new_log = celery_on_own_redis.logs().split("----- worker-new.log -----")[1]
    assert "roadmap.sweep_dirty_portfolios" in new_log
    killed_task = _task_ids(celery_on_own_redis.logs().split("----- worker-new.log -----")[0])
    assert killed_task and killed_task[0] not in _task_ids(new_log)  # a fresh task, not the redelivered one
    assert snapshot.scores.count() == SLOW_PROJECTS
    assert _snapshots_complete(portfolio.pk, SLOW_PROJECTS)


def test_pool_process_killed_mid_recompute_is_requeued_at_once(celery_on_own_redis, own_redis):
    """The default prefork pool: the worker sees its child die and, with reject_on_worker_lost, requeues the
    message at once, so the figures land without waiting for the visibility timeout or the sweep."""
    portfolio = slow_portfolio()
    worker = celery_on_own_redis.start_worker("worker-prefork", pool="prefork")
    services.project_update(project=portfolio.projects.get(name="Project 000"), data={"impact_high": 333})
    version = current_input_version(portfolio)
    wait_for(
        lambda: RecomputeState.objects.filter(portfolio=portfolio, running_since__isnull=False).exists(),
        celery_on_own_redis,
        "the recompute to start",
    )
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    killed_at = time.monotonic()
    os.kill(int(children[0]), signal.SIGKILL)
    assert not RankingSnapshot.objects.filter(portfolio=portfolio, input_version=version).exists()

    snapshot = wait_for(snapshot_is_current(portfolio), celery_on_own_redis, "the requeued task's snapshot")
    print(f"snapshot of v{version} landed {time.monotonic() - killed_at:.1f} s after the pool process was killed")

    log = celery_on_own_redis.logs()
    assert "SIGKILL" in log and "WorkerLostError" in log, log
    assert len(set(_task_ids(log))) == 1 and len(_task_ids(log)) == 2, log  # the same task, delivered twice
    assert _snapshots_complete(portfolio.pk, SLOW_PROJECTS)
    assert snapshot.scores.count() == SLOW_PROJECTS


# ---- a task that raises -------------------------------------------------------------------------------------


def _lock_snapshots_elsewhere() -> psycopg.Connection:
    """Hold an exclusive lock on the snapshot table from another session: every recompute attempt times out."""
    db = connection.settings_dict
    lock = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    lock.execute("BEGIN")
    lock.execute("LOCK TABLE roadmap_rankingsnapshot IN ACCESS EXCLUSIVE MODE")
    return lock


def test_a_failing_recompute_is_retried_with_backoff_then_shown_as_failed(celery_on_own_redis, portfolio, pm_client):
    for i in range(3):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i}"))
    celery_on_own_redis.env["PGOPTIONS"] = "-c lock_timeout=500"  # the worker gives up on a lock after 0.5 s
    celery_on_own_redis.start_worker()
    lock = _lock_snapshots_elsewhere()
    try:
        services.project_update(project=portfolio.projects.get(name="Model 0"), data={"impact_high": 250})
        wait_for(
            lambda: RecomputeState.objects.filter(portfolio=portfolio, last_outcome="failed").exists(),
            celery_on_own_redis,
            "the recompute to be recorded as failed after its retries",
            timeout=150,
        )
    finally:
        lock.rollback()
        lock.close()

    log = celery_on_own_redis.logs()
    countdowns = [int(s) for s in re.findall(r"recompute_portfolio\[[0-9a-f-]+\] retry: Retry in (\d+)s", log)]
    assert len(countdowns) == 5, log  # max_retries=5, then it gives up
    for attempt, countdown in enumerate(countdowns):
        assert countdown <= 2 * 2**attempt  # exponential backoff (factor 2) with full jitter
    assert "LockNotAvailable" in log or "lock timeout" in log

    state = RecomputeState.objects.get(portfolio=portfolio)
    assert state.last_outcome == RecomputeState.Outcome.FAILED
    assert "OperationalError" in state.last_error and "lock timeout" in state.last_error
    assert state.running_since is None and not state.queued
    status = snapshots.figures_status(portfolio=portfolio)
    assert status.failed and status.out_of_date
    banner = pm_client.get(reverse("roadmap:status", kwargs={"slug": portfolio.slug}), HTTP_HX_REQUEST="true")
    assert "The last recompute failed" in banner.content.decode()

    # The fault has cleared: the periodic sweep recomputes the dirty portfolio and the failure is gone.
    celery_on_own_redis.start_beat()
    wait_for(snapshot_is_current(portfolio), celery_on_own_redis, "the sweep to recover after the failure")
    assert not snapshots.figures_status(portfolio=portfolio).failed
