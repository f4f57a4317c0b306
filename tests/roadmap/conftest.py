"""Fixtures for tests that drive real Celery worker and beat processes over Redis against the PostgreSQL test
database (test_worker.py, test_faults.py, test_broker_outage.py; ``own_redis``, a Redis of the test's own); review
backlogs; a known snapshot for the ROI chart's pages; the roadmap items the schedule math's tests build; and a
computed roadmap (``plan``) with the what-if form, for the roadmap pages' tests.

The worker is started per test against the database pytest-django created, with the queue purged first
so leftovers of earlier runs cannot interfere. Every wait is bounded; on a timeout the assertion message
carries the worker's (and beat's) log.
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from portfolio.models import Portfolio
from roadmap.models import RankingSnapshot, RecomputeState
from roadmap.services import baselines
from roadmap.services.recompute import portfolio_recompute
from roadmap.simulation import RoadmapItem

from ..factories import (
    AssessmentFactory,
    PortfolioFactory,
    ProjectFactory,
    ProjectScoreFactory,
    RankingSnapshotFactory,
    ReuseLinkFactory,
)
from .own_redis import OwnRedis, free_port, use_broker

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30  # seconds for a worker to answer a ping
RESULT_TIMEOUT = 60  # seconds for a snapshot to appear
STOP_TIMEOUT = 15  # seconds for a warm shutdown before the process is killed


def _test_database_url() -> str:
    """URL of the database pytest-django created for this session (test_<name>), for the child processes."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@dataclass
class CeleryProcesses:
    """Worker and beat processes started for one test, with their log files."""

    tmp_path: Path
    env: dict[str, str]
    started: list[tuple[subprocess.Popen, Path]] = field(default_factory=list)

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log_path = self.tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append((process, log_path))
        return process

    def start_worker(self, name: str = "worker", pool: str = "solo") -> subprocess.Popen:
        """Start a worker and wait until it is consuming (its "<node> ready." log line). With the solo pool the
        task runs in the worker process itself; with prefork it runs in a child process the worker supervises.

        Not a ping: a solo worker that picks up a task the moment it starts (a redelivered one, say) answers
        no ping until that task is done, which on a busy machine took longer than READY_TIMEOUT."""
        node = f"planner-test-{uuid.uuid4().hex[:8]}@%h"
        process = self._spawn(
            name,
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            self.env["CELERY_QUEUE"],
            "-n",
            node,
        )
        ready = re.compile(re.escape(node.split("@")[0]) + r"@\S+ ready\.")
        log_path = self.started[-1][1]
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with code {process.returncode}\n{self.logs()}")
            if ready.search(log_path.read_text(errors="replace")):
                return process
            time.sleep(0.1)
        pytest.fail(f"the Celery worker was not ready within {READY_TIMEOUT} s\n{self.logs()}")

    def start_beat(self) -> None:
        """Start celery beat (its sweep interval comes from SWEEP_INTERVAL_SECONDS in ``env``)."""
        process = self._spawn(
            "beat",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(self.tmp_path / "beat-schedule"),
            "--pidfile",
            str(self.tmp_path / "beat.pid"),
        )
        time.sleep(0.5)
        if process.poll() is not None:
            pytest.fail(f"celery beat exited with code {process.returncode}\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"----- {path.name} -----\n{path.read_text(errors='replace')[-20000:]}" for _, path in self.started
        )

    def stop(self) -> None:
        for process, _ in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
        for process, _ in self.started:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)


# The marks of a module whose tests run real Celery processes over Redis against the PostgreSQL test database.
REAL_WORKER = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def celery_processes(transactional_db, tmp_path) -> Iterator[CeleryProcesses]:
    """Start real Celery processes on the test database; stopped before the database is flushed.

    The test and its processes use a queue of their own (CELERY_QUEUE): a worker left running by an earlier,
    killed run on the same Redis database cannot take this test's tasks."""
    assert not celery_app.conf.task_always_eager, "tasks must go through Redis in these tests"
    queue, previous = f"planner-test-{uuid.uuid4().hex[:8]}", celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue  # where this process publishes
    celery_app.control.purge()  # leftovers of an earlier run must not reach this test's worker
    env = {
        **os.environ,
        "CELERY_QUEUE": queue,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SWEEP_INTERVAL_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    processes = CeleryProcesses(tmp_path=tmp_path, env=env)
    try:
        yield processes
    finally:
        processes.stop()
        celery_app.conf.task_default_queue = previous


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    """A redis-server of this test's own, which this process publishes to while the test runs."""
    server = OwnRedis(port=free_port())
    server.start()
    previous = celery_app.conf.broker_url
    use_broker(server.url)
    yield server
    use_broker(previous)
    server.stop()


@pytest.fixture
def celery_on_own_redis(own_redis, celery_processes) -> CeleryProcesses:
    """Worker and beat processes talking to this test's own Redis (the sweep runs every 2 s)."""
    celery_processes.env["REDIS_URL"] = own_redis.url
    return celery_processes


def wait_for(
    condition: Callable[[], object], processes: CeleryProcesses, what: str, *, timeout: float = RESULT_TIMEOUT
) -> object:
    """Poll ``condition`` until it returns something truthy; fail with the Celery logs after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{processes.logs()}")


def current_input_version(portfolio: Portfolio) -> int:
    return Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio.pk)


def snapshot_is_current(portfolio: Portfolio) -> Callable[[], RankingSnapshot | None]:
    def check() -> RankingSnapshot | None:
        return RankingSnapshot.objects.filter(
            portfolio=portfolio, input_version=current_input_version(portfolio)
        ).first()

    return check


def worker_idle(portfolio: Portfolio) -> Callable[[], bool]:
    def check() -> bool:
        return RecomputeState.objects.filter(portfolio=portfolio, queued=False, running_since__isnull=True).exists()

    return check


def assessed_portfolio(*, projects: int, **settings) -> Portfolio:
    """A portfolio of assessed projects written directly (no input-change announcement, so no task sent)."""
    portfolio = PortfolioFactory(**settings)
    for i in range(projects):
        project = ProjectFactory(
            portfolio=portfolio, name=f"Project {i:02d}", impact_low=50 + i, impact_likely=100 + i, impact_high=300
        )
        AssessmentFactory(project=project, tag="easy" if i % 2 else "hard")
    return portfolio


@pytest.fixture
def review_backlog(portfolio):
    """Five assessed projects; "Toxicity signal" produces for "Spam filter" (it earns reuse credit from it)."""
    portfolio.roadmap_start = datetime.date(2027, 1, 4)
    portfolio.capacity = 4
    portfolio.trials = 400
    portfolio.save()
    projects = {}
    for i, name in enumerate(["Churn model", "Search ranking", "Spam filter", "Toxicity signal", "Ad quality"]):
        projects[name] = ProjectFactory(portfolio=portfolio, name=name, impact_low=50 + 10 * i, impact_high=400 + i)
        effort = 12 - 2 * i if name == "Churn model" else 5 + i  # Churn model is the costliest: ranked last
        AssessmentFactory(project=projects[name], tag="hard", effort_low=2 + i, effort_likely=effort, effort_high=20)
    ReuseLinkFactory(producer=projects["Toxicity signal"], consumer=projects["Spam filter"], fraction=0.3)
    return projects


@pytest.fixture
def review_baseline(portfolio, review_backlog, pm_user):
    """The backlog computed and marked as the baseline "Q1 planning" by the PM."""
    portfolio_recompute(portfolio_id=portfolio.pk)
    return baselines.baseline_mark(portfolio=portfolio, name="Q1 planning", user=pm_user)


# --- the ROI chart's pages -----------------------------------------------------------------------------------

HOSTILE = "<b>\"Fraud\" & 'spam'</b>"  # a project name (or value unit) that would be markup if not escaped
OWN_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-roi-chart"}}


@pytest.fixture
def known_snapshot(portfolio):
    """Four ranked projects with ROIs 3, 1, 0.2 and -0.5 at efforts 2, 8, 30 and 100 pw; one parked."""
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1, seed=42, trials=2000, top_k=10)
    rows = [("Spam filter", 3.0, 2.0, "easy"), (HOSTILE, 1.0, 8.0, "hard"), ("Feed ranking", 0.2, 30.0, "")]
    rows.append(("Mind reading", -0.5, 100.0, "impossible"))
    for rank, (name, roi, effort, tag) in enumerate(rows, start=1):
        project = ProjectFactory(portfolio=portfolio, name=name)
        figures = {"rank": rank, "expected_roi": roi, "expected_effort": effort, "tag": tag}
        ProjectScoreFactory(snapshot=snapshot, project=project, needs_feasibility=not tag, **figures)
    parked = ProjectFactory(portfolio=portfolio, name="Old idea", status="parked")
    ProjectScoreFactory(snapshot=snapshot, project=parked, excluded=True)
    return snapshot


def without_csrf_tokens(html: bytes) -> bytes:
    """A page without its CSRF tokens (masked anew on every response), to compare two responses byte for byte."""
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", html)


# --- roadmap items and constant efforts for the schedule math's tests -------------------------------------------


def item(key, *, staffing=1, requires=(), target_week=None, status="idea", name=None):
    return RoadmapItem(
        key=key,
        name=name or f"P{key}",
        status=status,
        staffing=staffing,
        target_week=target_week,
        requires=tuple(requires),
    )


def constant_effort(*person_weeks, trials=3):
    return np.tile(np.asarray(person_weeks, dtype=float), (trials, 1))


# --- a computed roadmap for the roadmap pages' tests, and the what-if form as the page renders it ---------------

START = datetime.date(2027, 1, 4)


@pytest.fixture
def plan(portfolio):
    """Four projects (one a consumer of two producers, one with a target), one parked; a computed snapshot."""
    portfolio.roadmap_start = START
    portfolio.capacity = 4
    portfolio.trials = 500
    portfolio.save()
    names = ["Language identification", "Toxicity <signal>", "Safe translation", "Spam filter"]
    projects = [ProjectFactory(portfolio=portfolio, name=n, staffing=2) for n in names]
    projects[2].target_date = datetime.date(2027, 5, 1)
    projects[2].save()
    parked = ProjectFactory(portfolio=portfolio, name="Parked idea", status="parked")
    for project in [*projects, parked]:
        AssessmentFactory(project=project, tag="hard", effort_low=4, effort_likely=8, effort_high=20)
    ReuseLinkFactory(producer=projects[0], consumer=projects[2], kind="requires")
    ReuseLinkFactory(producer=projects[1], consumer=projects[2], kind="requires")
    portfolio.input_version += 1
    portfolio.save()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    return {"slug": portfolio.slug, "projects": projects, "parked": parked, "snapshot": snapshot}


def _url(name, plan, *args):
    return reverse(f"roadmap:{name}", args=[plan["slug"], *args])


def _scenario(client, plan, **overrides) -> dict:
    """The what-if form's fields as the page renders them, with ``overrides``."""
    html = client.get(_url("timeline", plan)).content.decode()
    data: dict = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in ("csrfmiddlewaretoken", "next", "drop", "add"):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    data.update(overrides)
    return data
