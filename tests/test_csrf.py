"""CSRF on every state change, htmx included: without a token or with another session's it is refused and saves
nothing, a GET never changes anything, and htmx posts carry the page's token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink


def _state_changes(world) -> list[tuple[str, str, dict]]:
    slug, pk, link_id = world["slug"], world["project"].pk, world["link"].pk
    project = {
        "name": "Injected",
        "status": "idea",
        "problem_type": "other",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "staffing": "2",
        "version": str(world["project"].version),
    }
    return [
        ("pm", reverse("portfolio:project-create", args=[slug]), project),
        ("pm", reverse("portfolio:project-edit", args=[slug, pk]), project),
        ("pm", reverse("portfolio:project-row", args=[slug, pk]), project),
        ("pm", reverse("portfolio:project-delete", args=[slug, pk]), {}),
        (
            "pm",
            reverse("portfolio:link-create", args=[slug, pk]),
            {"producer": world["producer"].pk, "kind": "benefits", "fraction": "0.3"},
        ),
        (
            "pm",
            reverse("portfolio:link-edit", args=[slug, link_id]),
            {"kind": "requires", "fraction": "0.5", "version": "1"},
        ),
        ("pm", reverse("portfolio:link-delete", args=[slug, link_id]), {}),
        ("pm", reverse("portfolio:settings", args=[slug]), {"name": "Hijacked", "value_unit": "k$"}),
        ("pm", reverse("portfolio:import", args=[slug]), {}),
        (
            "em",
            reverse("portfolio:assess", args=[slug, pk]),
            {"tag": "easy", "effort_low": "1", "effort_likely": "2", "effort_high": "3"},
        ),
        ("pm", reverse("roadmap:pin", args=[slug, pk]), {"position": "1", "version": str(world["project"].version)}),
        ("pm", reverse("roadmap:pin-clear", args=[slug, pk]), {}),
        ("pm", reverse("roadmap:whatif-save", args=[slug]), {"capacity": "3"}),
        ("pm", reverse("logout"), {}),
    ]


def _snapshot_of_everything():
    return (
        list(Project.objects.order_by("pk").values()),
        list(ReuseLink.objects.order_by("pk").values()),
        list(FeasibilityAssessment.objects.order_by("pk").values()),
        list(Portfolio.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_every_state_change_without_a_csrf_token_is_refused_and_saves_nothing(world, pm_user, em_user, htmx):
    clients = {"pm": Client(enforce_csrf_checks=True), "em": Client(enforce_csrf_checks=True)}
    clients["pm"].force_login(pm_user)
    clients["em"].force_login(em_user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _snapshot_of_everything()

    for role, url, data in _state_changes(world):
        response = clients[role].post(url, data, **headers)
        assert response.status_code == 403, f"{role} POST {url}: {response.status_code}"
        assert "security token" in response.content.decode(), url

    assert _snapshot_of_everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_get_never_changes_anything(world, role_clients, htmx):
    """A link or an image tag on another site can make a browser GET any URL: no GET may write."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _snapshot_of_everything()

    for role, url, _ in _state_changes(world):
        if url != reverse("logout"):
            response = role_clients[role].get(url, **headers)
            assert response.status_code in (200, 302, 405), f"GET {url}: {response.status_code}"

    assert _snapshot_of_everything() == before


@pytest.mark.django_db
def test_a_csrf_token_from_another_session_is_refused(world, pm_user):
    attacker = Client(enforce_csrf_checks=True)
    attacker_token = attacker.get(reverse("login")).cookies["csrftoken"].value
    victim = Client(enforce_csrf_checks=True)
    victim.force_login(pm_user)
    victim.get(reverse("portfolio:backlog", args=[world["slug"]]))

    response = victim.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": "Forged", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
        HTTP_X_CSRFTOKEN=attacker_token,
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 403
    assert not Project.objects.filter(name="Forged").exists()


@pytest.mark.django_db
def test_htmx_posts_carry_the_token_from_the_page_and_are_accepted(world, pm_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm_user)
    html = client.get(reverse("portfolio:backlog", args=[world["slug"]])).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    version = Project.objects.get(pk=world["project"].pk).version

    response = client.post(
        reverse("portfolio:project-edit", args=[world["slug"], world["project"].pk]),
        {
            "name": "Machine translation v2",
            "status": "idea",
            "problem_type": "other",
            "impact_low": "10",
            "impact_likely": "20",
            "impact_high": "30",
            "staffing": "2",
            "version": str(version),
        },
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code in (200, 204, 302), response.content.decode()[:500]
    assert Project.objects.get(pk=world["project"].pk).name == "Machine translation v2"
