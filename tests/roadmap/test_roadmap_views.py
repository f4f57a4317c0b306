"""The roadmap page and its SVG downloads: each role, htmx and plain requests, a constant number of queries. Its
what-if scenarios and pins are test_whatif_views.py's and test_pin_views.py's."""

import pytest
from django.urls import reverse

from portfolio import formatting
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory
from tests.roadmap.conftest import _url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm", "em", "leadership"])
def test_every_member_reads_the_roadmap_with_its_gantt_value_chart_and_table(plan, role_clients, role):
    response = role_clients[role].get(_url("timeline", plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline-chart"' in html and 'id="value-curve-chart"' in html and 'id="roadmap-table"' in html
    assert html.count('class="timeline-row"') == 4
    assert html.count('class="links-note"') >= 2  # two requires links, marked at both ends: "waits for #n", "feeds #n"
    assert "marker-end" not in html  # no arrow runs across the chart
    assert "Toxicity &lt;signal&gt;" in html and "Toxicity <signal>" not in html
    assert 'aria-current="page">Roadmap<' in html
    row = plan["snapshot"].schedule.get(project=plan["projects"][2])
    assert formatting.day(row.finish_p50) in html
    assert 'id="whatif-capacity"' in html and 'id="whatif-run"' in html
    assert ('id="whatif-save"' in html) == (role == "pm")
    assert "<script>" not in html and "style=" not in html and " onclick" not in html


@pytest.mark.django_db
def test_outsiders_get_404_and_anonymous_users_are_sent_to_log_in(plan, outsider_client, client):
    for name in ("timeline", "timeline-svg", "whatif"):
        assert outsider_client.get(_url(name, plan)).status_code == 404
        assert client.get(_url(name, plan)).status_code == 302


@pytest.mark.django_db
def test_htmx_refresh_renders_only_the_figures_partial(plan, leader_client):
    response = leader_client.get(_url("timeline", plan), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="timeline-figures"')
    assert 'hx-trigger="figures-updated from:body"' in html
    assert "<html" not in html and 'id="whatif"' not in html


@pytest.mark.django_db
def test_the_page_says_when_no_roadmap_is_computed_yet(portfolio, leader_client):
    html = leader_client.get(reverse("roadmap:timeline", args=[portfolio.slug])).content.decode()
    assert "No figures computed yet" in html
    assert 'id="timeline-chart"' not in html


@pytest.mark.django_db
def test_svg_downloads_are_standalone_svg_files(plan, leader_client):
    response = leader_client.get(_url("timeline-svg", plan))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("<?xml") and "<svg" in body and "http://testserver/p/" in body
    value = leader_client.get(_url("timeline-svg", plan) + "?chart=value").content.decode()
    assert 'id="value-curve-chart"' in value and "points=" in value


@pytest.mark.django_db
def test_the_roadmap_page_runs_the_same_number_of_queries_for_4_or_24_projects(
    plan, leader_client, portfolio, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        leader_client.get(_url("timeline", plan))
    for k in range(20):
        project = ProjectFactory(portfolio=portfolio, name=f"Extra {k}", staffing=1)
        AssessmentFactory(project=project)
    portfolio.input_version += 1
    portfolio.save()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    assert snapshot.schedule.exclude(position=None).count() == 24
    with django_assert_num_queries(len(few.captured_queries)):
        html = leader_client.get(_url("timeline", plan)).content.decode()
    assert html.count('class="timeline-row"') == 24
