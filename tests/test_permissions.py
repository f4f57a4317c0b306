"""The whole role matrix: every URL, every role, anonymous users and non-members.

Reading is open to every member; PMs edit projects, links, settings and import; EMs assess;
leadership edit nothing; non-members get 404 (not 403); anonymous users are sent to log in.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory, UserFactory

ROLES = ("pm", "em", "leadership", "outsider")
READ = {"pm": {200}, "em": {200}, "leadership": {200}, "outsider": {404}}
PM_ONLY_PAGE = {"pm": {200}, "em": {403}, "leadership": {403}, "outsider": {404}}
PM_ONLY_POST = {"pm": {200, 302}, "em": {403}, "leadership": {403}, "outsider": {404}}
EM_ONLY_PAGE = {"pm": {403}, "em": {200}, "leadership": {403}, "outsider": {404}}
EM_ONLY_POST = {"pm": {403}, "em": {200, 302}, "leadership": {403}, "outsider": {404}}


@pytest.fixture
def world(portfolio):
    producer = ProjectFactory(portfolio=portfolio, name="Language identification")
    consumer = ProjectFactory(portfolio=portfolio, name="Machine translation")
    AssessmentFactory(project=producer)
    link = ReuseLinkFactory(producer=producer, consumer=consumer)
    spare = ProjectFactory(portfolio=portfolio, name="Spam filter")
    return {"slug": portfolio.slug, "project": consumer, "producer": producer, "link": link, "spare": spare}


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

    new_link_post = {"direction": "reused_by", "other": str(world["spare"].pk), "kind": "benefits", "fraction": "0.2"}
    return [
        ("get", reverse("portfolio:backlog", args=[slug]), None, READ),
        ("get", reverse("portfolio:project", args=[slug, pk]), None, READ),
        ("get", reverse("portfolio:feasibility", args=[slug]), None, READ),
        ("get", reverse("roadmap:chart", args=[slug]), None, READ),
        ("get", reverse("roadmap:chart-svg", args=[slug]), None, READ),
        ("get", reverse("roadmap:how", args=[slug]), None, READ),
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
        ("post", reverse("roadmap:pin-clear", args=[slug, pk]), {}, PM_ONLY_POST),
        ("post", reverse("portfolio:link-edit", args=[slug, link_id]), link_post, PM_ONLY_POST),
        ("post", reverse("portfolio:assess", args=[slug, pk]), assess_post, EM_ONLY_POST),
        ("post", reverse("portfolio:settings", args=[slug]), {"name": "Renamed portfolio"}, PM_ONLY_POST),
        ("post", reverse("portfolio:import-confirm", args=[slug, 999999]), {}, PM_ONLY_POST),
        ("post", reverse("portfolio:link-delete", args=[slug, link_id]), {}, PM_ONLY_POST),
        ("post", reverse("portfolio:project-delete", args=[slug, pk]), {}, PM_ONLY_POST),
    ]


def _payload(data) -> dict:
    """A case's POST data; a callable is evaluated at request time (for versions that earlier cases change)."""
    return data() if callable(data) else (data or {})


@pytest.mark.django_db
def test_every_url_answers_each_role_as_the_matrix_says(world, role_clients):
    failures = []
    for role in ("outsider", "leadership", "em", "pm"):  # destructive PM posts last
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
