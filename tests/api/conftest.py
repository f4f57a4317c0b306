"""API fixtures: a client per role, each calling with a bearer token of its own (``api_as``), and the portfolio's
API addresses."""

import pytest
from rest_framework.test import APIClient

from api import tokens


def client_with_token(user, *, read_only: bool = False) -> APIClient:
    """An API client that sends ``Authorization: Bearer`` with a fresh token of ``user``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.token_create(user=user, name='tests', read_only=read_only).text}")
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
