"""The project page's reads: a fixed number of queries whatever the project holds, the portfolio and its latest
snapshot read once, both directions of the reuse links in one query, and an htmx refresh reading its section alone."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import selectors
from portfolio.models import Change
from roadmap.models import RecomputeState
from tests.factories import (
    AssessmentFactory,
    ProjectFactory,
    ProjectScoreFactory,
    RankingSnapshotFactory,
    ReuseLinkFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# session, user, portfolio with the role; the project with its delivery, its assessments, its history; its links;
# the latest snapshot, the project's row in it, the figures' status; the project's roadmap row
PAGE_QUERIES = 11
FIGURES_QUERIES = 6  # session, user, portfolio with the role; the project; the latest snapshot, the project's row


def page_url(project) -> str:
    return reverse("portfolio:project", args=[project.portfolio.slug, project.pk])


@pytest.fixture
def ranked(portfolio):
    """A project with its row in the latest snapshot of a portfolio that has been recomputed."""
    project = ProjectFactory(portfolio=portfolio, name="Bullying comments")
    ProjectScoreFactory(snapshot=RankingSnapshotFactory(portfolio=portfolio), project=project)
    RecomputeState.objects.create(portfolio=portfolio)
    return project


def add_to(project, user, count: int) -> None:
    """``count`` producers, consumers, earlier assessments and recorded changes more."""
    for i in range(count):
        ReuseLinkFactory(producer=ProjectFactory(portfolio=project.portfolio, name=f"Producer {i}"), consumer=project)
        ReuseLinkFactory(producer=project, consumer=ProjectFactory(portfolio=project.portfolio, name=f"Consumer {i}"))
        AssessmentFactory(project=project, is_current=False, assessed_by=user, rationale=f"Look {i}")
        Change.objects.create(project=project, user=user, field="impact_high", old=str(200 + i), new=str(201 + i))


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def section(html: str, element_id: str) -> str:
    start = html.index(f'<section id="{element_id}"')
    return html[start : html.index("</section>", start) + len("</section>")]


def test_the_project_page_runs_the_same_queries_however_much_the_project_holds(
    ranked, em_user, leader_client, django_assert_num_queries
):
    with django_assert_num_queries(PAGE_QUERIES):
        leader_client.get(page_url(ranked))
    add_to(ranked, em_user, 3)

    with django_assert_num_queries(PAGE_QUERIES):
        html = leader_client.get(page_url(ranked)).content.decode()

    assert html.count('<tr id="link-') == 6 and "Producer 2" in html and "Consumer 2" in html
    assert "Look 2" in html and html.count("<tr data-field=") == 3


def test_the_project_page_reads_the_portfolio_and_its_latest_snapshot_once(ranked, leader_client):
    with CaptureQueriesContext(connection) as queries:
        leader_client.get(page_url(ranked))
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "roadmap_rankingsnapshot"' in q for q in sql) == 1
    assert sum('FROM "portfolio_portfolio"' in q for q in sql) == 1  # the roadmap section has it from the page


def test_project_links_gives_both_directions_in_link_order_in_one_query(portfolio, django_assert_num_queries):
    project = ProjectFactory(portfolio=portfolio, name="Middle")
    for name in ("C producer", "A producer", "B producer"):
        ReuseLinkFactory(producer=ProjectFactory(portfolio=portfolio, name=name), consumer=project, note=name)
    for name in ("Z consumer", "X consumer"):
        ReuseLinkFactory(producer=project, consumer=ProjectFactory(portfolio=portfolio, name=name), kind="requires")
    ReuseLinkFactory(producer=ProjectFactory(portfolio=portfolio), consumer=ProjectFactory(portfolio=portfolio))

    with django_assert_num_queries(1):  # what the page shows of each link comes with it
        links_in, links_out = selectors.project_links(project=project)
        shown = [
            (x.producer.name, x.consumer.name, x.kind, x.fraction, x.note, x.version) for x in links_in + links_out
        ]

    assert [x.producer.name for x in links_in] == ["A producer", "B producer", "C producer"]
    assert [x.consumer.name for x in links_out] == ["X consumer", "Z consumer"]
    assert shown[0] == ("A producer", "Middle", "benefits", 0.2, "A producer", 1)
    assert shown[3] == ("Middle", "X consumer", "requires", 0.2, "", 1)


def test_an_htmx_refresh_of_the_figures_reads_the_figures_alone(
    ranked, em_user, leader_client, django_assert_num_queries
):
    add_to(ranked, em_user, 2)
    full = leader_client.get(page_url(ranked)).content.decode()

    with django_assert_num_queries(FIGURES_QUERIES):
        partial = leader_client.get(page_url(ranked), **HTMX).content.decode()

    assert partial.strip() == section(full, "project-figures")


def test_an_htmx_refresh_of_the_links_is_the_pages_links_section(ranked, em_user, pm_client):
    add_to(ranked, em_user, 2)
    full = pm_client.get(page_url(ranked)).content.decode()
    partial = pm_client.get(page_url(ranked), HTTP_HX_TARGET="project-links", **HTMX).content.decode()
    assert 'aria-label="Add a reuse link"' in partial
    assert without_csrf(partial).strip() == without_csrf(section(full, "project-links"))


def test_an_htmx_refresh_of_a_project_of_another_portfolio_is_not_found(portfolio, leader_client):
    elsewhere = ProjectFactory()
    url = reverse("portfolio:project", args=[portfolio.slug, elsewhere.pk])
    assert leader_client.get(url, **HTMX).status_code == 404
    assert leader_client.get(url, HTTP_HX_TARGET="project-links", **HTMX).status_code == 404
