"""Review baselines in a real Chromium: a PM marks the current figures as a baseline and changes two estimates;
leadership open "Changes since" and read both causes with their effects.

Recomputes and the changes report run in-process here (eager Celery): the worker path is covered in tests/roadmap.
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


@pytest.fixture
def reviewed(transactional_db, settings):
    """A computed portfolio of three assessed projects, a PM and a leader."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio = services.portfolio_create(name="Social platform ML", slug="social-ml", trials=500)
    projects = {}
    for name, impact in [
        ("Spam classifier", (100, 200, 400)),
        ("Search ranking", (300, 600, 1200)),
        ("Toxicity signal", (50, 100, 200)),
    ]:
        projects[name] = services.project_create(
            portfolio=portfolio, name=name, impact_low=impact[0], impact_likely=impact[1], impact_high=impact[2]
        )
        services.assessment_record(project=projects[name], tag="hard", effort_low=4, effort_likely=8, effort_high=16)
    portfolio_recompute(portfolio_id=portfolio.pk)
    for username, role in [("pat-pm", "pm"), ("lee-lead", "leadership")]:
        MembershipFactory(user=UserFactory(username=username), portfolio=portfolio, role=role)
    return portfolio, projects


def _edit_impact_high(page, url: str, value: str) -> None:
    page.goto(url)
    page.fill("input[name=impact_high]", value)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))  # saved: back on the project page


def test_pm_marks_a_baseline_and_leadership_read_the_causes_of_two_edits(log_in, live_server, reviewed):
    portfolio, projects = reviewed
    slug = portfolio.slug
    pm = log_in("pat-pm")
    pm.goto(live_server.url + reverse("roadmap:chart", args=[slug]))
    pm.get_by_label("Baseline name").fill("Q1 planning")
    pm.get_by_role("button", name="Mark as baseline").click()
    expect(pm.locator(".messages")).to_contain_text("marked as the baseline “Q1 planning”")

    for name, value in (("Toxicity signal", "2000"), ("Spam classifier", "900")):
        _edit_impact_high(
            pm, live_server.url + reverse("portfolio:project-edit", args=[slug, projects[name].pk]), value
        )
    portfolio_recompute(portfolio_id=portfolio.pk)

    lead = log_in("lee-lead")
    lead.goto(live_server.url + reverse("roadmap:chart", args=[slug]))
    lead.get_by_role("link", name="Changes since").click()
    report = lead.locator("#changes-report table.changes")
    expect(report).to_contain_text(
        "Toxicity signal: impact 50–100–200 → 50–100–2,000 k$/year by pat-pm", timeout=WAIT_MS
    )
    expect(report).to_contain_text("Spam classifier: impact 100–200–400 → 100–200–900 k$/year by pat-pm")
    toxicity = report.locator("tr", has_text="Toxicity signal").first
    expect(toxicity.locator("ul.causes strong").first).to_contain_text("pts")
    expect(lead.locator("h1")).to_have_text("Changes since “Q1 planning”")
