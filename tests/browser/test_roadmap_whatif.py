"""The what-if flow in a real Chromium: a PM tries more capacity on the roadmap page, sees the bands
move, saves the scenario as the plan, and leadership, who keep the roadmap page open, see the new plan
without reloading."""

import datetime
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portfolio import services
from portfolio.models import Project
from roadmap.services.recompute import portfolio_recompute
from tests.factories import MembershipFactory, UserFactory

from .conftest import WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTS = ["Spam classifier", "Search ranking", "Fraud detection", "Translation"]


@pytest.fixture
def serial_plan(transactional_db, settings):
    """Four easy 2-person projects and a team of 2: they can only run one after the other."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio = services.portfolio_create(
        name="Integrity ML", slug="integrity-ml", trials=500, capacity=2, roadmap_start=datetime.date(2027, 1, 4)
    )
    for i, name in enumerate(PROJECTS):
        project = services.project_create(
            portfolio=portfolio, name=name, staffing=2, impact_low=100 + i, impact_likely=300, impact_high=600
        )
        services.assessment_record(project=project, tag="easy", effort_low=8, effort_likely=12, effort_high=20)
    portfolio_recompute(portfolio_id=portfolio.pk)
    users = {}
    for username, role in [("pat-pm", "pm"), ("lee-lead", "leadership")]:
        users[role] = UserFactory(username=username)
        MembershipFactory(user=users[role], portfolio=portfolio, role=role)
    return portfolio, users


def last_finish_p50(page) -> str:
    """The P50 finish date of the last project on the plan's table (the bold date of its finish cell)."""
    finish_cell = page.locator("#roadmap-table tr[data-project]").last.locator("td.dates").nth(1)
    return finish_cell.locator("strong").inner_text()


def test_pm_tries_more_capacity_saves_it_and_leadership_see_the_new_plan(log_in, live_server, serial_plan):
    portfolio, users = serial_plan
    url = live_server.url + reverse("roadmap:timeline", args=[portfolio.slug])

    lead = log_in(users["leadership"].username)
    lead.goto(url)
    expect(lead.locator("#plan-capacity")).to_have_text("2")
    serial_finish = last_finish_p50(lead)
    lead.evaluate("window.__notReloaded = true")
    expect(lead.locator("#whatif-save")).to_have_count(0)  # leadership may try scenarios, not save them

    pm = log_in(users["pm"].username)
    pm.goto(url)
    pm.fill("#whatif-capacity", "8")
    pm.click("#whatif-run")
    expect(pm.locator("#whatif-result")).to_have_attribute("data-scenario-capacity", "8")
    # With four times the people the four projects run side by side: every one but the first finishes earlier.
    expect(pm.locator("#whatif-diff tbody tr.earlier")).to_have_count(len(PROJECTS) - 1)
    expect(pm.locator("#plan-capacity")).to_have_text("2")  # trying saved nothing
    assert portfolio.__class__.objects.get(pk=portfolio.pk).capacity == 2

    pm.click("#whatif-save")
    expect(pm.locator("#plan-capacity")).to_have_text("8", timeout=WAIT_MS)

    # Leadership's open page picks up the new plan by itself: capacity 8, the last project done sooner.
    expect(lead.locator("#plan-capacity")).to_have_text("8", timeout=WAIT_MS)
    parallel_finish = last_finish_p50(lead)
    day = "%d %b %Y"  # dates are written "7 Feb 2027" (portfolio.formatting.day)
    assert datetime.datetime.strptime(parallel_finish, day) < datetime.datetime.strptime(serial_finish, day)
    assert lead.evaluate("window.__notReloaded === true"), "the leadership page was reloaded"


def test_the_page_sends_only_the_pins_and_versions_the_scenario_changes(log_in, live_server, serial_plan):
    """The page's script folds the changed rows into one ``pins`` field and sends the versions of only the
    projects the scenario changes; the run and the save then apply exactly that."""
    portfolio, users = serial_plan
    projects = {p.name: p for p in portfolio.projects.all()}
    moved, dropped = projects["Translation"], projects["Search ranking"]
    pm = log_in(users["pm"].username)
    pm.goto(live_server.url + reverse("roadmap:timeline", args=[portfolio.slug]))
    pm.locator(".whatif-projects summary").click()
    pm.fill(f"input[name=pin_{moved.pk}]", "1")
    pm.check(f"#whatif-drop-{dropped.pk}")

    with pm.expect_request(lambda r: r.method == "POST" and "/what-if/" in r.url) as sent:
        pm.click("#whatif-run")
    body = parse_qs(sent.value.post_data)
    assert body["pins"] == [f"{moved.pk}:1"]
    expected_versions = [f"{moved.pk}:{moved.version}", f"{dropped.pk}:{dropped.version}"]
    assert sorted(body["versions"][0].split(",")) == sorted(expected_versions)
    assert not [name for name in body if name.startswith(("pin_", "v_"))]
    expect(pm.locator("#whatif-result")).to_be_visible(timeout=WAIT_MS)

    pm.click("#whatif-save")
    expect(pm.locator("#plan-capacity")).to_be_visible(timeout=WAIT_MS)
    expect(pm.locator(".messages")).to_contain_text("The scenario is now the plan", timeout=WAIT_MS)
    assert Project.objects.get(pk=moved.pk).roadmap_pin == 1
    assert Project.objects.get(pk=dropped.pk).status == "parked"
