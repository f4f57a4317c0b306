"""The demo portfolio's pages in a real Chromium at a laptop's and a phone's size: they fit the window (no
horizontal scroll of the page), log no console error and make no failed request; and a click on the centre of
every bubble of the ROI chart lands on that bubble's project.

One browser for the module (pytest-playwright's session browser); the demo is loaded and computed once per test.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from portfolio.demo import DEMO_PASSWORD, demo_load
from portfolio.models import Project
from roadmap.services.recompute import portfolio_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def demo(transactional_db):
    """The demo portfolio, its users and its computed ranking and roadmap."""
    portfolio = demo_load().portfolio
    portfolio_recompute(portfolio_id=portfolio.pk)
    return portfolio


def _logged_in_context(new_context, live_server, viewport: dict, username: str = "owner"):
    context = new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.close()
    return context


def _page_problems(page: Page, url: str) -> list[str]:
    """Open ``url`` and list what is wrong: console errors, failed requests, a page wider than the window."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    page.on(
        "response", lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}")
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scroll_width, window_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    if scroll_width > window_width:
        problems.append(f"page is {scroll_width} px wide in a {window_width} px window")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_pages_fit_the_window_without_console_errors_or_failed_requests(demo, new_context, live_server, viewport):
    slug = demo.slug
    project = Project.objects.filter(portfolio=demo).order_by("pk").first()
    urls = [
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, project.pk]),
        reverse("portfolio:feasibility", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:timeline", args=[slug]),
        reverse("portfolio:settings", args=[slug]),
        reverse("portfolio:members", args=[slug]),
    ]
    context = _logged_in_context(new_context, live_server, viewport)
    found = {}
    for url in urls:
        page = context.new_page()  # a fresh tab per page: requests a page leaves behind are not blamed on the next
        problems = _page_problems(page, live_server.url + url)
        if url == urls[0] and viewport["width"] < 700:  # the phone's backlog: cards, the add form folded
            assert (
                page.locator("table.backlog thead th.col-status").evaluate("e => getComputedStyle(e).position")
                != "sticky"
            )
            assert not page.locator("#project-create details").evaluate("e => e.open")
        if problems:
            found[url] = problems
        page.close()
    assert not found, found


def test_a_click_on_the_centre_of_every_bubble_opens_that_bubbles_project(demo, new_context, live_server):
    context = _logged_in_context(new_context, live_server, VIEWPORTS["laptop"])
    page = context.new_page()
    page.goto(live_server.url + reverse("roadmap:chart", args=[demo.slug]))
    page.locator("#roi-chart svg.roi-chart").scroll_into_view_if_needed()
    bubbles = page.locator("#roi-chart svg .bubbles > a")
    count = bubbles.count()
    assert count > 10 and count == page.locator("table.ranking tbody tr[data-project]").count()  # every ranked project
    # What the browser finds at each bubble's centre (on screen, after the SVG is scaled to the page).
    hits = page.evaluate(
        """() => [...document.querySelectorAll('#roi-chart svg .bubbles > a')].map(link => {
            const marker = link.querySelector('.marker');
            const box = marker.getBoundingClientRect();
            const g = link.querySelector('g.bubble');
            const svg = link.ownerSVGElement;
            const point = svg.createSVGPoint();
            point.x = parseFloat(g.dataset.cx); point.y = parseFloat(g.dataset.cy);
            const screen = point.matrixTransform(svg.getScreenCTM());
            const found = document.elementFromPoint(screen.x, screen.y);
            const hit = found && found.closest('a');
            return {href: link.getAttribute('href'), hit: hit && hit.getAttribute('href'), inside: box.width > 0};
        })"""
    )
    assert len(hits) == count and all(h["inside"] for h in hits)
    missed = [h for h in hits if h["hit"] != h["href"]]
    assert not missed, missed
    # Pointing at a ranking row lights its bubble; pointing at a bubble lights its row.
    first = page.locator('#roi-chart svg g.bubble[data-rank="1"]')
    key = first.get_attribute("data-project")
    page.locator(f'table.ranking tr[data-project="{key}"]').hover()
    expect(first).to_have_class(re.compile(r"\blinked-hover\b"))
    page.locator("#roi-chart svg.roi-chart").scroll_into_view_if_needed()
    second = page.locator('#roi-chart svg g.bubble[data-rank="2"]')
    page.mouse.move(*_on_screen(page, second))
    row = page.locator(f'table.ranking tr[data-project="{second.get_attribute("data-project")}"]')
    expect(row).to_have_class(re.compile(r"\blinked-hover\b"))
    expect(first).not_to_have_class(re.compile(r"\blinked-hover\b"))
    # And the click itself: the first-ranked bubble opens its project page.
    target = first.locator("xpath=..").get_attribute("href")
    page.mouse.click(*_on_screen(page, first))
    page.wait_for_url(f"**{target}")
    assert page.locator("h1").first.inner_text()


def _on_screen(page: Page, bubble) -> list[float]:
    """Where a bubble's centre is in the window (the SVG is scaled to the page)."""
    return page.evaluate(
        "([x, y]) => { const svg = document.querySelector('#roi-chart svg.roi-chart'); const p = svg.createSVGPoint();"
        " p.x = x; p.y = y; const s = p.matrixTransform(svg.getScreenCTM()); return [s.x, s.y]; }",
        [float(bubble.get_attribute("data-cx")), float(bubble.get_attribute("data-cy"))],
    )
