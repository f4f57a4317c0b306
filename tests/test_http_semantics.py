"""HTTP as the pages speak it: fragments vary on HX-Request, read-only pages refuse PUT, PATCH and DELETE, HEAD
is answered wherever GET is."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_that_answer_htmx_with_a_fragment_vary_on_hx_request(world, pm_client):
    """The backlog pushes sort / page URLs into history (hx-push-url) and answers the same URL with a table
    fragment for htmx and a full page otherwise: ``Vary: HX-Request`` keeps a cached fragment from standing in
    for the page on Back."""
    url = reverse("portfolio:backlog", args=[world["slug"]]) + "?sort=name&dir=desc"

    response = pm_client.get(url, HTTP_HX_REQUEST="true")

    vary = response.get("Vary", "").lower()
    assert "hx-request" in vary or "no-store" in response.get("Cache-Control", ""), dict(response.headers)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_read_only_pages_refuse_put_patch_and_delete(world, pm_client, method):
    """Pages that only show something refuse PUT / PATCH / DELETE (405) rather than answering with the page."""
    slug, pk = world["slug"], world["project"].pk
    urls = [
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, pk]),
        reverse("portfolio:feasibility", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:chart-svg", args=[slug]),
        reverse("roadmap:how", args=[slug]),
        reverse("roadmap:timeline", args=[slug]),
        reverse("roadmap:timeline-svg", args=[slug]),
        reverse("roadmap:export", args=[slug, "csv"]),
        reverse("roadmap:pin", args=[slug, pk]),
    ]

    answered = [f"{url}: {code}" for url in urls if (code := getattr(pm_client, method)(url).status_code) != 405]

    assert not answered, f"{method.upper()} answered:\n" + "\n".join(answered)


@pytest.mark.django_db
def test_head_is_answered_wherever_get_is(world, pm_client, em_client):
    """HEAD is answered wherever GET is (RFC 9110; uptime and link checkers use it)."""
    slug, pk = world["slug"], world["project"].pk
    cases = [
        (pm_client, reverse("portfolio:project-edit", args=[slug, pk])),
        (pm_client, reverse("portfolio:settings", args=[slug])),
        (pm_client, reverse("portfolio:import", args=[slug])),
        (pm_client, reverse("roadmap:status", args=[slug])),
        (em_client, reverse("portfolio:assess", args=[slug, pk])),
    ]

    refused = [f"{url}: {code}" for client, url in cases if (code := client.head(url).status_code) != 200]

    assert not refused, "\n".join(refused)
