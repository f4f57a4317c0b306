"""Database faults: while the database is not answering, every request gets a clear 503 page (never a
traceback or a bare 500) and nothing is half-saved; once it is back the app answers again without a restart.

The PostgreSQL test puts a small TCP proxy between a live server and the shared PostgreSQL and cuts it,
so the shared server itself is never stopped. The other tests raise the same exceptions Django raises
for a dead connection, at the two places they can surface (in a view, in the response phase).
"""

import secrets
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import suppress

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.test import Client
from django.urls import reverse

from portfolio.models import Project
from tests.factories import PASSWORD, ProjectFactory
from tests.payloads import project_form

CLEAR_MESSAGE = "The database is not answering"


def _assert_clear_503(response_status: int, body: str, headers) -> None:
    assert response_status == 503
    assert CLEAR_MESSAGE in body
    assert "your last change may not have been saved" in body.lower()
    assert "Traceback" not in body and "OperationalError" not in body
    assert int(headers["Retry-After"]) > 0


# --- without PostgreSQL: the middleware, at both places a fault can surface ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"), InterfaceError("x")])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_database_fault_in_a_view_gives_the_clear_503_page(pm_client, portfolio, monkeypatch, error, htmx):
    def database_gone(*args, **kwargs):
        raise error

    monkeypatch.setattr("portfolio.permissions.Portfolio.objects.filter", database_gone)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug]), **headers)

    _assert_clear_503(response.status_code, response.content.decode(), response)


@pytest.mark.django_db
def test_a_database_fault_while_saving_the_session_gives_the_503_page_not_a_500(pm_user, monkeypatch):
    """The session is saved in the response phase, outside any view: the fault must still become the 503."""
    client = Client(raise_request_exception=False)

    def database_gone(self, must_create=False):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(SessionStore, "save", database_gone)

    response = client.post(reverse("login"), {"username": pm_user.username, "password": PASSWORD})

    _assert_clear_503(response.status_code, response.content.decode(), response)


@pytest.mark.django_db
def test_other_errors_are_not_disguised_as_database_faults(pm_user, portfolio, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("portfolio.permissions.Portfolio.objects.filter", broken)
    client = Client(raise_request_exception=False)
    client.force_login(pm_user)

    response = client.get(reverse("portfolio:backlog", args=[portfolio.slug]))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "Traceback" not in body


# --- with PostgreSQL: cut the wire for a moment ---------------------------------------------------------------


class CuttableProxy:
    """A TCP forwarder 127.0.0.1:<port> -> PostgreSQL that can be cut (connections dropped, new ones refused)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop the open ones, as a database restart or a network fault would."""
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._sockets = self._sockets, set()
        for sock in [listener, *open_sockets]:
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied_database(transactional_db):
    """Point new connections of the default database at a cuttable proxy; yields the proxy."""
    settings_dict = connections.settings["default"]
    host, port = settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)
    proxy = CuttableProxy((host, port))
    proxy.start()
    connections["default"].ensure_connection()  # the test's own queries keep a direct connection
    original = (settings_dict.get("HOST"), settings_dict.get("PORT"))
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    yield proxy
    proxy.cut()
    settings_dict["HOST"], settings_dict["PORT"] = original
    for connection in connections.all(initialized_only=True):
        connection.close()


def _get(url: str, cookie: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


@pytest.mark.postgres
def test_postgres_unreachable_for_a_moment_gives_503_then_recovers_without_restart(
    proxied_database, live_server, pm_client, portfolio
):
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    backlog = live_server.url + reverse("portfolio:backlog", args=[portfolio.slug])
    project_page = live_server.url + reverse("portfolio:project", args=[portfolio.slug, project.pk])
    edit = live_server.url + reverse("portfolio:project-edit", args=[portfolio.slug, project.pk])
    csrf = secrets.token_hex(16)  # a well-formed token, sent as cookie and header as the page would
    cookie = f"sessionid={pm_client.cookies['sessionid'].value}; csrftoken={csrf}"

    def save_name(name: str):
        form = project_form(project, name=name)
        return _get(edit, cookie, urllib.parse.urlencode(form).encode(), {"X-CSRFToken": csrf})

    assert _get(backlog, cookie)[0] == 200  # the live server now holds a connection through the proxy

    proxied_database.cut()
    for url in (backlog, project_page, backlog):  # open connection dropped, then new connections refused
        status, body, headers = _get(url, cookie, headers={"HX-Request": "true"} if url == project_page else None)
        _assert_clear_503(status, body, headers)
    _assert_clear_503(*save_name("Saved during the outage"))

    proxied_database.start()  # the database is back, on the same address
    status, body, _ = _get(backlog, cookie)
    assert status == 200, body[:500]
    assert "Spam filter" in body
    assert Project.objects.get(pk=project.pk).name == "Spam filter"  # the refused edit left no trace
    assert save_name("Saved after the outage")[0] in (200, 302)
    assert Project.objects.get(pk=project.pk).name == "Saved after the outage"


@pytest.mark.postgres
def test_a_persistent_connection_dropped_under_a_worker_gives_503_then_reconnects(proxied_database, pm_user, portfolio):
    """As under gunicorn with CONN_MAX_AGE: the same worker thread keeps its connection between requests.

    The test client skips Django's request_started/finished connection housekeeping, so it is called here
    exactly where the WSGI handler calls it.
    """
    ProjectFactory(portfolio=portfolio, name="Spam filter")
    client = Client()
    client.force_login(pm_user)
    backlog = reverse("portfolio:backlog", args=[portfolio.slug])
    connection = connections["default"]
    connection.close()  # from now on this thread's connection goes through the proxy
    assert connection.settings_dict["CONN_MAX_AGE"] > 0 and connection.settings_dict["CONN_HEALTH_CHECKS"]

    def request():
        close_old_connections()  # request_started
        response = client.get(backlog)
        close_old_connections()  # request_finished
        return response

    assert request().status_code == 200
    kept = connection.connection
    assert kept is not None and not kept.closed  # persistent: kept for the next request

    proxied_database.cut()
    for _ in range(2):  # the kept connection is dead, then reconnecting is refused
        response = request()
        _assert_clear_503(response.status_code, response.content.decode(), response)

    proxied_database.start()
    response = request()
    assert response.status_code == 200 and "Spam filter" in response.content.decode()
    assert connection.connection is not kept
