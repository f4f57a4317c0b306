"""Learning from delivery in a real Chromium: an EM records progress on a building project and its roadmap bar
moves (the remaining range, from the day it was recorded); a PM records the outcome of a shipped project, and a
finish before the start is refused next to the field first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portfolio import formatting, services
from portfolio.models import ProjectOutcome
from roadmap.services.recompute import portfolio_recompute
from tests.factories import MembershipFactory, UserFactory

from .conftest import WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def delivery_world(transactional_db, settings):
    """A roadmap that started 20 weeks ago: "Toxicity v2" is being built (one person, 40 person-weeks estimated),
    "Spam filter" has shipped."""
    settings.STATUS_POLL_SECONDS = 1
    start = timezone.localdate() - datetime.timedelta(weeks=20)
    portfolio = services.portfolio_create(name="Integrity ML", slug="integrity-ml", trials=200, roadmap_start=start)
    building = services.project_create(
        portfolio=portfolio,
        name="Toxicity v2",
        status="building",
        staffing=1,
        impact_low=100,
        impact_likely=200,
        impact_high=400,
    )
    services.assessment_record(project=building, tag="easy", effort_low=40, effort_likely=40, effort_high=40)
    shipped = services.project_create(
        portfolio=portfolio, name="Spam filter", status="shipped", impact_low=10, impact_likely=20, impact_high=30
    )
    portfolio_recompute(portfolio_id=portfolio.pk)
    users = {}
    for username, role in [("pat-pm", "pm"), ("erin-em", "em")]:
        users[role] = UserFactory(username=username)
        MembershipFactory(user=users[role], portfolio=portfolio, role=role)
    return portfolio, building, shipped, users


def finish_p50(page, project) -> str:
    row = page.locator(f'#roadmap-table tr[data-project="{project.pk}"]')
    return row.locator("td.dates").nth(1).locator("strong").inner_text()


def test_em_records_progress_and_the_bar_moves_then_a_pm_records_an_outcome(log_in, live_server, delivery_world):
    portfolio, building, shipped, users = delivery_world
    roadmap = live_server.url + reverse("roadmap:timeline", args=[portfolio.slug])
    em = log_in(users["em"].username)
    em.goto(roadmap)
    expected = portfolio.roadmap_start + datetime.timedelta(weeks=40)
    expect(em.locator(f'#roadmap-table tr[data-project="{building.pk}"] td.dates').nth(1)).to_contain_text(
        formatting.day(expected)
    )

    em.goto(live_server.url + reverse("portfolio:project", args=[portfolio.slug, building.pk]))
    em.click("text=Record progress")
    em.fill("#id_effort_spent", "35")
    em.fill("#id_remaining_low", "2")
    em.fill("#id_remaining_likely", "2")
    em.fill("#id_remaining_high", "2")
    em.click("form.edit-form button[type=submit]")
    expect(em.locator("#delivery")).to_contain_text("2–2–2 person-weeks")

    em.goto(roadmap)
    moved = formatting.day(timezone.localdate() + datetime.timedelta(weeks=2))
    expect(em.locator(f'#roadmap-table tr[data-project="{building.pk}"] td.dates').nth(1)).to_contain_text(
        moved, timeout=WAIT_MS
    )

    pm = log_in(users["pm"].username)
    pm.goto(live_server.url + reverse("portfolio:project", args=[portfolio.slug, shipped.pk]))
    pm.click("text=Record the outcome")
    pm.fill("#id_actual_effort", "18")
    pm.fill("#id_actual_start", "2026-03-02")
    pm.fill("#id_actual_finish", "2026-01-05")
    pm.select_option("#id_succeeded", "yes")
    pm.click("form.edit-form button[type=submit]")
    expect(pm.locator(".field.has-errors")).to_contain_text("The finish is before the start")
    assert not ProjectOutcome.objects.exists()
    pm.fill("#id_actual_finish", "2026-04-01")
    pm.click("form.edit-form button[type=submit]")
    expect(pm.locator("#delivery")).to_contain_text("18.0 person-weeks")
    expect(pm.locator("table.history")).to_contain_text("Actual effort: none → 18 person-weeks")
    assert ProjectOutcome.objects.get(project=shipped).succeeded == "yes"
