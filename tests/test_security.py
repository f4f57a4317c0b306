"""Security settings as an attacker would probe them: deploy checks, secure cookies and HSTS over HTTPS, user text
escaped on every page. The policy (CSP), login rate limiting and CSRF are test_content_security_policy.py's,
test_login_lockout.py's and test_csrf.py's."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from portfolio.models import Project, ReuseLink
from tests.conftest import _read_pages
from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "ALLOWED_HOSTS": "planner.example.com",
}


def _manage(args: list[str], env_overrides: dict[str, str], *, code: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    env.pop("SECRET_KEY", None)
    env.pop("DEBUG", None)
    env.pop("ALLOWED_HOSTS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process, never in a deployment
    env.update(env_overrides)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


# --- production settings -----------------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_refuses_the_embedded_laptop_settings():
    """The check has teeth: the dev secret key and plain HTTP are flagged (so a production env must set them)."""
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], {})

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check_id in ("security.W009", "security.W008", "security.W012", "security.W016", "security.W004"):
        assert check_id in output, check_id


def test_production_env_turns_on_secure_cookies_hsts_and_https_redirect():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)"
    )
    production = _manage([], PRODUCTION_ENV, code=code)
    laptop = _manage([], {}, code=code)

    assert production.stdout.split() == ["True", "True", "True", "31536000", "True", "False"], production.stderr
    assert laptop.stdout.split()[:4] == ["False", "False", "False", "0"], laptop.stderr


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_HSTS_SECONDS=31536000
)
def test_over_https_cookies_are_secure_and_hsts_is_sent(pm_user):
    client = Client()

    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")

    page = client.get(reverse("login"), secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.cookies["csrftoken"]["secure"] is True

    token = page.cookies["csrftoken"].value
    login = client.post(
        reverse("login"),
        {"username": pm_user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] is True
    assert login.cookies["sessionid"]["httponly"] is True


# --- user text is escaped everywhere ----------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'


@pytest.mark.django_db
def test_hostile_project_text_is_escaped_on_every_page(world, pm_client, em_client):
    Project.objects.filter(pk=world["project"].pk).update(name=HOSTILE[:200], summary=HOSTILE, owner=HOSTILE[:120])
    ReuseLink.objects.filter(pk=world["link"].pk).update(note=HOSTILE)
    pages = [(pm_client, url) for url in _read_pages(world)]
    pages.append((pm_client, reverse("roadmap:chart-svg", args=[world["slug"]])))
    pages.append((pm_client, reverse("roadmap:timeline-svg", args=[world["slug"]])))
    pages.append((em_client, reverse("portfolio:assess", args=[world["slug"], world["project"].pk])))

    for page_client, url in pages:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = page_client.get(url, follow=True, **headers)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "<script>alert" not in body, url
            assert "<img src=x" not in body, url


@pytest.mark.django_db
def test_exports_are_downloads_the_browser_never_renders_as_html(world, pm_client):
    Project.objects.filter(pk=world["project"].pk).update(name=HOSTILE[:200])

    for fmt, content_type in (("csv", "text/csv"), ("json", "application/json")):
        response = pm_client.get(reverse("roadmap:export", args=[world["slug"], fmt]))
        assert response["Content-Type"].startswith(content_type)
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_non_members_and_forbidden_roles_get_friendly_pages_without_details(world, outsider_client, leader_client):
    missing = outsider_client.get(reverse("portfolio:backlog", args=[world["slug"]]))
    forbidden = leader_client.get(reverse("portfolio:settings", args=[world["slug"]]))

    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert world["project"].name not in missing.content.decode()
    assert forbidden.status_code == 403 and "Your role does not allow this" in forbidden.content.decode()
