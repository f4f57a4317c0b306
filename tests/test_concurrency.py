"""Concurrent edits: many racing saves against PostgreSQL lose no update, and two people editing the same
object through the pages see the second save refused with what the first one changed.

Service level: threads (each with its own database connection) run read-version -> save(expected_version)
-> retry on ConflictError, incrementing a counter held in a field. With no lost update the final counter
equals the number of saves that succeeded, the version went up by exactly that much, and every refusal was a
ConflictError. The recompute is replaced by a counting stub here: it is not what is under test, and 1,000
in-process recomputes would only slow the race down (tests/roadmap/test_worker.py covers the real one).

View level: two logged-in clients load the same edit form (parsed and posted as a browser would, hidden
version and CSRF token included) and both save; the second gets 409 with the other person's change listed
(an htmx inline edit gets its row back with the same refusal: htmx 2 does not swap 4xx answers), the database
holds the first save, and posting the re-based form applies the second person's change on top.
"""

import re
import threading
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from portfolio import csv_import, delivery, services
from portfolio.models import (
    PROJECT_NAME_TAKEN,
    Change,
    FeasibilityAssessment,
    Portfolio,
    Project,
    ProjectOutcome,
    ReuseLink,
)

from .conftest import backend_pid
from .factories import AssessmentFactory, MembershipFactory, ProjectFactory, ReuseLinkFactory, UserFactory

THREADS = 20
SAVES_PER_THREAD = 50  # 20 x 50 = 1,000 successful saves per object
MAX_ATTEMPTS = 2000  # per thread: a thread that cannot get its saves in within this many tries fails the test


@pytest.fixture
def no_recompute(monkeypatch):
    """Count the recompute requests instead of running them (the edits are what race here)."""
    calls = Counter()
    monkeypatch.setattr(
        "roadmap.services.recompute.recompute_enqueue",
        lambda *, portfolio_id, force=False: calls.update([portfolio_id]),
    )
    return calls


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
        services.project_update(
            project=seen, data={"impact_high": seen.impact_high + 1}, expected_version=seen.version
        )

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


# ---- view level: two real sessions ----------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Collect what a browser would submit from each <form method="post"> of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.names: set[str] = set()
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    @property
    def fields(self) -> dict[str, str]:
        return self.forms[-1]

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append({})
        if not self._in_form or not a.get("name") and tag != "option":
            return
        if a.get("name"):
            self.names.add(a["name"])  # every field the form has, submitted or not (an unchecked radio is not)
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "select":
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_data(response, **changes) -> dict:
    """The page's edit form as a browser would post it, with the user's ``changes`` typed in."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    forms = [f for f in reader.forms if "version" in f or "project_version" in f]
    assert forms, "the page must have an edit form carrying the version it was based on"
    fields = forms[0]
    for name in changes:
        assert name in fields or name in reader.names, f"the form has no field {name!r}"
    return {**fields, **{k: str(v) for k, v in changes.items()}}


@pytest.fixture
def second_pm_client(portfolio):
    user = UserFactory(username="quinn-pm")
    MembershipFactory(user=user, portfolio=portfolio, role="pm")
    client = Client()
    client.force_login(user)
    return client


def _conflict_shown(body: str, *pairs: tuple[str, str]) -> None:
    """The refusal names what the other person changed, old value -> value now."""
    assert "Someone else saved this meanwhile" in body
    changes = re.findall(r"<del>(.*?)</del>\s*→\s*<ins>(.*?)</ins>", body)
    for pair in pairs:
        assert pair in changes, f"{pair} not among the listed changes {changes}"


@pytest.mark.django_db
def test_second_of_two_project_edits_is_refused_with_what_changed(portfolio, pm_client, second_pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Spam filter", impact_low=10, impact_likely=20, impact_high=40)
    url = reverse("portfolio:project-edit", kwargs={"slug": portfolio.slug, "pk": project.pk})
    first_form, second_form = pm_client.get(url), second_pm_client.get(url)

    first = pm_client.post(url, form_data(first_form, impact_high=55))
    second = second_pm_client.post(url, form_data(second_form, impact_high=99, owner="Quinn"))

    assert first.status_code == 302
    assert second.status_code == 409
    body = second.content.decode()
    _conflict_shown(body, ("40.0", "55.0"))
    project.refresh_from_db()
    assert (project.impact_high, project.owner, project.version) == (55, "", 2)  # nothing overwritten

    reapplied = second_pm_client.post(url, form_data(second, impact_high=99, owner="Quinn"))  # re-based form
    assert reapplied.status_code == 302
    project.refresh_from_db()
    assert (project.impact_high, project.owner, project.version) == (99, "Quinn", 3)


@pytest.mark.django_db
def test_second_of_two_inline_row_edits_is_refused_over_htmx(portfolio, pm_client, second_pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Churn model", impact_low=10, impact_likely=20, impact_high=40)
    url = reverse("portfolio:project-row", kwargs={"slug": portfolio.slug, "pk": project.pk})
    htmx = {"HTTP_HX_REQUEST": "true"}
    first_row, second_row = pm_client.get(url, **htmx), second_pm_client.get(url, **htmx)

    first = pm_client.post(url, form_data(first_row, impact_high=60), **htmx)
    second = second_pm_client.post(url, form_data(second_row, impact_high=70), **htmx)

    assert first.status_code == 200 and "Someone else saved" not in first.content.decode()
    # htmx 2 does not swap 4xx answers, so the edit row with the refusal comes back as 200 (409 without htmx).
    assert second.status_code == 200
    _conflict_shown(second.content.decode(), ("40.0", "60.0"))
    project.refresh_from_db()
    assert (project.impact_high, project.version) == (60, 2)

    reapplied = second_pm_client.post(url, form_data(second, impact_high=70), **htmx)
    assert "Someone else saved" not in reapplied.content.decode()
    project.refresh_from_db()
    assert (project.impact_high, project.version) == (70, 3)


@pytest.mark.django_db
def test_second_of_two_inline_row_edits_without_javascript_gets_409(portfolio, pm_client, second_pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Churn model", impact_low=10, impact_likely=20, impact_high=40)
    url = reverse("portfolio:project-row", kwargs={"slug": portfolio.slug, "pk": project.pk})
    htmx = {"HTTP_HX_REQUEST": "true"}
    first_row, second_row = pm_client.get(url, **htmx), second_pm_client.get(url, **htmx)

    assert pm_client.post(url, form_data(first_row, impact_high=60)).status_code == 302
    second = second_pm_client.post(url, form_data(second_row, impact_high=70))

    assert second.status_code == 409
    _conflict_shown(second.content.decode(), ("40.0", "60.0"))
    project.refresh_from_db()
    assert project.impact_high == 60


@pytest.mark.django_db
def test_second_of_two_settings_edits_is_refused_with_what_changed(portfolio, pm_client, second_pm_client):
    url = reverse("portfolio:settings", kwargs={"slug": portfolio.slug})
    first_form, second_form = pm_client.get(url), second_pm_client.get(url)

    first = pm_client.post(url, form_data(first_form, capacity=12))
    second = second_pm_client.post(url, form_data(second_form, capacity=30, top_k=5))

    assert first.status_code == 302
    assert second.status_code == 409
    _conflict_shown(second.content.decode(), ("10", "12"))
    portfolio.refresh_from_db()
    assert (portfolio.capacity, portfolio.top_k) == (12, 10)

    assert second_pm_client.post(url, form_data(second, capacity=30, top_k=5)).status_code == 302
    portfolio.refresh_from_db()
    assert (portfolio.capacity, portfolio.top_k) == (30, 5)


@pytest.mark.django_db
def test_second_of_two_link_edits_is_refused_with_what_changed(portfolio, pm_client, second_pm_client):
    producer = ProjectFactory(portfolio=portfolio, name="Embeddings")
    consumer = ProjectFactory(portfolio=portfolio, name="Search ranking")
    link = ReuseLinkFactory(producer=producer, consumer=consumer, fraction=0.2, note="shared vectors")
    url = reverse("portfolio:link-edit", kwargs={"slug": portfolio.slug, "link_id": link.pk})
    first_form, second_form = pm_client.get(url), second_pm_client.get(url)

    first = pm_client.post(url, form_data(first_form, fraction=0.4))
    second = second_pm_client.post(url, form_data(second_form, fraction=0.7))

    assert first.status_code == 302
    assert second.status_code == 409
    _conflict_shown(second.content.decode(), ("0.2", "0.4"))
    link.refresh_from_db()
    assert (link.fraction, link.version) == (pytest.approx(0.4), 2)


@pytest.mark.django_db
def test_assessment_of_a_project_changed_meanwhile_is_refused(portfolio, pm_client, em_client):
    project = ProjectFactory(portfolio=portfolio, name="Fraud model", impact_low=10, impact_likely=20, impact_high=40)
    assess_url = reverse("portfolio:assess", kwargs={"slug": portfolio.slug, "pk": project.pk})
    edit_url = reverse("portfolio:project-edit", kwargs={"slug": portfolio.slug, "pk": project.pk})
    em_form = em_client.get(assess_url)

    assert pm_client.post(edit_url, form_data(pm_client.get(edit_url), impact_high=400)).status_code == 302
    refused = em_client.post(
        assess_url, form_data(em_form, tag="hard", effort_low=2, effort_likely=4, effort_high=8)
    )

    assert refused.status_code == 409
    assert "Someone else saved this meanwhile" in refused.content.decode()
    assert not FeasibilityAssessment.objects.filter(project=project).exists()
    accepted = em_client.post(assess_url, form_data(refused, tag="hard", effort_low=2, effort_likely=4, effort_high=8))
    assert accepted.status_code == 302
    assert FeasibilityAssessment.objects.get(project=project, is_current=True).effort_high == 8


# --- the same new name at once: a field error, never a 500 --------------------------------------------------------

SAME_NAME = "Churn prediction"


def _all_at_once(monkeypatch, parties: int) -> None:
    """Release every creator into ``services.project_create`` at the same moment, as a burst of real requests."""
    barrier = threading.Barrier(parties)
    original = services.project_create

    def create_together(**kwargs):
        barrier.wait(timeout=60)
        return original(**kwargs)

    monkeypatch.setattr(services, "project_create", create_together)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_pms_creating_the_same_name_at_once_get_one_project_and_field_errors(
    no_recompute, portfolio, monkeypatch
):
    """12 PMs post one name at once (half of them through htmx, half as a full page): one project is created, the
    others see the name field's error, "This portfolio already has a project with this name.", as a PM who comes
    second gets it (the unique constraint's IntegrityError was a 500 for some of them)."""
    pms = 12
    clients = []
    for i in range(pms):
        user = UserFactory(username=f"racing-pm-{i}")
        MembershipFactory(user=user, portfolio=portfolio, role="pm")
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    _all_at_once(monkeypatch, pms)
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    post = {"name": SAME_NAME, "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"}
    answers: list[tuple[bool, int, str]] = []
    lock = threading.Lock()

    def create(i: int) -> None:
        htmx = i % 2 == 1
        try:
            response = clients[i].post(url, post, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
            with lock:
                answers.append((htmx, response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(pms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert len(answers) == pms
    assert [code for _, code, _ in answers if code >= 500] == []
    assert Project.objects.filter(portfolio=portfolio, name=SAME_NAME).count() == 1
    taken = "This portfolio already has a project with this name."
    refused = [(htmx, code, body) for htmx, code, body in answers if taken in body]
    assert len(refused) == pms - 1
    for htmx, code, body in refused:
        assert code == (200 if htmx else 400)  # htmx 2 swaps only 2xx; the full page says 400
        assert re.search(r'id="id_name-errors"[^>]*>\s*<li>This portfolio already has a project with this name', body)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rename_to_the_name_an_import_creates_waits_for_the_import_and_is_refused(
    no_recompute, portfolio, monkeypatch, wait_until_blocked
):
    """Another PM's session renames a project to the name a row creates, between the import's checks and its
    insert. Every writer takes the portfolio first (``portfolio.collisions``), so the rename waits for the import
    (the test waits until PostgreSQL shows it queued on the lock) and then gets the field error; the import
    saves whole. (Before, the rename went through and the import's insert hit the unique constraint.)"""
    other = ProjectFactory(portfolio=portfolio, name="Churn model (old name)")
    original = Project.validate_constraints
    renamed: list = []

    def another_session_renames_now(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.pk is None and self.name == SAME_NAME and not renamed:
            pids: list[int] = []
            started = threading.Event()

            def rename() -> None:
                try:
                    pids.append(backend_pid())
                    started.set()
                    services.project_update(project=Project.objects.get(pk=other.pk), data={"name": SAME_NAME})
                    renamed.append("saved")
                except ValidationError as exc:
                    renamed.append(exc.message_dict)
                finally:
                    started.set()
                    connection.close()

            session = threading.Thread(target=rename)
            session.start()
            assert started.wait(60) and pids
            wait_until_blocked(pids[0])
            renamed.append(session)

    monkeypatch.setattr(Project, "validate_constraints", another_session_renames_now)
    data = f"name,impact_low,impact_likely,impact_high\nFirst row,1,2,3\n{SAME_NAME},4,5,6\n".encode()

    csv_import.import_csv(portfolio=portfolio, data=data)
    session = renamed.pop(0)
    session.join(60)

    assert renamed == [{"name": [PROJECT_NAME_TAKEN]}]
    names = set(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True))
    assert names == {"Churn model (old name)", "First row", SAME_NAME}



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
