"""What a snapshot was computed with is stored on it as typed fields, and every page that shows its figures
reads them from there: after the portfolio's settings change (and before the recompute lands), each reader
still shows the settings the figures were computed with, never today's."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio import services as portfolio_services
from portfolio.models import Portfolio
from roadmap.charts import roi_cache
from roadmap.export import portfolio_export
from roadmap.models import RankingSnapshot
from roadmap.selectors.explanation import worked_example
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

THEN = {
    "value_unit": "M€",
    "cost_per_person_week": 5.0,
    "horizon_years": 2.0,
    "p_easy": 0.8,
    "p_hard": 0.4,
    "p_impossible": 0.1,
    "capacity": 3,
    "planning_window_weeks": 6,
    "roadmap_start": datetime.date(2027, 1, 4),
}
NOW = {
    "value_unit": "kCHF",
    "cost_per_person_week": 7.0,
    "horizon_years": 3.0,
    "p_easy": 0.6,
    "p_hard": 0.3,
    "p_impossible": 0.05,
    "capacity": 9,
    "planning_window_weeks": 26,
    "roadmap_start": datetime.date(2028, 6, 5),
    "trials": 300,
}


@pytest.fixture
def computed(portfolio):
    """A snapshot computed with the THEN settings (400 trials): a producer ranked first and its consumer."""
    Portfolio.objects.filter(pk=portfolio.pk).update(trials=400, **THEN)
    producer = ProjectFactory(
        portfolio=portfolio, name="Language ID", impact_low=90, impact_likely=100, impact_high=120
    )
    AssessmentFactory(project=producer, tag="easy", effort_low=2, effort_likely=2, effort_high=2)
    consumer = ProjectFactory(portfolio=portfolio, name="Translation")
    AssessmentFactory(project=consumer, tag="hard", effort_low=10, effort_likely=20, effort_high=40)
    ReuseLinkFactory(producer=producer, consumer=consumer, kind="requires", fraction=0.5)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    return {"snapshot": snapshot, "producer": producer, "consumer": consumer}


@pytest.fixture
def changed(computed, portfolio):
    """The same snapshot, after a PM changed every setting (the recompute has not run yet)."""
    portfolio.refresh_from_db()
    portfolio_services.portfolio_update(portfolio=portfolio, data=NOW)
    portfolio.refresh_from_db()
    assert RankingSnapshot.objects.filter(portfolio=portfolio).get() == computed["snapshot"]
    return computed


def _url(name: str, portfolio, *args) -> str:
    return reverse(f"roadmap:{name}", args=[portfolio.slug, *args])


@pytest.mark.django_db
def test_the_recompute_stores_the_settings_it_computed_with_as_fields(computed):
    snapshot = RankingSnapshot.objects.get(pk=computed["snapshot"].pk)
    assert {key: getattr(snapshot, key) for key in THEN} == THEN
    assert snapshot.trials == 400 and snapshot.top_k == 10


@pytest.mark.django_db
def test_timeline_shows_the_snapshots_capacity_start_and_unit(changed, portfolio, leader_client):
    html = leader_client.get(_url("timeline", portfolio), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="plan-capacity">3</strong> people from 4 Jan 2027' in html
    assert "Sum of success × impact (M€ per year)" in html
    assert "kCHF" not in html and "Jun 2028" not in html


@pytest.mark.django_db
def test_timeline_downloads_show_the_snapshots_capacity_start_and_unit(changed, portfolio, leader_client):
    gantt = leader_client.get(_url("timeline-svg", portfolio)).content.decode()
    assert "Team of 3 people from 4 Jan 2027" in gantt
    value = leader_client.get(_url("timeline-svg", portfolio) + "?chart=value").content.decode()
    assert "Cumulative annual value (M€ per year" in value and "Monthly points from 4 Jan 2027" in value
    assert "kCHF" not in gantt + value and "5 Jun 2028" not in gantt + value


@pytest.mark.django_db
def test_worked_example_uses_the_snapshots_horizon_cost_and_probabilities(changed, portfolio, leader_client):
    example = worked_example(snapshot=changed["snapshot"])
    assert (example.horizon_years, example.cost_per_person_week, example.p) == (2.0, 5.0, 0.8)
    consumer = changed["snapshot"].scores.get(name="Translation")
    assert example.credit_total == pytest.approx(0.8 * 0.5 * consumer.expected_effort * 5.0)
    html = " ".join(leader_client.get(_url("how", portfolio), HTTP_HX_REQUEST="true").content.decode().split())
    assert "5 M€ per person-week, a 2-year horizon, success probability easy 0.8, hard 0.4, impossible 0.1" in html
    assert "p = 0.8" in html and "× 2</td>" in html and "kCHF" not in html


@pytest.mark.django_db
def test_export_gives_the_settings_the_snapshot_was_computed_with(changed, portfolio):
    document = json.loads(json.dumps(portfolio_export(portfolio), default=str))
    assert document["snapshot"]["settings"] == {**THEN, "roadmap_start": "2027-01-04"}
    assert document["value_unit"] == "kCHF" and document["capacity"] == 9  # the portfolio's settings now


@pytest.mark.django_db
def test_chart_caption_and_axis_use_the_snapshots_unit_and_horizon(changed, portfolio, leader_client):
    page = leader_client.get(_url("chart", portfolio)).content.decode()
    assert "Values in M€ over the 2-year horizon" in page
    assert "vertical the value over the 2-year horizon" in page and "Risk-adjusted value per year (M€ / year)" in page
    svg = leader_client.get(_url("chart-svg", portfolio)).content.decode()
    assert "vertical the value over the 2-year horizon" in svg and "(M€ / year)" in svg
    assert "kCHF" not in page + svg and "3-year" not in page + svg


@pytest.mark.django_db
def test_chart_whiskers_divide_by_the_snapshots_horizon(changed, portfolio):
    points = roi_cache.chart_points(portfolio, changed["snapshot"])
    scores = {s.name: s for s in changed["snapshot"].scores.all()}
    for point in points:
        score = scores[point.name]
        assert point.value_p10_per_year == score.value_p10 / 2.0
        assert point.value_p90_per_year == score.value_p90 / 2.0


@pytest.mark.django_db
def test_status_banner_shows_the_snapshots_trials(changed, portfolio, leader_client):
    html = leader_client.get(_url("status", portfolio)).content.decode()
    assert "(400 trials, seed" in html and "300 trials" not in html


@pytest.mark.django_db
def test_project_page_gives_the_expected_value_in_the_snapshots_unit(changed, portfolio, leader_client):
    producer = changed["producer"]
    html = leader_client.get(reverse("portfolio:project", args=[portfolio.slug, producer.pk])).content.decode()
    assert "<dt>Expected value</dt>" in html
    assert html.split("<dt>Expected value</dt>")[1].split("</dd>")[0].endswith(" M€")


@pytest.mark.django_db
def test_recompute_command_prints_the_snapshots_unit_capacity_and_start(computed, portfolio):
    # Settings changed behind the recompute's back (no new input version): the command finds the snapshot
    # up to date and describes it with what it was computed with.
    Portfolio.objects.filter(pk=portfolio.pk).update(**NOW)
    out = io.StringIO()
    call_command("recompute", "--portfolio", portfolio.slug, stdout=out)
    text = out.getvalue()
    assert "already up to date" in text
    assert "M€" in text and "team of 3 people from 2027-01-04" in text and "kCHF" not in text
