"""Two people editing the same object through the pages: two logged-in clients load the same edit form (parsed and
posted as a browser would, hidden version and CSRF token included) and both save; the second gets 409 with the
other person's change listed (an htmx inline edit gets its row back with the same refusal: htmx 2 does not swap 4xx
answers), the database holds the first save, and posting the re-based form applies the second person's change on
top."""

import pytest
from django.test import Client
from django.urls import reverse

from portfolio.models import FeasibilityAssessment

from .factories import MembershipFactory, ProjectFactory, ReuseLinkFactory, UserFactory
from .payloads import _conflict_shown, form_data


@pytest.fixture
def second_pm_client(portfolio):
    user = UserFactory(username="quinn-pm")
    MembershipFactory(user=user, portfolio=portfolio, role="pm")
    client = Client()
    client.force_login(user)
    return client


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
    refused = em_client.post(assess_url, form_data(em_form, tag="hard", effort_low=2, effort_likely=4, effort_high=8))

    assert refused.status_code == 409
    assert "Someone else saved this meanwhile" in refused.content.decode()
    assert not FeasibilityAssessment.objects.filter(project=project).exists()
    accepted = em_client.post(assess_url, form_data(refused, tag="hard", effort_low=2, effort_likely=4, effort_high=8))
    assert accepted.status_code == 302
    assert FeasibilityAssessment.objects.get(project=project, is_current=True).effort_high == 8
