"""Serving as production does: the app's own error pages, a favicon at /favicon.ico (WhiteNoise) and linked from
every page, and a refused request (403) logged as one line saying who, what and why, without a traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_apps_404_not_djangos_debug_page(pm_client):
    response = pm_client.get("/no/such/page/")

    html = response.content.decode()
    assert response.status_code == 404 and "Page not found" in html and "Your portfolios" in html
    assert "URLconf" not in html and "Django tried these URL patterns" not in html


def test_the_favicon_answers_at_the_root_and_is_linked_from_every_page(portfolio, pm_client, client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
    for page in (pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug])), client.get("/nowhere/")):
        html = page.content.decode()
        assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in html
        assert 'rel="icon" href="/favicon.ico"' in html


def test_a_refused_role_is_logged_as_one_line(portfolio, em_client, caplog):
    url = reverse("portfolio:settings", args=[portfolio.slug])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert em_client.post(url, {"name": "Hijacked"}).status_code == 403

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Forbidden: erin-em POST {url}: role em may not edit_settings"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_missing_csrf_token_is_logged_as_one_line_with_who(portfolio, pm_user, caplog):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pm_user)
    url = reverse("portfolio:settings", args=[portfolio.slug])
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert browser.post(url, {"name": "Hijacked"}).status_code == 403

    (record,) = [r for r in caplog.records if r.name == "django.security.csrf"]
    assert record.getMessage() == f"Forbidden: pat-pm POST {url}: CSRF cookie not set."


def test_other_request_logs_are_left_as_they_are(caplog):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/",), None)
    record.status_code = 404
    assert logging.getLogger("django.request").filters[0].filter(record)
    assert record.getMessage() == "Not Found: /x/"


def test_a_refused_request_seen_by_two_filters_is_still_one_line():
    """runserver configures logging twice, leaving two filters on django.request: the second changes nothing."""
    from config.log_filters import ForbiddenOneLine

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden (%s): %s", ("x", "/p/"), None)
    record.status_code = 403
    for _ in range(2):
        assert ForbiddenOneLine().filter(record)
    assert record.getMessage() == "Forbidden: anonymous ? ?: x"
