"""API fixtures: a client per role, each calling with a bearer token of its own (``api_as``), and the portfolio's
API addresses."""

import http.server
import threading

import pytest
from rest_framework.test import APIClient

from api import tokens


def client_with_token(user, *, read_only: bool = False) -> APIClient:
    """An API client that sends ``Authorization: Bearer`` with a fresh token of ``user``."""
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {tokens.token_create(user=user, name='tests', read_only=read_only).text}"
    )
    return client


@pytest.fixture
def api_clients(owner_user, pm_user, em_user, leader_user, outsider):
    """A token client per role: owner, pm, em, leadership, an outsider (member of another portfolio), anonymous,
    and a read-only token of the PM."""
    from tests.factories import MembershipFactory, PortfolioFactory

    MembershipFactory(user=outsider, portfolio=PortfolioFactory(name="Elsewhere", slug="elsewhere"), role="pm")
    return {
        "owner": client_with_token(owner_user),
        "pm": client_with_token(pm_user),
        "em": client_with_token(em_user),
        "leadership": client_with_token(leader_user),
        "outsider": client_with_token(outsider),
        "anonymous": APIClient(),
        "read_only": client_with_token(pm_user, read_only=True),
    }


@pytest.fixture
def pm_api(pm_user):
    return client_with_token(pm_user)


@pytest.fixture
def em_api(em_user):
    return client_with_token(em_user)


def api_url(slug: str, rest: str = "") -> str:
    """``/api/v1/portfolios/<slug>/<rest>``."""
    return f"/api/v1/portfolios/{slug}/{rest}"


class _Receiver:
    """What a test's webhook endpoint got, and what it answers (a status per request, then 200)."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        self.arrived = threading.Event()


@pytest.fixture
def webhook_receiver(settings):
    """A real HTTP server on 127.0.0.1 (a thread) that records every POST; ``.answers([500])`` makes the first
    request get a 500. Private addresses are allowed for the test (``WEBHOOK_ALLOW_PRIVATE``)."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = _Receiver([])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.requests.append((dict(self.headers), body))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"thanks" if status == 200 else b"try later")
            receiver.arrived.set()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/planner?team=ml"
    receiver.answers = lambda statuses: receiver.statuses.extend(statuses)
    yield receiver
    server.shutdown()
    server.server_close()
