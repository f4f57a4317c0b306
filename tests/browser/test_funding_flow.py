"""The funding decision in a real Chromium: leadership see the cut line, the efficient frontier and "What to learn
next"; a what-if with two more people moves the cut line; an EM's feasibility queue starts with the assessment
worth most.

Recomputes run in-process here (eager Celery): the worker path is covered in tests/roadmap.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portfolio import services
from roadmap.models import ProjectScore
from roadmap.services.recompute import portfolio_recompute
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter(transactional_db, settings):
    """A team of 1 for a 13-week quarter and six assessed projects of about 8 person-weeks each (one fits), plus
    two ideas with only a provisional effort, one far more uncertain than the other; a leader and an EM."""
    settings.STATUS_POLL_SECONDS = 1
    portfolio = services.portfolio_create(name="Marketplace ML", slug="marketplace-ml", trials=1000, capacity=1)
    for i in range(6):
        project = services.project_create(
            portfolio=portfolio, name=f"Project {i}", impact_low=20, impact_likely=60 + 10 * i, impact_high=160
        )
        services.assessment_record(project=project, tag="hard", effort_low=5, effort_likely=8, effort_high=12)
    for name, impact in (("Steady idea", (40, 45, 50)), ("Wild idea", (0, 60, 900))):
        services.project_create(
            portfolio=portfolio,
            name=name,
            impact_low=impact[0],
            impact_likely=impact[1],
            impact_high=impact[2],
            provisional_effort_low=6,
            provisional_effort_likely=8,
            provisional_effort_high=10,
        )
    portfolio_recompute(portfolio_id=portfolio.pk)
    for username, role in [("lee-lead", "leadership"), ("eve-em", "em"), ("pat-pm", "pm")]:
        MembershipFactory(user=UserFactory(username=username), portfolio=portfolio, role=role)
    return portfolio


def _cut_line_project(page) -> str:
    """The name of the first project below the cut line in the ranking table."""
    return page.locator("table.ranking tr.cut-line + tr td:nth-child(2) a").inner_text()


def test_leadership_see_the_cut_line_the_frontier_and_what_to_learn_next(log_in, live_server, quarter):
    lead = log_in("lee-lead")
    lead.goto(live_server.url + reverse("roadmap:chart", args=[quarter.slug]))
    expect(lead.locator("table.ranking tr.cut-line")).to_have_count(1)
    expect(lead.locator("table.ranking tr.cut-line")).to_contain_text("13.0 person-weeks")
    expect(lead.locator("#frontier-chart")).to_be_visible()
    expect(lead.locator("#frontier-chart .budget-mark.today")).to_have_count(1)
    expect(lead.locator(".one-more-person")).to_contain_text("One more person")
    expect(lead.locator("#learn-next")).to_be_visible()
    expect(lead.locator("table.learn-next tr.learn-item").first).to_be_visible()
    expect(lead.locator(".roi-chart g.bubble.funded").first).to_be_attached()


def test_a_whatif_with_two_more_people_moves_the_cut_line(log_in, live_server, quarter):
    pm = log_in("pat-pm")
    pm.goto(live_server.url + reverse("roadmap:chart", args=[quarter.slug]))
    below_before = _cut_line_project(pm)
    pm.goto(live_server.url + reverse("roadmap:timeline", args=[quarter.slug]))
    pm.fill("#whatif-capacity", "3")
    pm.click("#whatif-run")
    funding = pm.locator("#whatif-funding")
    expect(funding).to_contain_text("39.0 person-weeks")
    expect(funding.locator("ul.funding-moves li", has_text="funded now").first).to_be_visible()
    expect(funding.locator("ul.funding-moves")).to_contain_text(below_before)  # the first one out is in now


def test_an_ems_queue_starts_with_the_most_valuable_assessment(log_in, live_server, quarter):
    latest = quarter.ranking_snapshots.order_by("-input_version").first()
    values = dict(
        ProjectScore.objects.filter(snapshot=latest, name__in=["Steady idea", "Wild idea"]).values_list("name", "evpi")
    )
    most_valuable = max(values, key=values.get)
    em = log_in("eve-em")
    em.goto(live_server.url + reverse("portfolio:feasibility", args=[quarter.slug]))
    first = em.locator("table.feasibility-queue tbody tr").first
    expect(first).to_contain_text(most_valuable)
    expect(first.locator("td.information-value")).not_to_have_text("–")
