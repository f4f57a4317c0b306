"""The whole role matrix: every URL, every role, anonymous users and non-members.

Reading is open to every member, the Members page included; owners and PMs edit projects, links, settings and
import; only owners manage members (invite, change roles, remove, revoke invitations); EMs assess; leadership
edit nothing; non-members get 404 (not 403); anonymous users are sent to log in. Any logged-in user may create
a portfolio. The one page open to visitors is an invitation's (it tests the link itself).
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from portfolio import memberships
from tests.factories import MembershipFactory, UserFactory

ROLES = ("owner", "pm", "em", "leadership", "outsider")
READ = {"owner": {200}, "pm": {200}, "em": {200}, "leadership": {200}, "outsider": {404}}
ANY_USER = {"owner": {200}, "pm": {200}, "em": {200}, "leadership": {200}, "outsider": {200}}
# Owners can do whatever PMs can.
PM_ONLY_PAGE = {"owner": {200}, "pm": {200}, "em": {403}, "leadership": {403}, "outsider": {404}}
PM_ONLY_POST = {"owner": {200, 302}, "pm": {200, 302}, "em": {403}, "leadership": {403}, "outsider": {404}}
EM_ONLY_PAGE = {"owner": {403}, "pm": {403}, "em": {200}, "leadership": {403}, "outsider": {404}}
EM_ONLY_POST = {"owner": {403}, "pm": {403}, "em": {200, 302}, "leadership": {403}, "outsider": {404}}
OWNER_ONLY_POST = {"owner": {302}, "pm": {403}, "em": {403}, "leadership": {403}, "outsider": {404}}


@pytest.fixture
def world(world, owner_user):
    """The shared world plus what the member pages act on: a spare member and a pending invitation."""
    member = MembershipFactory(portfolio=world["portfolio"], user=UserFactory(username="sam-spare"), role="leadership")
    invitation, _ = memberships.invitation_create(portfolio=world["portfolio"], role="em", invited_by=owner_user)
    return {**world, "member": member, "invitation": invitation}


def _cases(world):
    slug, pk, link_id = world["slug"], world["project"].pk, world["link"].pk
    project_post = {
        "name": "Renamed",
        "status": "idea",
        "problem_type": "other",
        "impact_low": "10",
        "impact_likely": "20",
        "impact_high": "30",
        "staffing": "2",
        "version": str(world["project"].version),
    }
    assess_post = {"tag": "easy", "effort_low": "2", "effort_likely": "3", "effort_high": "5"}
    link_post = {"kind": "requires", "fraction": "0.3", "note": "", "version": "1"}
    portfolio = world["project"].portfolio
    scenario_post = {
        "capacity": "5",
        "settings_version": str(portfolio.version),
        "base_capacity": str(portfolio.capacity),
        **{f"v_{p.pk}": str(p.version) for p in portfolio.projects.all()},
    }

    def current_pin_post():
        return {"position": "1", "version": str(type(world["project"]).objects.get(pk=pk).version)}

    def current_project_version():  # what the page shows when the request is made
        return {"version": str(type(world["project"]).objects.get(pk=pk).version)}

    def current_rates_post():  # the calibration page's one click, on the settings version it showed
        return {"p_easy": "0.8", "version": str(type(portfolio).objects.get(pk=portfolio.pk).version)}

    def current_link_version():
        return {"version": str(type(world["link"]).objects.get(pk=link_id).version)}

    new_link_post = {"direction": "reused_by", "other": str(world["spare"].pk), "kind": "benefits", "fraction": "0.2"}
    member_id, invitation_id = world["member"].pk, world["invitation"].pk
    return [
        ("get", reverse("portfolio:members", args=[slug]), None, READ),
        ("get", reverse("portfolio:create"), None, ANY_USER),
        ("post", reverse("portfolio:invite", args=[slug]), {"role": "em", "email": ""}, OWNER_ONLY_POST),
        ("post", reverse("portfolio:member-role", args=[slug, member_id]), {"role": "em"}, OWNER_ONLY_POST),
        ("post", reverse("portfolio:invitation-revoke", args=[slug, invitation_id]), {}, OWNER_ONLY_POST),
        ("post", reverse("portfolio:member-remove", args=[slug, member_id]), {}, OWNER_ONLY_POST),
        ("get", reverse("portfolio:backlog", args=[slug]), None, READ),
        ("get", reverse("portfolio:project", args=[slug, pk]), None, READ),
        ("get", reverse("portfolio:feasibility", args=[slug]), None, READ),
        ("get", reverse("roadmap:chart", args=[slug]), None, READ),
        ("get", reverse("roadmap:chart-svg", args=[slug]), None, READ),
        ("get", reverse("roadmap:how", args=[slug]), None, READ),
        ("get", reverse("roadmap:calibration", args=[slug]), None, READ),
        ("get", reverse("roadmap:calibration-compare", args=[slug]), None, READ),
        ("get", reverse("roadmap:status", args=[slug]), None, READ),
        ("get", reverse("roadmap:export", args=[slug, "json"]), None, READ),
        ("get", reverse("roadmap:export", args=[slug, "csv"]), None, READ),
        ("get", reverse("roadmap:timeline", args=[slug]), None, READ),
        ("get", reverse("roadmap:timeline-svg", args=[slug]), None, READ),
        (
            "get",
            reverse("roadmap:whatif", args=[slug]) + "?" + urlencode({**scenario_post, "capacity": "3"}),
            None,
            READ,
        ),
        ("get", reverse("roadmap:pin", args=[slug, pk]), None, PM_ONLY_PAGE),
        ("get", reverse("portfolio:project-edit", args=[slug, pk]), None, PM_ONLY_PAGE),
        ("get", reverse("portfolio:settings", args=[slug]), None, PM_ONLY_PAGE),
        ("get", reverse("portfolio:import", args=[slug]), None, PM_ONLY_PAGE),
        ("get", reverse("portfolio:assess", args=[slug, pk]), None, EM_ONLY_PAGE),
        ("post", reverse("roadmap:whatif-save", args=[slug]), scenario_post, PM_ONLY_POST),
        ("post", reverse("portfolio:link-create", args=[slug, pk]), new_link_post, PM_ONLY_POST),
        ("post", reverse("portfolio:project-create", args=[slug]), {**project_post, "name": "New one"}, PM_ONLY_POST),
        ("post", reverse("portfolio:project-edit", args=[slug, pk]), project_post, PM_ONLY_POST),
        ("post", reverse("portfolio:project-row", args=[slug, pk]), project_post, PM_ONLY_POST),
        # after the edits above: the pin is saved against the project's version at the time of the request
        ("post", reverse("roadmap:pin", args=[slug, pk]), current_pin_post, PM_ONLY_POST),
        ("post", reverse("roadmap:pin-clear", args=[slug, pk]), current_project_version, PM_ONLY_POST),
        ("post", reverse("portfolio:link-edit", args=[slug, link_id]), link_post, PM_ONLY_POST),
        ("post", reverse("portfolio:assess", args=[slug, pk]), assess_post, EM_ONLY_POST),
        ("post", reverse("portfolio:settings", args=[slug]), {"name": "Renamed portfolio"}, PM_ONLY_POST),
        ("post", reverse("roadmap:calibration-adopt", args=[slug]), current_rates_post, PM_ONLY_POST),
        ("post", reverse("portfolio:import-confirm", args=[slug, 999999]), {}, PM_ONLY_POST),
        ("post", reverse("portfolio:link-delete", args=[slug, link_id]), current_link_version, PM_ONLY_POST),
        ("post", reverse("portfolio:project-delete", args=[slug, pk]), {}, PM_ONLY_POST),
    ]


def _payload(data) -> dict:
    """A case's POST data; a callable is evaluated at request time (for versions that earlier cases change)."""
    return data() if callable(data) else (data or {})


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [("outsider", "leadership", "em", "pm"), ("owner",)])
def test_every_url_answers_each_role_as_the_matrix_says(world, role_clients, roles):
    """Roles in one world take turns, destructive PM posts last; owners, who delete the project too, get their own."""
    failures = []
    for role in roles:
        for method, url, data, expected in _cases(world):
            response = getattr(role_clients[role], method)(url, _payload(data))
            if response.status_code not in expected[role]:
                failures.append(f"{role} {method.upper()} {url}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in_everywhere(world, client):
    for method, url, data, _ in _cases(world):
        response = getattr(client, method)(url, _payload(data))
        assert response.status_code == 302, f"{method} {url}"
        assert response["Location"].startswith(reverse("login")), f"{method} {url}"


@pytest.mark.django_db
def test_non_member_sees_no_portfolio_in_the_list(world, outsider_client):
    response = outsider_client.get(reverse("portfolio:list"))
    assert response.status_code == 200
    assert world["project"].portfolio.name not in response.content.decode()


@pytest.mark.django_db
def test_superuser_sees_every_portfolio(world):
    admin = UserFactory(username="root-admin", is_superuser=True, is_staff=True)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    assert client.get(reverse("portfolio:backlog", args=[world["slug"]])).status_code == 200


@pytest.mark.django_db
def test_leadership_sees_no_edit_controls(world, leader_client):
    html = leader_client.get(reverse("portfolio:backlog", args=[world["slug"]])).content.decode()
    assert reverse("portfolio:project-create", args=[world["slug"]]) not in html
    assert reverse("portfolio:settings", args=[world["slug"]]) not in html


@pytest.mark.django_db
def test_superuser_manages_the_members_of_every_portfolio(world):
    admin = UserFactory(username="root-admin", is_superuser=True, is_staff=True)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    url = reverse("portfolio:member-role", args=[world["slug"], world["member"].pk])
    assert client.post(url, {"role": "pm"}).status_code == 302
    world["member"].refresh_from_db()
    assert world["member"].role == "pm"


@pytest.mark.django_db
def test_the_invitation_page_is_open_to_visitors_and_tests_the_link_itself(world, client):
    _, token = memberships.invitation_create(portfolio=world["project"].portfolio, role="em", invited_by=None)
    assert client.get(reverse("portfolio:invitation", args=[token])).status_code == 200
    assert client.get(reverse("portfolio:invitation", args=[token[:-2] + "xx"])).status_code == 404
