"""Reuse links from a project's page: add in either direction, refuse cycles and bad input, edit, remove."""

import re

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import ReuseLink
from tests.factories import ProjectFactory, ReuseLinkFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def trio(portfolio):
    return (
        ProjectFactory(portfolio=portfolio, name="Language ID"),
        ProjectFactory(portfolio=portfolio, name="Translation"),
        ProjectFactory(portfolio=portfolio, name="Caption search"),
    )


def create_url(project) -> str:
    return reverse("portfolio:link-create", args=[project.portfolio.slug, project.pk])


def page_url(project) -> str:
    return reverse("portfolio:project", args=[project.portfolio.slug, project.pk])


def link_data(other, direction="reuses", **changes) -> dict:
    return {"direction": direction, "other": other.pk, "kind": "requires", "fraction": "0.3", "note": "", **changes}


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}-errors">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_pm_adds_a_link_where_this_project_reuses_the_other_without_javascript(trio, pm_client):
    language, translation, _ = trio
    response = pm_client.post(create_url(translation), link_data(language, note="language tags"), follow=True)

    link = ReuseLink.objects.get()
    assert (link.producer, link.consumer, link.kind, link.fraction, link.note) == (
        language,
        translation,
        "requires",
        0.3,
        "language tags",
    )
    assert response.redirect_chain == [(page_url(translation), 302)]
    assert "Link added: Translation reuses the output of Language ID." in response.content.decode()


def test_pm_adds_a_link_where_the_other_reuses_this_project_with_htmx(trio, pm_client):
    language, translation, _ = trio
    response = pm_client.post(create_url(language), link_data(translation, direction="reused_by"), **HTMX)

    html = response.content.decode()
    link = ReuseLink.objects.get()
    assert (link.producer, link.consumer) == (language, translation)
    assert html.lstrip().startswith('<section id="project-links"') and "<html" not in html
    reused_by = html.split("<h3>Output reused by</h3>")[1]
    assert "Translation" in reused_by.split("<h3>Add")[0] and "30%" in reused_by


def test_a_link_that_would_close_a_cycle_is_refused_with_the_path(trio, pm_client):
    language, translation, captions = trio
    ReuseLinkFactory(producer=language, consumer=translation)
    ReuseLinkFactory(producer=translation, consumer=captions)

    plain = pm_client.post(create_url(language), link_data(captions))
    htmx = pm_client.post(create_url(language), link_data(captions), **HTMX)

    assert plain.status_code == 400 and htmx.status_code == 200
    for response in (plain, htmx):
        errors = field_errors(response.content.decode(), "other")
        assert "This link would close a cycle: Caption search → Language ID → Translation → Caption search." in errors
    assert ReuseLink.objects.count() == 2


@pytest.mark.parametrize(
    ("make_data", "field", "message"),
    [
        (lambda trio: link_data(trio[0]), "other", "A project cannot reuse its own output."),
        (lambda trio: link_data(trio[1], fraction="0.95"), "fraction", "less than or equal to 0.9"),
        (lambda trio: link_data(trio[1], fraction="-0.1"), "fraction", "greater than or equal to 0"),
        (lambda trio: link_data(trio[1], fraction="nan"), "fraction", "Enter a number."),
        (lambda trio: link_data(trio[1], kind="maybe"), "kind", "Select a valid choice."),
        (lambda trio: link_data(trio[1], note="n" * 501), "note", "at most 500 characters"),
    ],
)
def test_bad_links_are_refused_next_to_the_field(trio, pm_client, make_data, field, message):
    response = pm_client.post(create_url(trio[0]), make_data(trio), **HTMX)
    assert message in field_errors(response.content.decode(), field)
    assert not ReuseLink.objects.exists()


def test_a_second_link_between_the_same_pair_is_refused(trio, pm_client):
    language, translation, _ = trio
    ReuseLinkFactory(producer=language, consumer=translation)
    response = pm_client.post(create_url(language), link_data(translation, direction="reused_by"))
    assert response.status_code == 400
    assert "There is already a link: Translation reuses the output of Language ID." in field_errors(
        response.content.decode(), "other"
    )
    assert ReuseLink.objects.count() == 1


def test_a_project_of_another_portfolio_cannot_be_linked(trio, pm_client):
    stranger = ProjectFactory(name="Elsewhere")
    response = pm_client.post(create_url(trio[0]), link_data(stranger))
    assert "Select a valid choice" in field_errors(response.content.decode(), "other")
    assert not ReuseLink.objects.exists()


def test_the_project_choice_offers_the_other_projects_of_the_portfolio_only(trio, pm_client):
    ProjectFactory(name="Elsewhere")
    html = pm_client.get(page_url(trio[0])).content.decode()
    select = re.search(r'<select name="other".*?</select>', html, re.S).group(0)
    assert "Translation" in select and "Caption search" in select
    assert "Language ID" not in select and "Elsewhere" not in select


@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_pms_add_edit_or_remove_links(trio, role_clients, role):
    language, translation, _ = trio
    link = ReuseLinkFactory(producer=language, consumer=translation)
    client = role_clients[role]
    assert client.post(create_url(language), link_data(trio[2])).status_code == 403
    assert client.get(reverse("portfolio:link-edit", args=[language.portfolio.slug, link.pk])).status_code == 403
    assert client.post(reverse("portfolio:link-delete", args=[language.portfolio.slug, link.pk])).status_code == 403
    assert ReuseLink.objects.count() == 1
    html = client.get(page_url(language)).content.decode()
    assert "Translation" in html
    assert reverse("portfolio:link-delete", args=[language.portfolio.slug, link.pk]) not in html


def test_pm_edits_a_link_and_returns_to_the_page_they_came_from(trio, pm_client):
    language, translation, _ = trio
    link = ReuseLinkFactory(producer=language, consumer=translation, fraction=0.2)
    url = reverse("portfolio:link-edit", args=[language.portfolio.slug, link.pk]) + f"?from={language.pk}"

    form = pm_client.get(url).content.decode()
    assert 'name="version" value="1"' in form and "Translation reuses the output of Language ID" in form

    data = {
        "kind": "requires",
        "fraction": "0.45",
        "note": "shared embeddings",
        "version": "1",
        "initial-kind": "benefits",
        "initial-fraction": "0.2",
        "initial-note": "",
    }
    response = pm_client.post(url, data, follow=True)
    assert response.redirect_chain == [(page_url(language), 302)]
    link.refresh_from_db()
    assert (link.kind, link.fraction, link.note, link.version) == ("requires", 0.45, "shared embeddings", 2)


def test_editing_a_link_on_a_stale_version_shows_what_changed(trio, pm_client, pm_user):
    language, translation, _ = trio
    link = ReuseLinkFactory(producer=language, consumer=translation, fraction=0.2)
    services.link_update(link=link, data={"fraction": 0.5}, user=pm_user)
    url = reverse("portfolio:link-edit", args=[language.portfolio.slug, link.pk])
    data = {
        "kind": "benefits",
        "fraction": "0.1",
        "note": "",
        "version": "1",
        "initial-kind": "benefits",
        "initial-fraction": "0.2",
        "initial-note": "",
    }

    response = pm_client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this meanwhile" in html and "<del>0.2</del> → <ins>0.5</ins>" in html
    assert 'name="version" value="2"' in html and 'value="0.5"' in html
    link.refresh_from_db()
    assert link.fraction == 0.5


def test_a_link_edit_refusal_lists_only_the_fields_the_other_person_changed(trio, pm_client, pm_user):
    link = ReuseLinkFactory(producer=trio[0], consumer=trio[1], fraction=0.2, note="shared")
    url = reverse("portfolio:link-edit", args=[trio[0].portfolio.slug, link.pk])
    mine = {"kind": "benefits", "fraction": "0.3", "note": "shared", "version": "1"}
    mine.update({"initial-kind": "benefits", "initial-fraction": "0.2", "initial-note": "shared"})
    services.link_update(link=link, data={"note": "their note"}, user=pm_user)

    html = pm_client.post(url, mine).content.decode()

    listed = re.findall(r'<span class="conflict-field">(.*?)</span>: <del>(.*?)</del> → <ins>(.*?)</ins>', html)
    assert listed == [("Note", "shared", "their note")]


def test_editing_a_link_refuses_a_fraction_out_of_range(trio, pm_client):
    link = ReuseLinkFactory(producer=trio[0], consumer=trio[1])
    url = reverse("portfolio:link-edit", args=[trio[0].portfolio.slug, link.pk])
    response = pm_client.post(url, {"kind": "benefits", "fraction": "1.5", "version": "1"})
    assert response.status_code == 400 and "less than or equal to 0.9" in field_errors(
        response.content.decode(), "fraction"
    )
    link.refresh_from_db()
    assert link.fraction == 0.2


def test_pm_removes_a_link_without_javascript_and_with_htmx(trio, pm_client):
    language, translation, captions = trio
    first = ReuseLinkFactory(producer=language, consumer=translation)
    second = ReuseLinkFactory(producer=language, consumer=captions)
    slug = language.portfolio.slug

    response = pm_client.post(
        reverse("portfolio:link-delete", args=[slug, first.pk]),
        {"from": language.pk, "version": first.version},
        follow=True,
    )
    assert response.redirect_chain == [(page_url(language), 302)]
    assert "Link removed: Translation no longer reuses the output of Language ID." in response.content.decode()

    data = {"from": captions.pk, "version": second.version}
    htmx = pm_client.post(reverse("portfolio:link-delete", args=[slug, second.pk]), data, **HTMX)
    html = htmx.content.decode()
    assert html.lstrip().startswith('<section id="project-links"') and "Link removed" in html
    assert not ReuseLink.objects.exists()


def test_links_of_another_portfolio_are_not_found(trio, pm_client):
    foreign = ReuseLinkFactory()
    url = reverse("portfolio:link-delete", args=[trio[0].portfolio.slug, foreign.pk])
    assert pm_client.post(url).status_code == 404
    assert ReuseLink.objects.filter(pk=foreign.pk).exists()


# --- removing a link carries the version the page showed -------------------------------------------------------


def delete_url(link) -> str:
    return reverse("portfolio:link-delete", args=[link.producer.portfolio.slug, link.pk])


def remove_form(html: str, link) -> dict:
    """The hidden inputs of the link's "Remove" form, as the page renders it."""
    form = re.search(rf'<form[^>]*action="{re.escape(delete_url(link))}".*?</form>', html, re.S)
    assert form, "the page must have a Remove form for the link"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def test_removing_a_link_someone_changed_since_is_refused_and_the_page_shows_it_as_it_is_now(trio, pm_client, pm_user):
    language, translation, _ = trio
    link = ReuseLinkFactory(producer=language, consumer=translation, fraction=0.2)
    seen = remove_form(pm_client.get(page_url(language)).content.decode(), link)
    services.link_update(link=link, data={"fraction": 0.5}, user=pm_user)

    refused = pm_client.post(delete_url(link), seen)

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Someone else saved this meanwhile" in html and "50%" in html
    assert ReuseLink.objects.get(pk=link.pk).fraction == 0.5
    assert remove_form(html, link)["version"] == "2"  # removing again removes the version now shown

    again = pm_client.post(delete_url(link), remove_form(html, link))

    assert again.status_code == 302 and not ReuseLink.objects.exists()


def test_an_htmx_remove_of_a_link_changed_since_swaps_in_the_refusal(trio, pm_client, pm_user):
    language, translation, _ = trio
    link = ReuseLinkFactory(producer=language, consumer=translation)
    seen = remove_form(pm_client.get(page_url(translation)).content.decode(), link)
    services.link_update(link=link, data={"note": "changed meanwhile"}, user=pm_user)

    refused = pm_client.post(delete_url(link), seen, **HTMX)

    html = refused.content.decode()
    # htmx 2 does not swap 4xx answers: the links section with the refusal comes back as 200
    assert refused.status_code == 200 and html.lstrip().startswith('<section id="project-links"')
    assert "Someone else saved this meanwhile" in html and "changed meanwhile" in html
    assert "Link removed" not in html and ReuseLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("version", [None, "", "x", "²", "9" * 5000])
def test_a_remove_without_a_readable_version_removes_nothing(trio, pm_client, version):
    link = ReuseLinkFactory(producer=trio[0], consumer=trio[1])
    data = {"from": trio[0].pk} if version is None else {"from": trio[0].pk, "version": version}

    response = pm_client.post(delete_url(link), data)

    assert response.status_code == 409 and ReuseLink.objects.filter(pk=link.pk).exists()
