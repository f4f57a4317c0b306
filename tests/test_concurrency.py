"""Concurrent edits: many racing saves against PostgreSQL lose no update.

Service level: threads (each with its own database connection) run read-version -> save(expected_version)
-> retry on ConflictError, incrementing a counter held in a field. With no lost update the final counter
equals the number of saves that succeeded, the version went up by exactly that much, and every refusal was a
ConflictError. The recompute is replaced by a counting stub here: it is not what is under test, and 1,000
in-process recomputes would only slow the race down (tests/roadmap/test_worker.py covers the real one).

The view level, two people editing the same object through the pages, is test_edit_conflicts.py's; the same new
name at once, test_same_name_races.py's.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from portfolio import delivery, services
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ProjectOutcome, ReuseLink

from .factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

THREADS = 20
SAVES_PER_THREAD = 50  # 20 x 50 = 1,000 successful saves per object
MAX_ATTEMPTS = 2000  # per thread: a thread that cannot get its saves in within this many tries fails the test


def race(save_once: Callable[[], None], *, threads: int = THREADS, saves: int = SAVES_PER_THREAD) -> dict:
    """Run ``save_once`` from ``threads`` threads until each has ``saves`` successes; tally outcomes."""
    tally = {"ok": 0, "conflict": 0, "other": []}
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker() -> None:
        ok = conflicts = 0
        try:
            start.wait()
            for _ in range(MAX_ATTEMPTS):
                if ok == saves:
                    break
                try:
                    save_once()
                except services.ConflictError as exc:
                    assert exc.changes, "a conflict must say what the other person changed"
                    conflicts += 1
                else:
                    ok += 1
        except Exception as exc:  # anything but a conflict is a failure of the test
            with lock:
                tally["other"].append(repr(exc))
        finally:
            connection.close()  # each thread has its own connection; the test database must be droppable
            with lock:
                tally["ok"] += ok
                tally["conflict"] += conflicts

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in pool), "a racing thread hung"
    return tally


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_thousand_racing_project_saves_lose_no_update(no_recompute):
    project = ProjectFactory(impact_low=0, impact_likely=0, impact_high=0)
    start_input_version = Portfolio.objects.get(pk=project.portfolio_id).input_version

    def save_once() -> None:
        seen = Project.objects.get(pk=project.pk)
        services.project_update(project=seen, data={"impact_high": seen.impact_high + 1}, expected_version=seen.version)

    tally = race(save_once)

    assert tally["other"] == []
    assert tally["ok"] == THREADS * SAVES_PER_THREAD
    assert tally["conflict"] > 0, "20 threads on one row should have collided at least once"
    project.refresh_from_db()
    assert project.impact_high == tally["ok"]  # every successful save is in; none overwrote another
    assert project.version == 1 + tally["ok"]
    assert Change.objects.filter(project=project, field="impact_high").count() == tally["ok"]
    assert Portfolio.objects.get(pk=project.portfolio_id).input_version == start_input_version + tally["ok"]
    assert sum(no_recompute.values()) == tally["ok"]  # each committed edit asked for a recompute once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_thousand_racing_link_saves_lose_no_update(no_recompute):
    link = ReuseLinkFactory(note="0")

    def save_once() -> None:
        seen = ReuseLink.objects.get(pk=link.pk)
        services.link_update(link=seen, data={"note": str(int(seen.note) + 1)}, expected_version=seen.version)

    tally = race(save_once)

    assert tally["other"] == []
    assert tally["ok"] == THREADS * SAVES_PER_THREAD
    link.refresh_from_db()
    assert int(link.note) == tally["ok"]
    assert link.version == 1 + tally["ok"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_thousand_racing_settings_saves_lose_no_update(no_recompute, portfolio):
    Portfolio.objects.filter(pk=portfolio.pk).update(trials=100)

    def save_once() -> None:
        seen = Portfolio.objects.get(pk=portfolio.pk)
        services.portfolio_update(portfolio=seen, data={"trials": seen.trials + 1}, expected_version=seen.version)

    tally = race(save_once)

    assert tally["other"] == []
    assert tally["ok"] == THREADS * SAVES_PER_THREAD
    portfolio.refresh_from_db()
    assert portfolio.trials == 100 + tally["ok"]
    assert portfolio.version == 1 + tally["ok"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_assessments_keep_exactly_one_current_and_every_one_in_history(no_recompute):
    project = ProjectFactory()
    # Far above every raced value (3 + n): were the first save to equal it, it would record no change.
    AssessmentFactory(project=project, effort_high=10_000)
    counter = iter(range(10**6))
    counter_lock = threading.Lock()

    def save_once() -> None:
        with counter_lock:
            n = next(counter)
        services.assessment_record(
            project=Project.objects.get(pk=project.pk), tag="hard", effort_low=1, effort_likely=2, effort_high=3 + n
        )

    tally = race(save_once, saves=10)

    assert tally["other"] == []
    assert tally["ok"] == THREADS * 10
    assert FeasibilityAssessment.objects.filter(project=project).count() == 1 + tally["ok"]
    assert FeasibilityAssessment.objects.filter(project=project, is_current=True).count() == 1
    # Serialised: each record saw the previous one as current, so the history chain has no gap.
    assert Change.objects.filter(project=project, field="feasibility.effort_high").count() == tally["ok"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_thousand_racing_outcome_saves_lose_no_update(no_recompute):
    """The first save creates the outcome (version 0 -> 1): racing creations queue on the project's lock."""
    project = ProjectFactory(status="shipped")

    def save_once() -> None:
        seen = ProjectOutcome.objects.filter(project=project).first()
        effort, version = (seen.actual_effort, seen.version) if seen else (0.0, 0)
        delivery.outcome_record(project=project, data={"actual_effort": effort + 1}, expected_version=version)

    tally = race(save_once)

    assert tally["other"] == []
    assert tally["ok"] == THREADS * SAVES_PER_THREAD
    outcome = ProjectOutcome.objects.get(project=project)
    assert (outcome.actual_effort, outcome.version) == (tally["ok"], tally["ok"])
    assert Change.objects.filter(project=project, field="outcome.actual_effort").count() == tally["ok"]
