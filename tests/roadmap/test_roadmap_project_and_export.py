"""The roadmap on the project page ({% project_schedule %}), in the JSON export and in ``manage.py recompute``."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio import formatting
from roadmap.export import portfolio_export
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

START = datetime.date(2027, 1, 4)
ROADMAP_KEYS = ("start_p10", "start_p50", "start_p90", "finish_p10", "finish_p50", "finish_p90")


@pytest.fixture
def plan(portfolio):
    portfolio.roadmap_start = START
    portfolio.trials = 400
    portfolio.save()
    producer = ProjectFactory(portfolio=portfolio, name="Language identification")
    consumer = ProjectFactory(portfolio=portfolio, name="Safe translation", target_date=datetime.date(2027, 4, 1))
    unranked = ProjectFactory(portfolio=portfolio, name="No estimate yet")
    for project in (producer, consumer):
        AssessmentFactory(project=project, tag="easy", effort_low=4, effort_likely=8, effort_high=16)
    ReuseLinkFactory(producer=producer, consumer=consumer, kind="requires")
    portfolio.input_version += 1
    portfolio.save()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    return {"producer": producer, "consumer": consumer, "unranked": unranked, "snapshot": snapshot}


@pytest.mark.django_db
def test_project_page_shows_its_finish_distribution_target_probability_and_what_it_waits_for(plan, leader_client):
    consumer = plan["consumer"]
    html = leader_client.get(reverse("portfolio:project", args=[consumer.portfolio.slug, consumer.pk])).content.decode()
    row = plan["snapshot"].schedule.get(project=consumer)
    assert 'id="project-schedule"' in html
    assert formatting.day(row.finish_p50) in html
    assert 'id="project-p-meet-target"' in html and f"{round(row.p_meet_target * 100)}%" in html
    assert "Finish-date distribution" in html and "<polyline" in html
    assert "Waits for" in html and "Language identification" in html
    assert 'id="pin-open"' not in html  # leadership does not pin


@pytest.mark.django_db
def test_project_page_offers_the_pin_control_to_a_pm_only(plan, pm_client, em_client):
    consumer = plan["consumer"]
    url = reverse("portfolio:project", args=[consumer.portfolio.slug, consumer.pk])
    assert 'id="pin-open"' in pm_client.get(url).content.decode()
    assert 'id="pin-open"' not in em_client.get(url).content.decode()


@pytest.mark.django_db
def test_project_page_says_why_a_project_is_not_on_the_roadmap(plan, em_client):
    unranked = plan["unranked"]
    html = em_client.get(reverse("portfolio:project", args=[unranked.portfolio.slug, unranked.pk])).content.decode()
    assert "Not on the roadmap" in html


@pytest.mark.django_db
def test_project_schedule_tag_runs_a_fixed_number_of_queries(plan, django_assert_max_num_queries):
    from django.template import Context, Template

    template = Template("{% load roadmap_tags %}{% project_schedule project %}")
    consumer = type(plan["consumer"]).objects.select_related("portfolio").get(pk=plan["consumer"].pk)
    with django_assert_max_num_queries(4):
        html = template.render(Context({"project": consumer}))
    assert "Safe translation" in html


@pytest.mark.django_db
def test_project_schedule_tag_given_the_latest_snapshot_does_not_read_it_again(plan, django_assert_num_queries):
    from django.template import Context, Template

    consumer = type(plan["consumer"]).objects.select_related("portfolio").get(pk=plan["consumer"].pk)
    context = {"project": consumer, "latest": plan["snapshot"]}
    read_itself = Template("{% load roadmap_tags %}{% project_schedule project %}").render(Context(context))
    with django_assert_num_queries(2):  # the project's roadmap row, the rows of the producers it waits for
        html = Template("{% load roadmap_tags %}{% project_schedule project latest %}").render(Context(context))
    assert html == read_itself and "Waits for" in html


@pytest.mark.django_db
def test_json_export_carries_each_projects_bands_and_the_value_curve(plan, leader_client, portfolio):
    document = json.loads(leader_client.get(reverse("roadmap:export", args=[portfolio.slug, "json"])).content)
    by_name = {p["name"]: p for p in document["projects"]}
    row = plan["snapshot"].schedule.get(project=plan["consumer"])
    consumer = by_name["Safe translation"]
    assert [consumer[k] for k in ROADMAP_KEYS] == [getattr(row, k).isoformat() for k in ROADMAP_KEYS]
    assert consumer["p_meet_target"] == row.p_meet_target
    assert all(by_name["No estimate yet"][k] is None for k in ROADMAP_KEYS)
    curve = document["value_curve"]
    assert curve[0]["date"] == START.isoformat() and set(curve[0]) == {"date", "p10", "p50", "p90"}
    assert curve == sorted(curve, key=lambda p: p["date"])
    assert all(p["p10"] <= p["p50"] <= p["p90"] for p in curve)


@pytest.mark.django_db
def test_export_portfolio_command_includes_the_roadmap(plan, portfolio):
    out = io.StringIO()
    call_command("export_portfolio", "--portfolio", portfolio.slug, "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["value_curve"] == portfolio_export(portfolio)["value_curve"]
    assert document["projects"][0].keys() >= {*ROADMAP_KEYS, "p_meet_target"}


@pytest.mark.django_db
def test_recompute_command_reports_the_roadmap_computed_in_the_same_run(plan, portfolio):
    out = io.StringIO()
    call_command("recompute", "--portfolio", portfolio.slug, stdout=out)
    text = out.getvalue()
    last = max(r.finish_p50 for r in plan["snapshot"].schedule.exclude(position=None))
    assert "roadmap: 2 projects scheduled" in text and str(last) in text
