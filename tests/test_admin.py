"""The Django admin, for superusers only: portfolios and members can be set up there; everything the figures
depend on is view-only."""

import pytest
from django.urls import reverse

from portfolio.models import Membership, Portfolio, Project
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(portfolio):
    producer = ProjectFactory(portfolio=portfolio, name="Language identification")
    consumer = ProjectFactory(portfolio=portfolio, name="Machine translation")
    return {
        "portfolio": portfolio,
        "project": producer,
        "feasibilityassessment": AssessmentFactory(project=producer),
        "reuselink": ReuseLinkFactory(producer=producer, consumer=consumer),
    }


MODELS = ["portfolio", "project", "feasibilityassessment", "reuselink", "change", "membership"]


@pytest.mark.parametrize("model", MODELS)
def test_every_list_and_page_of_the_admin_answers(objects, admin_client, model):
    assert admin_client.get(reverse(f"admin:portfolio_{model}_changelist")).status_code == 200
    if model in objects:
        assert admin_client.get(reverse(f"admin:portfolio_{model}_change", args=[objects[model].pk])).status_code == 200


@pytest.mark.parametrize("model", ["project", "feasibilityassessment", "reuselink", "change"])
def test_planning_inputs_cannot_be_added_changed_or_deleted_in_the_admin(objects, admin_client, model):
    assert admin_client.post(reverse(f"admin:portfolio_{model}_add"), {}).status_code == 403
    if model in objects:
        pk = objects[model].pk
        assert admin_client.post(reverse(f"admin:portfolio_{model}_change", args=[pk]), {}).status_code == 403
        delete = reverse(f"admin:portfolio_{model}_delete", args=[pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Project.objects.count() == 2


def test_a_portfolio_is_created_in_the_admin_and_its_members_managed_there(admin_client):
    user = UserFactory(username="new-pm")
    form = {
        "name": "Growth ML",
        "slug": "growth-ml",
        "description": "",
        "value_unit": "k$",
        "cost_per_person_week": "4",
        "horizon_years": "3",
        "trials": "2000",
        "top_k": "5",
        "p_easy": "0.9",
        "p_hard": "0.6",
        "p_impossible": "0.05",
        "capacity": "10",
        "planning_window_weeks": "13",
        "roadmap_start": "2027-01-04",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": str(user.pk),
        "memberships-0-role": "pm",
    }
    response = admin_client.post(reverse("admin:portfolio_portfolio_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    portfolio = Portfolio.objects.get(slug="growth-ml")
    assert Membership.objects.get(user=user, portfolio=portfolio).role == "pm"


def test_an_existing_portfolios_settings_are_changed_on_its_settings_page_not_in_the_admin(portfolio, admin_client):
    html = admin_client.get(reverse("admin:portfolio_portfolio_change", args=[portfolio.pk])).content.decode()
    assert 'name="trials"' not in html and 'name="capacity"' not in html  # shown, not editable
    assert "memberships-TOTAL_FORMS" in html  # members still managed here


def test_the_admin_is_for_superusers_only(portfolio, client):
    """A staff account without superuser status, even one holding every permission, gets nothing there."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="stan-staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)

    for url in (
        reverse("admin:index"),
        reverse("admin:portfolio_portfolio_changelist"),
        reverse("admin:portfolio_portfolio_change", args=[portfolio.pk]),
        reverse("admin:auth_user_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url
    login_page = client.get(reverse("admin:login")).content.decode()
    assert "not authorized to access this page" in login_page and portfolio.name not in login_page


def test_the_portfolio_add_form_shows_no_internal_fields(admin_client):
    html = admin_client.get(reverse("admin:portfolio_portfolio_add")).content.decode()

    assert 'name="name"' in html and 'name="trials"' in html
    for internal in ("Input version", "Edit version", "input_version", "Created at", "Updated at"):
        assert internal not in html, internal


def test_invitations_are_listed_and_view_only_in_the_admin(portfolio, admin_client):
    from portfolio import memberships

    invitation, _ = memberships.invitation_create(portfolio=portfolio, role="em", invited_by=None, email="a@b.example")
    assert "a@b.example" in admin_client.get(reverse("admin:portfolio_invitation_changelist")).content.decode()
    page = admin_client.get(reverse("admin:portfolio_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.secret_hash not in page
    assert admin_client.post(reverse("admin:portfolio_invitation_add"), {}).status_code == 403
