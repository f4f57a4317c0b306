"""The request edge: what browsers and proxies may keep, how big a request may be, how often an expensive page
may run. Authenticated pages and downloads are ``Cache-Control: private, no-store``; a body over the cap is
refused from its Content-Length, before it is read, with a 413 page; the what-if run is rate-limited per user
(429 with Retry-After)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.models import Portfolio, Project
from tests.factories import ProjectFactory


@pytest.fixture
def project(portfolio):
    return ProjectFactory(
        portfolio=portfolio,
        name="Spam filter",
        provisional_effort_low=1,
        provisional_effort_likely=2,
        provisional_effort_high=4,
    )


# --- what browsers and proxies may keep ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_authenticated_pages_and_downloads_are_private_and_not_stored(portfolio, project, pm_client):
    slug = portfolio.slug
    urls = [
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, project.pk]),
        reverse("portfolio:settings", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:chart-svg", args=[slug]),
        reverse("roadmap:timeline-svg", args=[slug]),
        reverse("roadmap:export", args=[slug, "csv"]),
        reverse("roadmap:export", args=[slug, "json"]),
        reverse("portfolio:import", args=[slug]) + "?sample",
    ]

    headers = {url: pm_client.get(url).get("Cache-Control", "") for url in urls}

    stored = {url: value for url, value in headers.items() if {"private", "no-store"} - _directives(value)}
    assert not stored, f"cacheable by a browser or proxy: {stored}"


@pytest.mark.django_db
def test_an_htmx_partial_is_private_and_not_stored_too(portfolio, project, pm_client):
    response = pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug]), HTTP_HX_REQUEST="true")

    assert {"private", "no-store"} <= _directives(response["Cache-Control"])


def _directives(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


# --- how big a request may be --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_body_over_the_cap_gets_a_413_page_and_saves_nothing(portfolio, pm_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    url = reverse("portfolio:settings", args=[portfolio.slug])

    response = pm_client.post(url, {"name": "Renamed", "value_unit": "k$", "description": "x" * 5000})

    assert response.status_code == 413
    html = response.content.decode()
    assert "too large" in html and "1.0\xa0KB" in html and "Nothing was saved" in html
    assert Portfolio.objects.get(pk=portfolio.pk).name == "Trust & Safety ML"


@pytest.mark.django_db
def test_an_upload_declaring_more_than_the_import_cap_is_refused_before_it_is_read(portfolio, pm_client):
    """The body is not read at all: the test client's input stream would fail the request if it were asked for
    the 50 MB the request declares."""
    upload = SimpleUploadedFile("big.csv", b"name,impact_low,impact_likely,impact_high\nA,1,2,3\n", "text/csv")

    response = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]), {"file": upload}, CONTENT_LENGTH=str(50 * 1024 * 1024)
    )

    assert response.status_code == 413
    assert "2.0\xa0MB" in response.content.decode()  # IMPORT_MAX_BYTES, as the page says it
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_an_upload_just_over_the_import_cap_is_still_refused_next_to_the_file_field(portfolio, pm_client, settings):
    """Within the request cap (the file plus a form's overhead), the form's own check names the file's size."""
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.csv", b"name,impact_low,impact_likely,impact_high\n" + b"A,1,2,3\n" * 20)

    response = pm_client.post(reverse("portfolio:import", args=[portfolio.slug]), {"file": upload})

    assert response.status_code == 200
    assert "the limit is 100\xa0bytes" in response.content.decode()


# --- how often an expensive page may run ---------------------------------------------------------------------------


def _whatif(client, portfolio, **headers):
    portfolio = Portfolio.objects.get(pk=portfolio.pk)
    data = {
        "capacity": "5",
        "settings_version": str(portfolio.version),
        "base_capacity": str(portfolio.capacity),
        **{f"v_{p.pk}": str(p.version) for p in portfolio.projects.all()},
    }
    return client.get(reverse("roadmap:whatif", args=[portfolio.slug]), data, **headers)


@pytest.mark.django_db
def test_what_if_runs_over_the_rate_limit_get_a_429_with_retry_after(
    portfolio, project, leader_client, pm_client, settings
):
    settings.WHATIF_RATE_LIMIT = 2

    answers = [_whatif(leader_client, portfolio).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    refused = _whatif(leader_client, portfolio)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "Too many what-if runs" in html and "at most 2 a minute" in html
    assert _whatif(pm_client, portfolio).status_code == 200  # per user: another member is not held back


@pytest.mark.django_db
def test_an_htmx_what_if_over_the_limit_sends_the_browser_to_the_readable_page(
    portfolio, project, leader_client, settings
):
    """htmx does not swap a 4xx answer: it is told to load the page, which says why and when to try again."""
    settings.WHATIF_RATE_LIMIT = 1
    _whatif(leader_client, portfolio)

    refused = _whatif(leader_client, portfolio, HTTP_HX_REQUEST="true")

    assert refused.status_code == 429
    assert refused["HX-Redirect"].startswith(reverse("roadmap:whatif", args=[portfolio.slug]))
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_the_what_if_form_of_a_big_portfolio_is_not_refused_for_its_field_count(portfolio, pm_client):
    """Without JavaScript the what-if form posts a pin per project still to be built (with it, only the changed
    ones: tests/roadmap/test_whatif_at_scale.py): 1,100 projects are over Django's default
    DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), and "Run scenario" answered 400. The body cap bounds the parsing."""
    Project.objects.bulk_create(
        Project(
            portfolio=portfolio,
            name=f"Project {i:04d}",
            impact_low=1,
            impact_likely=2,
            impact_high=3,
            provisional_effort_low=1,
            provisional_effort_likely=2,
            provisional_effort_high=3,
        )
        for i in range(1100)
    )
    data = _whatif_form(pm_client, portfolio)
    assert len(data) > 1000

    response = pm_client.post(reverse("roadmap:whatif", args=[portfolio.slug]), data)

    assert response.status_code == 200
    assert 'id="whatif-diff"' in response.content.decode()


def _whatif_form(client, portfolio) -> dict[str, str]:
    """The what-if form's fields as the roadmap page renders them (hidden versions, pins, capacity)."""
    html = client.get(reverse("roadmap:timeline", args=[portfolio.slug])).content.decode()
    form = html[html.index('<form id="whatif-form"') : html.index("</form>", html.index('<form id="whatif-form"'))]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and "checkbox" not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return {**fields, "capacity": "5"}
