"""Shared fixtures: a portfolio with one member per role (owner, PM, EM, leadership), logged-in clients, eager
Celery by default; and the hypothesis strategies the property tests of the math share.

Tests marked ``celery_worker`` talk to a real worker over Redis; every other test runs the
recompute in-process, so the suite works with or without REDIS_URL. Passwords are hashed with MD5
in every test (production keeps Django's PBKDF2, see ``_fast_password_hashing``).
"""

import os
from collections import Counter
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.celery import app as celery_app
from portfolio import scoring
from portfolio.field_rules import MAX_EFFORT, MAX_VALUE
from roadmap.charts import roi_cache

from .factories import (
    FIFTY_PERCENT_OVER,
    AssessmentFactory,
    MembershipFactory,
    PortfolioFactory,
    ProjectFactory,
    ReuseLinkFactory,
    UserFactory,
    client_for,
    shipped_project,
)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Hypothesis times each example and fails one slower than 200 ms (its default ``deadline``): on a busy machine that
# fails for no fault of the code. No deadline, and no "too slow" health check, for every property test here.
hypothesis_settings.register_profile("planner", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "planner"))


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _real_services_required() -> bool:
    """CI sets PLANNER_REQUIRE_REAL_SERVICES=1: tests needing a missing service then fail instead of skipping."""
    return os.environ.get("PLANNER_REQUIRE_REAL_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    if _real_services_required():
        return
    for item in items:
        if "postgres" in item.keywords and not _is_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))
        if ("redis" in item.keywords or "celery_worker" in item.keywords) and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://..."))
        if "browser" in item.keywords and not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(autouse=True)
def _real_services_present(request):
    """With PLANNER_REQUIRE_REAL_SERVICES=1, a test needing PostgreSQL or Redis fails loudly when it is absent."""
    if not _real_services_required():
        return
    if "postgres" in request.keywords and not _is_postgres():
        pytest.fail("PLANNER_REQUIRE_REAL_SERVICES=1 but DATABASE_URL does not point at PostgreSQL")
    if ("redis" in request.keywords or "celery_worker" in request.keywords) and not os.environ.get("REDIS_URL"):
        pytest.fail("PLANNER_REQUIRE_REAL_SERVICES=1 but REDIS_URL is not set")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's chromium: it cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Every user the tests create (factories, ``load_demo``, the login form) gets an MD5 hash.

    PBKDF2 costs about half a second of CPU per hash on purpose; that cost is not what any test checks.
    Session-wide, so module-scoped fixtures and the live server's thread hash the same way.
    """
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Pages render {% static %} without `collectstatic`: the hashed manifest storage is for deployments."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep drawn charts in the cache and in the process; no test sees another's (ids are reused across
    rolled-back tests)."""
    cache.clear()
    roi_cache.forget_recent()
    yield
    cache.clear()
    roi_cache.forget_recent()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process unless the test drives a real worker."""
    if "celery_worker" in request.keywords:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def portfolio(db):
    return PortfolioFactory(name="Trust & Safety ML", slug="trust-safety")


@pytest.fixture
def world(portfolio):
    """Three projects in ``portfolio``: "Machine translation" (``project``, the one the pages are about) requires
    "Language identification" (``producer``, assessed) through ``link``; "Spam filter" (``spare``) is unlinked."""
    producer = ProjectFactory(portfolio=portfolio, name="Language identification")
    consumer = ProjectFactory(portfolio=portfolio, name="Machine translation")
    spare = ProjectFactory(portfolio=portfolio, name="Spam filter")
    AssessmentFactory(project=producer)
    link = ReuseLinkFactory(producer=producer, consumer=consumer, kind="requires")
    return {
        "portfolio": portfolio,
        "slug": portfolio.slug,
        "project": consumer,
        "producer": producer,
        "spare": spare,
        "link": link,
    }


@pytest.fixture
def calibration_history(portfolio):
    """Resolved projects in ``portfolio``: five by the EM "optimist", 50% over on effort every time (impact 60 on
    ranges 50-100-200), all easy and successful; one hard failure whose effort range named nobody ("imported")."""
    em = UserFactory(username="optimist")
    for low, likely, high, actual in FIFTY_PERCENT_OVER:
        shipped_project(portfolio, (low, likely, high), actual, estimator=em, impact=60.0)
    shipped_project(portfolio, (5, 10, 15), 10, estimator=None, tag="hard", succeeded="no")
    return {"portfolio": portfolio, "em": em}


@pytest.fixture
def secret_project(db):
    """A project in another portfolio ("Other team"), which none of the users here is a member of."""
    return ProjectFactory(portfolio=PortfolioFactory(name="Other team", slug="other-team"), name="Secret project")


@pytest.fixture
def owner_user(portfolio):
    user = UserFactory(username="olive-owner")
    MembershipFactory(user=user, portfolio=portfolio, role="owner")
    return user


@pytest.fixture
def pm_user(portfolio):
    user = UserFactory(username="pat-pm")
    MembershipFactory(user=user, portfolio=portfolio, role="pm")
    return user


@pytest.fixture
def em_user(portfolio):
    user = UserFactory(username="erin-em")
    MembershipFactory(user=user, portfolio=portfolio, role="em")
    return user


@pytest.fixture
def leader_user(portfolio):
    user = UserFactory(username="lee-lead")
    MembershipFactory(user=user, portfolio=portfolio, role="leadership")
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="olga-outsider")


@pytest.fixture
def owner_client(owner_user):
    return client_for(owner_user)


@pytest.fixture
def pm_client(pm_user):
    return client_for(pm_user)


@pytest.fixture
def em_client(em_user):
    return client_for(em_user)


@pytest.fixture
def leader_client(leader_user):
    return client_for(leader_user)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


@pytest.fixture
def role_clients(owner_client, pm_client, em_client, leader_client, outsider_client):
    return {
        "owner": owner_client,
        "pm": pm_client,
        "em": em_client,
        "leadership": leader_client,
        "outsider": outsider_client,
    }


SESSION_WAIT_LIMIT_SECONDS = 60  # a bound on waiting for another session's state, never a measure of speed


@pytest.fixture
def wait_until_blocked():
    """``wait_until_blocked(pid)``: return once PostgreSQL session ``pid`` waits for a lock another session holds.

    How tests with concurrent sessions force an interleaving without sleeps: the next step starts only once the
    other session is known to be queued on a lock (``pg_stat_activity.wait_event_type = 'Lock'``). It polls; the
    limit only stops a hung test, it is not an assertion about speed.
    """
    import time

    from django.db import connections

    def wait(pid: int) -> None:
        deadline = time.monotonic() + SESSION_WAIT_LIMIT_SECONDS
        with connections["default"].cursor() as cursor:
            while True:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
                row = cursor.fetchone()
                if row and row[0] == "Lock":
                    return
                assert time.monotonic() < deadline, f"session {pid} never waited for a lock (state {row})"
                time.sleep(0.01)

    return wait


def backend_pid() -> int:
    """The PostgreSQL process id of this thread's database session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# --- hypothesis strategies of the math's inputs, exactly as wide as the forms and the models allow ---------------

FAST = hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

impact_values = st.one_of(
    st.floats(min_value=0, max_value=MAX_VALUE, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1e-300, 5e-324, MAX_VALUE, 1.0]),
)
effort_values = st.one_of(
    st.floats(min_value=0.1, max_value=MAX_EFFORT, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, MAX_EFFORT, 1.0]),
)
probabilities = st.one_of(st.floats(min_value=0, max_value=1, allow_nan=False), st.sampled_from([0.0, 1.0, 0.5]))
fractions = st.one_of(st.floats(min_value=0, max_value=0.9, allow_nan=False), st.sampled_from([0.0, 0.9]))


@st.composite
def ranges(draw, values):
    """low <= likely <= high, equal bounds included (a constant)."""
    low, likely, high = sorted(draw(st.lists(values, min_size=3, max_size=3)))
    if draw(st.booleans()) and draw(st.booleans()):
        likely = high = low
    return scoring.Range(low, likely, high)


# --- the form fuzzing's world (the values and checks are tests.payloads') -------------------------------------------


@pytest.fixture
def fuzz_world(world, pm_client, em_client):
    """The shared ``world`` (a requires b) with a second link, b benefits c, for the link forms to edit."""
    from tests.factories import ReuseLinkFactory

    a, b, c = world["producer"], world["project"], world["spare"]
    link = ReuseLinkFactory(producer=b, consumer=c, kind="benefits", fraction=0.2)
    return {"portfolio": world["portfolio"], "projects": [a, b, c], "link": link, "pm": pm_client, "em": em_client}


# --- racing saves: the recompute counted, not run ----------------------------------------------------------------


@pytest.fixture
def no_recompute(monkeypatch):
    """Count the recompute requests instead of running them (the edits are what race here)."""
    calls = Counter()
    monkeypatch.setattr(
        "roadmap.services.recompute.recompute_enqueue",
        lambda *, portfolio_id, force=False: calls.update([portfolio_id]),
    )
    return calls


# --- the pages every role reads, for the checks that go over all of them ------------------------------------------


def _read_pages(world) -> list[str]:
    slug, pk = world["slug"], world["project"].pk
    return [
        reverse("portfolio:list"),
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, pk]),
        reverse("portfolio:project-edit", args=[slug, pk]),
        reverse("portfolio:feasibility", args=[slug]),
        reverse("portfolio:settings", args=[slug]),
        reverse("portfolio:import", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:how", args=[slug]),
        reverse("roadmap:timeline", args=[slug]),
        reverse("roadmap:whatif", args=[slug]),
        reverse("roadmap:pin", args=[slug, pk]),
    ]
