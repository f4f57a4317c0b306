"""The main flow in a real Chromium, three people at once: a PM adds a project, an EM assesses it, and
leadership, who keep the ROI chart page open, see it move from "not ranked" into the chart and the
ranking without reloading the page.

Recomputes run in-process here (eager Celery): the real worker path is covered in tests/roadmap.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portfolio import services
from roadmap.services.recompute import portfolio_recompute
from tests.factories import MembershipFactory, UserFactory

from .conftest import WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PROJECT = "Hacked-account recovery <assistant>"


@pytest.fixture
def team(transactional_db, settings):
    """A portfolio with three assessed, ranked projects and one member per role."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio = services.portfolio_create(name="Social platform ML", slug="social-ml", trials=500)
    for name, tag, impact in [
        ("Spam classifier for posts", "easy", (100, 200, 400)),
        ("Search ranking", "hard", (300, 600, 1200)),
        ("Viral post prediction", "impossible", (50, 100, 200)),
    ]:
        project = services.project_create(
            portfolio=portfolio, name=name, impact_low=impact[0], impact_likely=impact[1], impact_high=impact[2]
        )
        services.assessment_record(project=project, tag=tag, effort_low=4, effort_likely=8, effort_high=16)
    portfolio_recompute(portfolio_id=portfolio.pk)
    users = {}
    for username, role in [("pat-pm", "pm"), ("erin-em", "em"), ("lee-lead", "leadership")]:
        users[role] = UserFactory(username=username)
        MembershipFactory(user=users[role], portfolio=portfolio, role=role)
    return portfolio, users


def test_pm_adds_em_assesses_and_leadership_sees_it_ranked_without_reloading(log_in, live_server, team):
    portfolio, users = team
    slug = portfolio.slug

    # Leadership open the ROI chart page and keep it open; a marker on the window proves no reload.
    lead = log_in(users["leadership"].username)
    lead.goto(live_server.url + reverse("roadmap:chart", args=[slug]))
    expect(lead.locator("#roi-chart table.ranking")).to_contain_text("Spam classifier for posts")
    expect(lead.locator("#roi-chart")).not_to_contain_text(NEW_PROJECT)
    lead.evaluate("window.__notReloaded = true")
    assert not lead.get_by_role("link", name="Settings").count(), "leadership must see no edit controls"

    # The PM adds a project with the form above the backlog table (htmx: no page reload either).
    pm = log_in(users["pm"].username)
    pm.goto(live_server.url + reverse("portfolio:backlog", args=[slug]))
    pm.evaluate("window.__notReloaded = true")
    create = pm.locator("#project-create")
    create.locator("[name=name]").fill(NEW_PROJECT)
    create.locator("[name=impact_low]").fill("400")
    create.locator("[name=impact_likely]").fill("900")
    create.locator("[name=impact_high]").fill("2000")
    create.locator("button[type=submit]").click()
    expect(pm.locator("#project-table")).to_contain_text(NEW_PROJECT)
    assert pm.evaluate("window.__notReloaded === true"), "adding a project reloaded the backlog page"

    # Without an effort range it is listed as not ranked on the leadership page, which refreshes itself.
    expect(lead.locator("#roi-chart .ranking-excluded")).to_contain_text(NEW_PROJECT, timeout=WAIT_MS)

    # The EM finds it in the feasibility queue and assesses it: easy, 2-3-6 person-weeks.
    em = log_in(users["em"].username)
    em.goto(live_server.url + reverse("portfolio:feasibility", args=[slug]))
    em.locator("tr", has_text=NEW_PROJECT).get_by_role("link", name=re.compile("Assess")).first.click()
    em.locator("input[name=tag][value=easy]").check()
    em.locator("[name=effort_low]").fill("2")
    em.locator("[name=effort_likely]").fill("3")
    em.locator("[name=effort_high]").fill("6")
    em.get_by_role("button", name="Record assessment").click()
    expect(em.locator(".messages")).to_contain_text(NEW_PROJECT)

    # Leadership see it ranked, first (high value, little effort), in the table and as a bubble in the chart.
    first_row = lead.locator("#roi-chart table.ranking tbody tr").first
    expect(first_row).to_contain_text(NEW_PROJECT, timeout=WAIT_MS)
    expect(lead.locator("#roi-chart .ranking-excluded tr", has_text=NEW_PROJECT)).to_have_count(0)
    bubble = lead.locator("#roi-chart svg .bubbles > a", has=lead.locator("title", has_text=NEW_PROJECT))
    expect(bubble).to_have_count(1)
    assert lead.evaluate("window.__notReloaded === true"), "the leadership page was reloaded"
