"""The Content-Security-Policy as an attacker would probe it: a strict policy on every page, no page relying on what
it blocks (inline scripts, styles or handlers), htmx evaluating nothing; and in Chromium no violation while htmx
still edits."""

import os
import re

import pytest
from django.urls import reverse

from portfolio.models import Project
from tests.conftest import _read_pages
from tests.factories import PASSWORD


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


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
