"""Learning from delivery in a real Chromium: leadership read the calibration page; a PM turns calibrated ranges on,
and every page says so while the ranking changes (the optimistic EM's project drops below an unbiased one).

Recomputes run in-process here (eager Celery): the worker path is covered in tests/roadmap.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, MembershipFactory, ProjectFactory, UserFactory

from .conftest import WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def delivered(calibration_history, settings):
    """The calibration history plus two projects to build with the same effort range: one by the optimist (a
    little more impact), one by an EM with no track record; a PM and a leader."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio, em = calibration_history["portfolio"], calibration_history["em"]
    portfolio.trials = 500
    portfolio.save()
    pick = ProjectFactory(portfolio=portfolio, name="Optimist's pick", impact_likely=110, effort_estimated_by=em)
    AssessmentFactory(project=pick, effort_low=10, effort_likely=20, effort_high=30)
    steady = ProjectFactory(portfolio=portfolio, name="Steady pick")
    AssessmentFactory(project=steady, effort_low=10, effort_likely=20, effort_high=30)
    portfolio_recompute(portfolio_id=portfolio.pk)
    for username, role in [("pat-pm", "pm"), ("lee-lead", "leadership")]:
        MembershipFactory(user=UserFactory(username=username), portfolio=portfolio, role=role)
    return portfolio


def first_ranked(page):
    return page.locator("table.ranking tbody tr").first


def test_leadership_read_calibration_and_calibrated_ranges_change_the_ranking(log_in, live_server, delivered):
    slug = delivered.slug
    lead = log_in("lee-lead")
    lead.goto(live_server.url + reverse("roadmap:chart", args=[slug]))
    expect(first_ranked(lead)).to_contain_text("Optimist's pick")
    expect(lead.locator("#figures-status")).not_to_contain_text("calibrated ranges")

    lead.get_by_role("link", name="Calibration").click()
    optimist = lead.locator('tr[data-estimator="optimist"]').first
    expect(optimist).to_contain_text("1.50")  # bias: 50% over
    expect(optimist.locator("svg.pit-chart rect.pit-bar")).to_have_count(10)
    expect(lead.get_by_role("button", name="Adopt the observed rates")).to_have_count(0)  # leadership edit nothing

    pm = log_in("pat-pm")
    pm.goto(live_server.url + reverse("portfolio:settings", args=[slug]))
    pm.get_by_label("Calibrated ranges").check()
    pm.get_by_role("button", name="Save settings").click()
    expect(pm.locator(".messages")).to_contain_text("saved")
    portfolio_recompute(portfolio_id=delivered.pk)

    lead.goto(live_server.url + reverse("roadmap:chart", args=[slug]))
    expect(lead.locator("#figures-status")).to_contain_text("These figures use calibrated ranges", timeout=WAIT_MS)
    expect(first_ranked(lead)).to_contain_text("Steady pick")
    lead.goto(live_server.url + reverse("roadmap:calibration-compare", args=[slug]))
    row = lead.locator("tr", has_text="Optimist's pick")
    expect(row.locator("td.entered-rank")).to_have_text("1")
    expect(row.locator("td.calibrated-rank")).to_contain_text("2")
