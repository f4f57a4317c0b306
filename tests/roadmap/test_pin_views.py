"""Pins on the roadmap list: a PM pins and clears a pin from the project page; a bad or stale pin, or a clear over
someone else's change, is refused next to the field; only PMs pin."""

import re

import pytest
from django.urls import reverse

from portfolio.models import Project
from roadmap.services.recompute import portfolio_recompute
from tests.roadmap.conftest import _url


@pytest.mark.django_db
def test_pm_pins_and_clears_a_pin_from_the_project_page(plan, pm_client, django_capture_on_commit_callbacks):
    project = plan["projects"][3]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    assert pm_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(url, {"position": "1", "version": str(project.version)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:project", args=[plan["slug"], project.pk])
    project.refresh_from_db()
    assert project.roadmap_pin == 1
    html = pm_client.get(_url("timeline", plan)).content.decode()
    first_row = re.search(r'<tr data-project="(\d+)">', html).group(1)
    assert first_row == str(project.pk)
    clear = reverse("roadmap:pin-clear", args=[plan["slug"], project.pk])
    assert pm_client.post(clear, {"version": str(project.version)}).status_code == 302
    project.refresh_from_db()
    assert project.roadmap_pin is None


@pytest.mark.django_db
def test_a_bad_or_stale_pin_is_refused_next_to_the_field(plan, pm_client):
    project = plan["projects"][0]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    response = pm_client.post(url, {"position": "0", "version": str(project.version)})
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()
    response = pm_client.post(url, {"position": "2", "version": str(project.version - 1 or 99)})
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.roadmap_pin is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_a_pm_may_pin(plan, role_clients, role):
    project = plan["projects"][0]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    assert role_clients[role].get(url).status_code == 403
    assert role_clients[role].post(url, {"position": "1", "version": "1"}).status_code == 403
    clear = reverse("roadmap:pin-clear", args=[plan["slug"], project.pk])
    assert role_clients[role].post(clear).status_code == 403


def _clear_form(html: str, plan, project) -> dict:
    """The hidden inputs of the project's "Clear pin" form, as the page renders it."""
    action = _url("pin-clear", plan, project.pk)
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, "the page must have a Clear pin form for the project"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


@pytest.mark.django_db
def test_clearing_a_pin_someone_moved_since_is_refused_and_offered_again_on_the_current_version(plan, pm_client):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][3], position=2)
    page = reverse("portfolio:project", args=[plan["slug"], project.pk])
    seen = _clear_form(pm_client.get(page).content.decode(), plan, project)
    moved = services.project_pin_set(project=project, position=3, expected_version=project.version)

    refused = pm_client.post(_url("pin-clear", plan, project.pk), seen)

    html = refused.content.decode()
    assert refused.status_code == 409 and "Someone else saved this meanwhile" in html
    assert Project.objects.get(pk=project.pk).roadmap_pin == 3
    offered = _clear_form(html, plan, project)
    assert offered["version"] == str(moved.version)  # clearing again clears the pin now shown

    assert pm_client.post(_url("pin-clear", plan, project.pk), offered).status_code == 302
    assert Project.objects.get(pk=project.pk).roadmap_pin is None


@pytest.mark.django_db
def test_the_roadmaps_clear_pin_is_refused_after_someone_else_changed_the_project(plan, pm_client, pm_user):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][1], position=1)
    portfolio_recompute(portfolio_id=project.portfolio_id)
    seen = _clear_form(pm_client.get(_url("timeline", plan)).content.decode(), plan, project)
    services.project_update(project=project, data={"staffing": 3}, user=pm_user, expected_version=project.version)

    refused = pm_client.post(_url("pin-clear", plan, project.pk), seen)

    assert refused.status_code == 409 and Project.objects.get(pk=project.pk).roadmap_pin == 1
    assert seen["next"] == _url("timeline", plan) and seen["version"] == str(project.version)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "x", "²", "9" * 5000])
def test_a_clear_pin_without_a_readable_version_clears_nothing(plan, pm_client, version):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][0], position=2)
    data = {} if version is None else {"version": version}

    assert pm_client.post(_url("pin-clear", plan, project.pk), data).status_code == 409
    assert Project.objects.get(pk=project.pk).roadmap_pin == 2
