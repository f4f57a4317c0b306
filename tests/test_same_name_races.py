"""The same new project name at once, from many PMs or from a rename racing an import: one project, and a field error
for the others, never a 500."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from portfolio import csv_import, services
from portfolio.models import PROJECT_NAME_TAKEN, Project

from .conftest import backend_pid
from .factories import MembershipFactory, ProjectFactory, UserFactory

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
