"""The backlog page's edits: PMs adding a project (with and without htmx) and inline-editing a row, errors next to
the field, stale versions refused, and the add form and edit links only for PMs."""

import re

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import Change, Project
from tests.factories import AssessmentFactory, ProjectFactory
from tests.payloads import project_row_form
from tests.portfolio.conftest import HTMX, backlog_url

pytestmark = pytest.mark.django_db


def row_url(project) -> str:
    return reverse("portfolio:project-row", args=[project.portfolio.slug, project.pk])


def test_pm_adds_a_project_without_javascript(portfolio, pm_client):
    data = {
        "name": "Churn model",
        "status": "idea",
        "owner": "Zoe",
        "impact_low": "5",
        "impact_likely": "10",
        "impact_high": "20",
    }
    response = pm_client.post(reverse("portfolio:project-create", args=[portfolio.slug]), data, follow=True)

    project = Project.objects.get(portfolio=portfolio, name="Churn model")
    assert project.owner == "Zoe" and project.impact_likely == 10 and not project.has_provisional_effort
    assert response.redirect_chain == [(backlog_url(portfolio), 302)]
    assert "Project “Churn model” added." in response.content.decode()
    assert Change.objects.filter(project=project, field="created").exists()


def test_pm_adds_a_project_with_htmx_and_gets_a_fresh_form_and_the_new_table(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Existing")
    data = {
        "name": "Churn model",
        "status": "idea",
        "impact_low": "5",
        "impact_likely": "10",
        "impact_high": "20",
        "provisional_effort_low": "2",
        "provisional_effort_likely": "3",
        "provisional_effort_high": "6",
    }
    url = reverse("portfolio:project-create", args=[portfolio.slug]) + "?q=churn"
    html = pm_client.post(url, data, **HTMX).content.decode()

    assert html.lstrip().startswith('<section id="project-create"')
    assert 'id="project-table" class="project-table" hx-swap-oob="true"' in html
    assert "1 of 2 projects" in html  # the table keeps the search the page showed
    assert 'value="Churn model"' not in html  # the form is empty again
    assert Project.objects.get(name="Churn model").provisional_effort_high == 6


def test_adding_a_project_with_errors_shows_them_next_to_the_field_and_saves_nothing(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Taken")
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    bad = {
        "name": "Taken",
        "status": "idea",
        "impact_low": "30",
        "impact_likely": "10",
        "impact_high": "40",
        "provisional_effort_low": "nan",
        "provisional_effort_likely": "inf",
        "provisional_effort_high": "3",
    }

    plain = pm_client.post(url, bad)
    htmx = pm_client.post(url, bad, **HTMX)

    assert plain.status_code == 400 and htmx.status_code == 200
    for html in (plain.content.decode(), htmx.content.decode()):
        assert re.search(r'id="id_name-errors"><li>This portfolio already has a project with this name', html)
        assert re.search(r'id="id_provisional_effort_low-errors"><li>Enter a number', html)
        assert re.search(r'id="id_provisional_effort_likely-errors"><li>Enter a number', html)
        assert "Impact: likely must be at least low (30)." in html
    assert Project.objects.filter(portfolio=portfolio).count() == 1


def test_incomplete_provisional_effort_is_refused_next_to_its_field(portfolio, pm_client):
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    data = {
        "name": "New",
        "status": "idea",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "provisional_effort_low": "2",
    }
    html = pm_client.post(url, data, **HTMX).content.decode()
    assert re.search(r'id="id_provisional_effort_low-errors"><li>Give all three of low, likely and high', html)
    assert not Project.objects.filter(name="New").exists()


@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_pms_see_the_add_form_and_edit_links(portfolio, role_clients, role):
    project = ProjectFactory(portfolio=portfolio)
    html = role_clients[role].get(backlog_url(portfolio)).content.decode()
    assert 'id="project-create"' not in html
    assert row_url(project) not in html
    pm_html = role_clients["pm"].get(backlog_url(portfolio)).content.decode()
    assert 'id="project-create"' in pm_html and row_url(project) in pm_html


def test_ems_get_a_hint_linking_to_the_feasibility_queue(portfolio, em_client, pm_client):
    ProjectFactory.create_batch(2, portfolio=portfolio)
    AssessmentFactory(project=ProjectFactory(portfolio=portfolio))
    html = em_client.get(backlog_url(portfolio)).content.decode()
    assert "2 projects need an assessment" in html
    assert reverse("portfolio:feasibility", args=[portfolio.slug]) in html
    assert "need an assessment" not in pm_client.get(backlog_url(portfolio)).content.decode()


def test_inline_edit_row_opens_saves_and_answers_with_the_read_only_row(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    edit = pm_client.get(row_url(project), **HTMX).content.decode()
    assert edit.lstrip().startswith(f'<tr id="project-row-{project.pk}" class="editing"')
    assert 'name="version"' in edit and 'name="initial-impact_low"' in edit

    saved = pm_client.post(row_url(project), project_row_form(project, owner="Bo", impact_high="300"), **HTMX)

    html = saved.content.decode()
    assert saved.status_code == 200 and html.lstrip().startswith(f'<tr id="project-row-{project.pk}" class=')
    assert "Bo" in html and "50–100–300" in html and "editing" not in html
    project.refresh_from_db()
    assert (project.owner, project.impact_high, project.version) == ("Bo", 300, 2)
    assert Change.objects.filter(project=project, field="impact_high", old="200.0", new="300.0").exists()


def test_cancelling_an_inline_edit_gives_back_the_read_only_row(portfolio, leader_client, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    html = pm_client.get(row_url(project) + "?cancel=1", **HTMX).content.decode()
    assert html.lstrip().startswith(f'<tr id="project-row-{project.pk}"') and "<input" not in html
    assert leader_client.get(row_url(project), **HTMX).status_code == 403


def test_inline_edit_errors_come_back_next_to_the_field_and_nothing_is_saved(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    response = pm_client.post(row_url(project), project_row_form(project, staffing="0", impact_low="500"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and 'class="editing"' in html
    staffing_errors = rf'id="row-{project.pk}-staffing-errors"><li>Ensure this value is greater than or equal to 1'
    assert re.search(staffing_errors, html)
    assert f'<label for="row-{project.pk}-staffing">' in html
    assert "Impact: likely must be at least low (500)." in html
    project.refresh_from_db()
    assert project.version == 1 and project.impact_low == 50


def test_inline_edit_on_a_stale_version_shows_what_changed_and_overwrites_nothing(portfolio, pm_client, pm_user):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    stale = project_row_form(project, owner="Mine")
    services.project_update(project=project, data={"impact_likely": 150.0, "owner": "Theirs"}, user=pm_user)

    plain = pm_client.post(row_url(project), stale)
    htmx = pm_client.post(row_url(project), stale, **HTMX)

    assert plain.status_code == 409 and htmx.status_code == 200
    for html in (plain.content.decode(), htmx.content.decode()):
        assert "Someone else saved this meanwhile; your changes were not saved." in html
        assert re.search(r"Impact likely</span>: <del>100.0</del> → <ins>150.0</ins>", html)
        assert re.search(r"Owner</span>: <del>Ana</del> → <ins>Theirs</ins>", html)
        assert 'name="version" value="2"' in html and 'value="Theirs"' in html  # re-based on the current version
    project.refresh_from_db()
    assert (project.owner, project.version) == ("Theirs", 2)


def test_inline_edit_applies_over_a_concurrent_save_of_other_fields(portfolio, pm_client, pm_user):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    payload = project_row_form(project, owner="Mine")
    services.project_update(project=project, data={"summary": "Edited elsewhere"}, user=pm_user)

    response = pm_client.post(row_url(project), payload)

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.owner, project.summary, project.version) == ("Mine", "Edited elsewhere", 3)


def test_a_name_with_a_semicolon_is_refused_next_to_the_name_field(portfolio, pm_client):
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    data = {"name": "Spam; abuse", "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"}

    html = pm_client.post(url, data, **HTMX).content.decode()

    assert re.search(r'id="id_name-errors"><li>A project name cannot contain “;”', html)
    assert not Project.objects.filter(portfolio=portfolio).exists()
