"""One lock order for every writer, and a bounded retry of database collisions (``portfolio.collisions``).

Real concurrent PostgreSQL sessions (threads, each with its own connection). The interleaving is forced, never
timed: the CSV import is held right after it took the portfolio's lock; the other writer then starts and the test
waits until PostgreSQL shows it queued on a lock (``wait_until_blocked``); only then does the import go on.

Before the fix an edit, a pin or an assessment locked its project row and then updated the portfolio row, while
the import held the portfolio and then locked that project: PostgreSQL found the deadlock and failed one of them
("deadlock detected", shown to the user as the database being down). Now both take the portfolio first: the
other writer waits for the import and then either applies its change or is told what the import changed.
"""

import queue
import threading

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.urls import reverse

from portfolio import collisions, csv_import, services
from portfolio.csv_import import apply as import_apply_module
from portfolio.models import Project

from .conftest import backend_pid
from .factories import AssessmentFactory, ProjectFactory, import_through_page
from .payloads import _conflict_shown, form_data

CSV_HEADER = "name,impact_low,impact_likely,impact_high"


@pytest.fixture
def no_recompute(monkeypatch):
    """The recompute after each write is not what races here."""
    monkeypatch.setattr("roadmap.services.recompute.recompute_enqueue", lambda *, portfolio_id, force=False: False)


def _in_thread(work, results: queue.Queue, pids: queue.Queue | None = None) -> threading.Thread:
    """Run ``work`` in a thread with its own database session; put ("ok", value) or (exception class name, text)
    in ``results`` and, first, the session's process id in ``pids``."""

    def run() -> None:
        try:
            if pids is not None:
                pids.put(backend_pid())
            results.put(("ok", work()))
        except services.ConflictError as exc:
            results.put(("conflict", str(exc)))
        except Exception as exc:  # what the test is about: a deadlock surfaces here
            results.put((type(exc).__name__, str(exc)))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _hold_the_import_after_its_portfolio_lock(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Pause the import right after it took the portfolio lock (before it plans and writes its rows)."""
    holds, release = threading.Event(), threading.Event()
    original = import_apply_module.plan_import

    def plan_when_released(*args, **kwargs):
        holds.set()
        assert release.wait(60), "the test never released the import"
        return original(*args, **kwargs)

    monkeypatch.setattr(import_apply_module, "plan_import", plan_when_released)
    return holds, release


WRITERS = {
    # the other writer: (what it does to the project, what it should get once the import has committed)
    "edit": (
        lambda p: services.project_update(project=p, data={"impact_high": 99}, expected_version=p.version),
        "conflict",  # the import changed the project since the page was loaded: refused, naming what changed
    ),
    "pin": (lambda p: services.project_pin_set(project=p, position=1, expected_version=p.version), "conflict"),
    "assessment": (
        lambda p: services.assessment_record(project=p, tag="hard", effort_low=1, effort_likely=2, effort_high=3),
        "ok",
    ),
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_an_import_and_a_concurrent_write_to_one_of_its_projects_never_deadlock(
    no_recompute, portfolio, monkeypatch, wait_until_blocked, writer
):
    ProjectFactory(portfolio=portfolio, name="Early row")
    target = ProjectFactory(portfolio=portfolio, name="Near the end", impact_low=1, impact_likely=2, impact_high=3)
    AssessmentFactory(project=target)
    data = f"{CSV_HEADER}\nEarly row,5,6,7\nNear the end,10,20,30\n".encode()
    holds, release = _hold_the_import_after_its_portfolio_lock(monkeypatch)
    write, expected = WRITERS[writer]
    results_import, results_other, pids = queue.Queue(), queue.Queue(), queue.Queue()

    importer = _in_thread(lambda: csv_import.import_csv(portfolio=portfolio, data=data), results_import)
    assert holds.wait(60), "the import never took the portfolio lock"
    seen = Project.objects.get(pk=target.pk)
    other = _in_thread(lambda: write(seen), results_other, pids)
    wait_until_blocked(pids.get(timeout=60))  # the other writer is queued behind the import's lock
    release.set()
    importer.join(120)
    other.join(120)

    outcome_import, outcome_other = results_import.get_nowait(), results_other.get_nowait()
    assert outcome_import[0] == "ok", outcome_import
    assert outcome_other[0] == expected, outcome_other
    target.refresh_from_db()
    assert (target.impact_low, target.impact_likely, target.impact_high) == (10, 20, 30)  # the import's values


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_waits_for_an_import_in_progress_and_is_refused_with_what_it_changed(
    no_recompute, portfolio, monkeypatch, wait_until_blocked, pm_client
):
    """Through the page: the PM's edit of a project the running import updates waits for it and comes back as a
    409 naming the import's change (not the 503 "The database is not answering")."""
    target = ProjectFactory(portfolio=portfolio, name="Near the end", impact_low=1, impact_likely=2, impact_high=3)
    holds, release = _hold_the_import_after_its_portfolio_lock(monkeypatch)
    url = reverse("portfolio:project-edit", args=[portfolio.slug, target.pk])
    form = form_data(pm_client.get(url), impact_high=50)
    data = f"{CSV_HEADER}\nNear the end,10,20,30\n".encode()
    results_import, results_page, pids = queue.Queue(), queue.Queue(), queue.Queue()

    importer = _in_thread(lambda: csv_import.import_csv(portfolio=portfolio, data=data), results_import)
    assert holds.wait(60)
    page = _in_thread(lambda: pm_client.post(url, form), results_page, pids)
    wait_until_blocked(pids.get(timeout=60))
    release.set()
    importer.join(120)
    page.join(120)

    assert results_import.get_nowait()[0] == "ok"
    outcome, response = results_page.get_nowait()
    assert outcome == "ok" and response.status_code == 409
    body = response.content.decode()
    assert "not answering" not in body
    _conflict_shown(body, ("1.0", "10.0"))
    target.refresh_from_db()
    assert (target.impact_low, target.impact_high) == (10, 30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_and_both_writes_land(no_recompute, portfolio):
    """Two sessions made to deadlock on purpose (advisory locks taken in opposite orders, each waiting until the
    other holds its first): PostgreSQL fails one, ``retry_collisions`` runs it again, and both commit."""
    project = ProjectFactory(portfolio=portfolio, name="Shared", staffing=1)
    holding = [threading.Event(), threading.Event()]
    attempts = [0, 0]
    results = queue.Queue()

    def write(me: int) -> int:
        def transaction_body() -> int:
            attempts[me] += 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [1000 + me])
                if attempts[me] == 1:  # the first time, make the deadlock certain
                    holding[me].set()
                    assert holding[1 - me].wait(60)
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [1000 + 1 - me])
                Project.objects.filter(pk=project.pk).update(staffing=F("staffing") + 1)
            return attempts[me]

        return collisions.retry_collisions(transaction_body)

    threads = [_in_thread(lambda me=me: write(me), results) for me in (0, 1)]
    for thread in threads:
        thread.join(120)

    outcomes = sorted(results.get_nowait() for _ in threads)
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    assert sorted(attempts) == [1, 2]  # exactly one was the deadlock's victim, and it was run once more
    project.refresh_from_db()
    assert project.staffing == 3


def _collision(sqlstate_error=psycopg.errors.DeadlockDetected) -> OperationalError:
    """The error Django raises for a deadlock: its OperationalError caused by the driver's."""
    error = OperationalError("deadlock detected")
    error.__cause__ = sqlstate_error("deadlock detected")
    return error


@pytest.mark.django_db(transaction=True)
def test_retry_gives_up_after_the_configured_attempts_with_a_clear_error(settings):
    settings.SAVE_COLLISION_ATTEMPTS = 3
    calls = []

    def always_collides():
        calls.append(1)
        raise _collision(psycopg.errors.SerializationFailure)

    with pytest.raises(collisions.SaveCollision, match="Someone else was saving at the same moment; try again."):
        collisions.retry_collisions(always_collides)
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried():
    calls = []

    def down():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        collisions.retry_collisions(down)
    assert len(calls) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_an_edit_that_keeps_colliding_says_so_next_to_the_form_not_database_down(
    world, pm_client, monkeypatch, settings, htmx
):
    settings.SAVE_COLLISION_ATTEMPTS = 2
    calls = []

    def collides(**kwargs):
        calls.append(1)
        raise _collision()

    monkeypatch.setattr(services, "project_update", collides)
    url = reverse("portfolio:project-edit", args=[world["slug"], world["project"].pk])
    form = form_data(pm_client.get(url), impact_high=777)

    # inside the test's own transaction no retry is possible: the collision is reported at once
    response = pm_client.post(url, form, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    body = response.content.decode()
    assert response.status_code in (200, 409) and "Someone else was saving at the same moment; try again." in body
    assert "not answering" not in body
    assert len(calls) >= 1


@pytest.mark.django_db
def test_a_collision_anywhere_else_is_a_409_page_not_the_503(world, pm_client, monkeypatch):
    def collides(**kwargs):
        raise _collision()

    monkeypatch.setattr(csv_import, "confirm_preview", collides)
    upload = f"{CSV_HEADER}\nMachine translation,60,120,240\n".encode()

    response = import_through_page(pm_client, world["slug"], upload)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else was saving at the same moment; try again." in body and "not answering" not in body
    assert Project.objects.get(pk=world["project"].pk).impact_likely != 120
