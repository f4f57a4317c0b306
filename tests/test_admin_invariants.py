"""The Django admin cannot bypass the services' invariants: estimates go through the services' rules, no cycle
of reuse links, no link across portfolios, names validated as stored, add forms never a 500."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from portfolio.models import Change, Portfolio, Project, ReuseLink, validate_project_name
from tests.factories import PortfolioFactory, ProjectFactory, ReuseLinkFactory, UserFactory, client_for


@pytest.fixture
def superuser(db):
    return UserFactory(username="root-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser):
    """A superuser whose 500s come back as responses (status 500) instead of exceptions."""
    return client_for(superuser, raise_errors=False)


def _admin_project_form(project: Project, **changes) -> dict:
    """The admin change form of a project as the browser would post it, with ``changes`` applied."""
    data = {k: ("" if v is None else v) for k, v in model_to_dict(project).items()}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_admin_edit_of_an_estimate_goes_through_the_services_rules(portfolio, admin_client):
    """A superuser changes a project's impact range in /admin/. Every other path bumps the portfolio's input
    version (so the figures are marked out of date and recomputed), the project's version (so a PM's form opened
    before is refused with a 409 instead of silently overwriting it) and writes the history. The admin does none
    of the three: the ranking keeps claiming to be current for inputs that no longer exist."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    input_version = Portfolio.objects.get(pk=portfolio.pk).input_version
    likely, high = project.impact_likely + 50, project.impact_high + 50

    response = admin_client.post(
        reverse("admin:portfolio_project_change", args=[project.pk]),
        _admin_project_form(project, impact_likely=likely, impact_high=high),
    )

    assert response.status_code in (200, 302, 403)
    saved = Project.objects.get(pk=project.pk)
    if (saved.impact_likely, saved.impact_high) == (project.impact_likely, project.impact_high):
        return  # the admin refused the edit (read-only inputs): also a fix
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > input_version, (
        "the admin changed a ranking input without bumping the input version: the figures stay 'up to date'"
    )
    assert saved.version > project.version, "the admin edit did not bump the project's version"
    assert Change.objects.filter(project=project, field="impact_likely").exists(), "no history of the admin edit"


@pytest.mark.django_db
def test_the_admin_cannot_close_a_cycle_of_reuse_links(portfolio, admin_client):
    """The link form, the CSV import and the services refuse a link that closes a cycle ("A → B → A"); the admin's
    add-link form saves it."""
    a = ProjectFactory(portfolio=portfolio, name="A")
    b = ProjectFactory(portfolio=portfolio, name="B")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")

    admin_client.post(
        reverse("admin:portfolio_reuselink_add"),
        {"producer": b.pk, "consumer": a.pk, "kind": "requires", "fraction": "0.2", "note": ""},
    )

    assert ReuseLink.objects.count() == 1, "the admin saved B → A next to A → B: a cycle of required producers"


@pytest.mark.django_db
def test_moving_a_project_to_another_portfolio_in_the_admin_leaves_no_link_across_portfolios(portfolio, admin_client):
    """The admin lets a superuser change a project's portfolio. Its reuse links go with it, so a link now joins
    two portfolios (which ReuseLink.clean forbids): each portfolio's members see a project of the other one
    (name, link) on the project pages, and each recompute reads a producer outside its portfolio."""
    a = ProjectFactory(portfolio=portfolio, name="Language identification")
    b = ProjectFactory(portfolio=portfolio, name="Machine translation")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")
    other = PortfolioFactory(name="Other team", slug="other-team")

    admin_client.post(
        reverse("admin:portfolio_project_change", args=[b.pk]), _admin_project_form(b, portfolio=other.pk)
    )

    across = [
        str(link)
        for link in ReuseLink.objects.select_related("producer", "consumer")
        if link.producer.portfolio_id != link.consumer.portfolio_id
    ]
    assert not across, f"links joining two portfolios after the admin move: {across}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Spam\u037efilter", id="greek-question-mark-becomes-semicolon"),
        pytest.param("\u0958" * 200, id="200-chars-that-NFC-doubles"),
    ],
)
def test_a_name_is_validated_as_it_is_stored(portfolio, admin_client, raw):
    """Project.clean() normalises the name (NFC) after full_clean has run the field validators on the raw text.
    U+037E (GREEK QUESTION MARK) is canonically ";", so "Spam;filter" is stored though names may not hold ";"
    (it separates producers in the CSV's link cells); U+0958 becomes two characters, so 200 of them store 400
    (max_length 200: on PostgreSQL a 500). The form and the CSV import normalise first; the admin (and any
    services caller passing a raw name) does not."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")

    response = admin_client.post(
        reverse("admin:portfolio_project_change", args=[project.pk]), _admin_project_form(project, name=raw)
    )

    assert response.status_code != 500
    stored = Project.objects.get(pk=project.pk).name
    validate_project_name(stored)  # raises ValidationError for "Spam;filter"
    assert len(stored) <= 200, f"a name of {len(stored)} characters was stored (max_length 200)"


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["feasibilityassessment", "change"])
def test_the_admins_add_forms_do_not_answer_500(portfolio, admin_client, model):
    """The admin offers "Add" for assessments and history rows, but the fields it shows read-only
    (impact_*_seen; project) are NOT NULL: every valid-looking submission is an IntegrityError, a 500."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    data = {
        "feasibilityassessment": {
            "project": project.pk,
            "tag": "easy",
            "effort_low": "1",
            "effort_likely": "2",
            "effort_high": "3",
        },
        "change": {},
    }[model]

    response = admin_client.post(reverse(f"admin:portfolio_{model}_add"), data)

    assert response.status_code != 500
