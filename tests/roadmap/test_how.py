"""'How scores are computed': the formulas with this portfolio's settings and a worked example that
matches the snapshot's figures."""

import math

import pytest
from django.urls import reverse

from portfolio.models import Portfolio
from roadmap.selectors.explanation import worked_example
from roadmap.selectors.snapshots import latest_snapshot
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

URL = "roadmap:how"


@pytest.fixture
def ranked_portfolio(portfolio):
    """A producer that is easy to rank first (constant impact and effort) and a consumer it helps."""
    Portfolio.objects.filter(pk=portfolio.pk).update(value_unit="M€", cost_per_person_week=5, horizon_years=2)
    portfolio.refresh_from_db()
    producer = ProjectFactory(
        portfolio=portfolio, name="Language ID", impact_low=100, impact_likely=100, impact_high=100
    )
    AssessmentFactory(project=producer, tag="easy", effort_low=2, effort_likely=2, effort_high=2)
    consumer = ProjectFactory(portfolio=portfolio, name="Translation")
    AssessmentFactory(project=consumer, tag="hard", effort_low=10, effort_likely=20, effort_high=40)
    ReuseLinkFactory(producer=producer, consumer=consumer, fraction=0.5)
    portfolio_recompute(portfolio_id=portfolio.pk)
    return portfolio


def test_page_fills_in_this_portfolios_settings(ranked_portfolio, leader_client):
    response = leader_client.get(reverse(URL, args=["trust-safety"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 M€ per person-week" in html
    assert "× 2 years + reuse credit_t" in html
    assert "easy 0.9, hard 0.5, impossible 0" in html
    assert "alpha = 1 + 4 × (likely − low) / (high − low)" in html
    assert "P(top-10)" in html and "portfolio/scoring.py" in html
    assert "needs an effort estimate" in html  # the exclusion reasons come from the scoring module


def test_worked_example_takes_the_top_ranked_project_and_its_credit(ranked_portfolio, pm_client):
    html = pm_client.get(reverse(URL, args=["trust-safety"])).content.decode()
    assert "Worked example: Language ID" in html
    assert "Reuse credit from Translation" in html
    assert "Jensen" in html


def test_worked_example_arithmetic_matches_the_simulation(ranked_portfolio):
    snapshot = latest_snapshot(portfolio=ranked_portfolio)
    example = worked_example(snapshot=snapshot)
    assert example.project.name == "Language ID" and example.score.rank == 1
    consumer = snapshot.scores.get(name="Translation")
    expected_credit = 0.9 * 0.5 * consumer.expected_effort * 5
    assert example.credit_total == pytest.approx(expected_credit)
    assert example.value_of_means == pytest.approx(0.9 * 100 * 2 + expected_credit)
    # value_t = 200 x Bernoulli(0.9) + credit_t: its mean is within 4 standard errors of the simulated mean.
    spread = math.sqrt(0.9 * 0.1) * (200 + expected_credit)
    assert example.score.expected_value == pytest.approx(example.value_of_means, abs=4 * spread / math.sqrt(2000))
    assert example.cost_of_means == pytest.approx(2 * 5)  # constant effort: no Jensen gap on the cost side


def test_page_without_snapshot_explains_the_math_and_waits_for_figures(portfolio, em_client):
    html = em_client.get(reverse(URL, args=["trust-safety"])).content.decode()
    assert "How scores are computed" in html
    assert "No figures computed yet" in html
    assert "Worked example:" not in html


def test_htmx_refresh_gets_only_the_worked_example(ranked_portfolio, leader_client):
    response = leader_client.get(reverse(URL, args=["trust-safety"]), HTTP_HX_REQUEST="true")
    html = response.content.decode().strip()
    assert html.startswith('<section id="worked-example"')
    assert 'hx-trigger="figures-updated from:body"' in html
    assert "<html" not in html and "Language ID" in html and "M€" in html


def test_a_hostile_project_name_is_escaped(portfolio, leader_client):
    project = ProjectFactory(portfolio=portfolio, name="<script>alert('x')</script>")
    AssessmentFactory(project=project)
    portfolio_recompute(portfolio_id=portfolio.pk)
    html = leader_client.get(reverse(URL, args=["trust-safety"])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_how_page_is_for_members_only(portfolio, outsider_client):
    assert outsider_client.get(reverse(URL, args=["trust-safety"])).status_code == 404


def test_worked_example_shows_the_saving_from_a_shipped_producer(portfolio, leader_client):
    shipped = ProjectFactory(portfolio=portfolio, name="Spam labels", status="shipped")
    top = ProjectFactory(portfolio=portfolio, name="Spam model", impact_low=90, impact_likely=90, impact_high=90)
    AssessmentFactory(project=top, tag="easy", effort_low=4, effort_likely=4, effort_high=4)
    ReuseLinkFactory(producer=shipped, consumer=top, fraction=0.5)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    example = worked_example(snapshot=snapshot)
    assert example.saving == 0.5 and example.effort_after_saving == 2.0
    assert example.score.expected_effort == pytest.approx(2.0)  # constant effort: the simulation agrees exactly
    html = leader_client.get(reverse(URL, args=["trust-safety"])).content.decode()
    assert "Saving from shipped producers" in html and "mean effort × (1 − 0.5)" in html


def test_page_explains_the_roadmap_with_this_portfolios_capacity_and_common_random_numbers(portfolio, leader_client):
    Portfolio.objects.filter(pk=portfolio.pk).update(capacity=7)
    html = leader_client.get(reverse(URL, args=[portfolio.slug])).content.decode()
    roadmap = html.split('id="roadmap"')[1].split("</section>")[0]
    assert "list scheduling with a team of 7" in roadmap
    assert "The team is 7 people" in roadmap and "Merge bias" in roadmap and "pinned to place 1" in roadmap
    assert "Common random numbers" in html and 'id="common-random-numbers"' in html
