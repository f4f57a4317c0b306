"""Security settings as an attacker would probe them: deploy checks, CSP, login rate limiting, CSRF on every
state change (htmx included), secure cookies and HSTS over HTTPS, user text escaped on every page."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink
from tests.factories import PASSWORD, UserFactory

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


# --- Content-Security-Policy ------------------------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def _read_pages(world) -> list[str]:
    slug, pk = world["slug"], world["project"].pk
    return [
        reverse("portfolio:list"),
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, pk]),
        reverse("portfolio:project-edit", args=[slug, pk]),
        reverse("portfolio:feasibility", args=[slug]),
        reverse("portfolio:settings", args=[slug]),
        reverse("portfolio:import", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:how", args=[slug]),
        reverse("roadmap:timeline", args=[slug]),
        reverse("roadmap:whatif", args=[slug]),
        reverse("roadmap:pin", args=[slug, pk]),
    ]


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(world, pm_client, client):
    responses = [client.get(reverse("login"))] + [pm_client.get(url) for url in _read_pages(world)]
    responses.append(pm_client.get("/p/no-such-portfolio/"))  # the 404 page too

    for response in responses:
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], response.request["PATH_INFO"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["base-uri"] == ["'self'"]
        assert set(policy["img-src"]) == {"'self'", "data:"}
        assert not any("unsafe" in source for sources in policy.values() for source in sources)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.django_db
def test_no_page_relies_on_what_the_policy_blocks(world, pm_client, em_client, client):
    """Inline scripts, style attributes, on*= handlers and javascript: URLs would be blocked (or are unsafe)."""
    pages = [(client, reverse("login"))] + [(pm_client, url) for url in _read_pages(world)]
    pages.append((em_client, reverse("portfolio:assess", args=[world["slug"], world["project"].pk])))
    pages.append((pm_client, reverse("roadmap:chart-svg", args=[world["slug"]])))
    pages.append((pm_client, reverse("roadmap:timeline-svg", args=[world["slug"]])))
    problems = []
    for page_client, url in pages:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            html = page_client.get(url, **headers).content.decode()
            for name, pattern in (("inline script", INLINE_SCRIPT), ("inline style", INLINE_STYLE)):
                problems += [f"{url}: {name} {m.group(0)[:80]}" for m in pattern.finditer(html)]
            problems += [f"{url}: handler {m.group(0)[:80]}" for m in INLINE_HANDLER.finditer(html)]
            if "javascript:" in html.lower():
                problems.append(f"{url}: javascript: URL")
    assert not problems, "\n".join(sorted(set(problems)))


def test_htmx_is_configured_to_inject_no_styles_and_evaluate_nothing(client):
    html = client.get(reverse("login")).content.decode()

    assert '"includeIndicatorStyles":false' in html
    assert '"allowEval":false' in html


# --- login rate limiting ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login_with_a_clear_page(pm_user, settings):
    client = Client()
    login = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": pm_user.username, "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt  # the ordinary form error, not yet locked
        assert "correct username and password" in response.content.decode()

    locked = client.post(login, {"username": pm_user.username, "password": "wrong-last"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    # even the right password is refused while locked, and no session is created
    again = client.post(login, {"username": pm_user.username, "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_of_one_user_does_not_lock_out_another(pm_user, em_user):
    client = Client()
    for attempt in range(5):
        client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-{attempt}"})

    response = Client().post(reverse("login"), {"username": em_user.username, "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(pm_user):
    client = Client()
    for attempt in range(4):
        client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-{attempt}"})
    assert client.post(reverse("login"), {"username": pm_user.username, "password": PASSWORD}).status_code == 302
    client.logout()

    for attempt in range(4):
        response = client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-again-{attempt}"})
        assert response.status_code == 200


@pytest.mark.django_db
def test_forged_forwarded_for_headers_do_not_escape_the_lockout(pm_user, settings):
    settings.BEHIND_TLS_PROXY = True
    client = Client()
    statuses = []
    for attempt in range(6):
        forged = f"10.0.0.{attempt}, 203.0.113.7"  # the proxy appends the real address last
        response = client.post(
            reverse("login"),
            {"username": pm_user.username, "password": f"wrong-{attempt}"},
            HTTP_X_FORWARDED_FOR=forged,
        )
        statuses.append(response.status_code)

    assert statuses[-1] == 429, statuses
    # the same user from another real address is not locked out by the attacker's failures
    elsewhere = Client().post(
        reverse("login"), {"username": pm_user.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert elsewhere.status_code == 302


# --- CSRF on every state change ---------------------------------------------------------------------------------


def _state_changes(world) -> list[tuple[str, str, dict]]:
    slug, pk, link_id = world["slug"], world["project"].pk, world["link"].pk
    project = {
        "name": "Injected",
        "status": "idea",
        "problem_type": "other",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "staffing": "2",
        "version": str(world["project"].version),
    }
    return [
        ("pm", reverse("portfolio:project-create", args=[slug]), project),
        ("pm", reverse("portfolio:project-edit", args=[slug, pk]), project),
        ("pm", reverse("portfolio:project-row", args=[slug, pk]), project),
        ("pm", reverse("portfolio:project-delete", args=[slug, pk]), {}),
        (
            "pm",
            reverse("portfolio:link-create", args=[slug, pk]),
            {"producer": world["producer"].pk, "kind": "benefits", "fraction": "0.3"},
        ),
        (
            "pm",
            reverse("portfolio:link-edit", args=[slug, link_id]),
            {"kind": "requires", "fraction": "0.5", "version": "1"},
        ),
        ("pm", reverse("portfolio:link-delete", args=[slug, link_id]), {}),
        ("pm", reverse("portfolio:settings", args=[slug]), {"name": "Hijacked", "value_unit": "k$"}),
        ("pm", reverse("portfolio:import", args=[slug]), {}),
        (
            "em",
            reverse("portfolio:assess", args=[slug, pk]),
            {"tag": "easy", "effort_low": "1", "effort_likely": "2", "effort_high": "3"},
        ),
        ("pm", reverse("roadmap:pin", args=[slug, pk]), {"position": "1", "version": str(world["project"].version)}),
        ("pm", reverse("roadmap:pin-clear", args=[slug, pk]), {}),
        ("pm", reverse("roadmap:whatif-save", args=[slug]), {"capacity": "3"}),
        ("pm", reverse("logout"), {}),
    ]


def _snapshot_of_everything():
    return (
        list(Project.objects.order_by("pk").values()),
        list(ReuseLink.objects.order_by("pk").values()),
        list(FeasibilityAssessment.objects.order_by("pk").values()),
        list(Portfolio.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_every_state_change_without_a_csrf_token_is_refused_and_saves_nothing(world, pm_user, em_user, htmx):
    clients = {"pm": Client(enforce_csrf_checks=True), "em": Client(enforce_csrf_checks=True)}
    clients["pm"].force_login(pm_user)
    clients["em"].force_login(em_user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _snapshot_of_everything()

    for role, url, data in _state_changes(world):
        response = clients[role].post(url, data, **headers)
        assert response.status_code == 403, f"{role} POST {url}: {response.status_code}"
        assert "security token" in response.content.decode(), url

    assert _snapshot_of_everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_get_never_changes_anything(world, role_clients, htmx):
    """A link or an image tag on another site can make a browser GET any URL: no GET may write."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _snapshot_of_everything()

    for role, url, _ in _state_changes(world):
        if url != reverse("logout"):
            response = role_clients[role].get(url, **headers)
            assert response.status_code in (200, 302, 405), f"GET {url}: {response.status_code}"

    assert _snapshot_of_everything() == before


@pytest.mark.django_db
def test_a_csrf_token_from_another_session_is_refused(world, pm_user):
    attacker = Client(enforce_csrf_checks=True)
    attacker_token = attacker.get(reverse("login")).cookies["csrftoken"].value
    victim = Client(enforce_csrf_checks=True)
    victim.force_login(pm_user)
    victim.get(reverse("portfolio:backlog", args=[world["slug"]]))

    response = victim.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": "Forged", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
        HTTP_X_CSRFTOKEN=attacker_token,
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 403
    assert not Project.objects.filter(name="Forged").exists()


@pytest.mark.django_db
def test_htmx_posts_carry_the_token_from_the_page_and_are_accepted(world, pm_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm_user)
    html = client.get(reverse("portfolio:backlog", args=[world["slug"]])).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    version = Project.objects.get(pk=world["project"].pk).version

    response = client.post(
        reverse("portfolio:project-edit", args=[world["slug"], world["project"].pk]),
        {
            "name": "Machine translation v2",
            "status": "idea",
            "problem_type": "other",
            "impact_low": "10",
            "impact_likely": "20",
            "impact_high": "30",
            "staffing": "2",
            "version": str(version),
        },
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code in (200, 204, 302), response.content.decode()[:500]
    assert Project.objects.get(pk=world["project"].pk).name == "Machine translation v2"


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


@pytest.mark.django_db
def test_a_superuser_login_is_rate_limited_too(db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    for attempt in range(5):
        client.post(reverse("admin:login"), {"username": admin.username, "password": f"nope-{attempt}"})

    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})

    assert response.status_code == 429


# --- in a real browser: the policy blocks nothing the app needs, and htmx still edits under it ------------------

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile));
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_no_page_violates_the_policy_and_htmx_edits_still_work(live_server, page, world, pm_user):
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", pm_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('portfolio:list')}")

    violations = []
    for url in _read_pages(world):
        page.goto(live_server.url + url)
        violations += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]
    assert not violations, "\n".join(violations)
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('head style').length") == 0

    # an htmx edit of a backlog row: the GET swaps in the form, the POST carries the CSRF header from <body>
    page.goto(live_server.url + reverse("portfolio:backlog", args=[world["slug"]]))
    row = f"#project-row-{world['project'].pk}"
    page.click(f"{row} a:has-text('Edit')")
    page.fill(f"{row} input[name=name]", "Machine translation (browser)")
    page.press(f"{row} input[name=name]", "Enter")
    page.wait_for_selector(f"{row}:has-text('Machine translation (browser)')")
    assert Project.objects.get(pk=world["project"].pk).name == "Machine translation (browser)"
    assert not page.evaluate("window.__cspViolations")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
