"""Learning from delivery in a real Chromium: an EM records progress on a building project and its roadmap bar moves;
a PM records an outcome; leadership read the calibration page; a PM turns calibrated ranges on, and every page says
so while the ranking changes (the optimistic EM's project drops below an unbiased one).

Recomputes run in-process here (eager Celery): the worker path is covered in tests/roadmap.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
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


@pytest.fixture
def under_way(portfolio, settings):
    """A portfolio whose roadmap started ten weeks ago: a project being built (20 person-weeks, one person) and a
    shipped one awaiting its outcome; an EM, a PM and a leader."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio.roadmap_start = timezone.localdate() - datetime.timedelta(weeks=10)
    portfolio.trials = 500
    portfolio.save()
    building = ProjectFactory(portfolio=portfolio, name="Spam classifier", status="building", staffing=1)
    AssessmentFactory(project=building, effort_low=20, effort_likely=20, effort_high=20)
    shipped = ProjectFactory(portfolio=portfolio, name="Search ranking", status="shipped")
    AssessmentFactory(project=shipped, effort_low=4, effort_likely=8, effort_high=16)
    portfolio_recompute(portfolio_id=portfolio.pk)
    for username, role in [("emma-em", "em"), ("pat-pm", "pm"), ("lee-lead", "leadership")]:
        MembershipFactory(user=UserFactory(username=username), portfolio=portfolio, role=role)
    return {"portfolio": portfolio, "building": building, "shipped": shipped}


def bar_x(page, project) -> float:
    return float(page.locator(f"#timeline-row-{project.pk} rect.bar").get_attribute("x"))


def test_em_records_progress_and_the_bar_moves_pm_records_an_outcome_leadership_read_it(log_in, live_server, under_way):
    portfolio, building, shipped = under_way["portfolio"], under_way["building"], under_way["shipped"]
    slug = portfolio.slug
    em = log_in("emma-em")
    timeline = live_server.url + reverse("roadmap:timeline", args=[slug])
    em.goto(timeline)
    before = bar_x(em, building)  # scheduled from the roadmap start, ten weeks ago
    em.goto(live_server.url + reverse("portfolio:progress", args=[slug, building.pk]))
    em.get_by_label("Effort spent so far (person-weeks)").fill("10")
    em.get_by_label("Remaining effort, low (person-weeks)").fill("2")
    em.get_by_label("Remaining effort, likely (person-weeks)").fill("4")
    em.get_by_label("Remaining effort, high (person-weeks)").fill("8")
    em.get_by_role("button", name="Save", exact=True).click()
    expect(em.locator("#delivery")).to_contain_text("10.0 person-weeks")
    portfolio_recompute(portfolio_id=portfolio.pk)
    em.goto(timeline)
    expect(em.locator(f"#timeline-row-{building.pk} rect.bar")).not_to_have_attribute("x", str(before), timeout=WAIT_MS)
    assert bar_x(em, building) > before  # the remaining range starts today, not at the roadmap start

    pm = log_in("pat-pm")
    pm.goto(live_server.url + reverse("portfolio:outcome", args=[slug, shipped.pk]))
    pm.get_by_label("Actual effort (person-weeks)").fill("12")
    pm.get_by_label("Did it reach the performance it needed?").select_option("yes")
    pm.get_by_label("Realised impact per year").fill("80")
    pm.get_by_role("button", name="Save", exact=True).click()
    expect(pm.locator("#delivery")).to_contain_text("12.0 person-weeks")

    lead = log_in("lee-lead")
    lead.goto(live_server.url + reverse("roadmap:calibration", args=[slug]))
    expect(lead.locator("#calibration-effort tr.pooled")).to_contain_text("1")
    expect(lead.locator("#calibration-impact")).to_be_visible()
    expect(lead.locator('#calibration-tags tr[data-tag="easy"]')).to_contain_text("100%")
