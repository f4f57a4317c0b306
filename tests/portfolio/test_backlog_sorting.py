"""Sorting the backlog in the database: the same order, filtered or not and page by page, as the former in-Python
sort (kept here as the reference), in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import selectors
from portfolio.forms.project import SORT_CHOICES
from portfolio.models import Status, Tag
from portfolio.views import backlog
from portfolio.views.backlog import BacklogRow
from roadmap.selectors.snapshots import latest_snapshot, scores_by_project
from tests.factories import AssessmentFactory, ProjectFactory
from tests.portfolio.conftest import HTMX, _add_projects, backlog_url, shown_order, snapshot_with

pytestmark = pytest.mark.django_db


STATUS_ORDER = {value: i for i, value in enumerate(Status.values)}


TAG_ORDER = {value: i for i, value in enumerate(Tag.values)}


def _score_field(name: str):
    return lambda row: getattr(row.score, name) if row.score else None


REFERENCE_SORT_KEYS = {
    "name": lambda row: row.project.name.casefold(),
    "status": lambda row: STATUS_ORDER.get(row.project.status),
    "owner": lambda row: row.project.owner.casefold() or None,
    "impact": lambda row: row.project.impact_likely,
    "effort": lambda row: row.effort_likely,
    "tag": lambda row: TAG_ORDER.get(row.tag) if row.tag else None,
    "rank": _score_field("rank"),
    "roi": _score_field("expected_roi"),
    "ptopk": _score_field("p_top_k"),
}


def reference_sort(rows: list[BacklogRow], key: str, direction: str) -> list[BacklogRow]:
    """The backlog's former sort: ties keep name order; rows without a value come last either way."""
    getter = REFERENCE_SORT_KEYS[key]
    present = [row for row in rows if getter(row) is not None]
    missing = [row for row in rows if getter(row) is None]
    present.sort(key=getter, reverse=direction == "desc")
    return present + missing


def reference_order(portfolio, key: str, direction: str, tags: list[str] | None = None, **filters) -> list[int]:
    """Project ids in the order the former view showed them: every project loaded, sorted in Python.

    The tag filter is applied here on the rows ("none": no current assessment), independently of the
    selectors' own tag filter.
    """
    scores = scores_by_project(snapshot=latest_snapshot(portfolio=portfolio))
    projects = selectors.project_list(portfolio=portfolio, **filters)
    rows = [BacklogRow(p, selectors.current_assessment(p), scores.get(p.pk)) for p in projects]
    if tags:
        rows = [row for row in rows if (row.tag or "none") in tags]
    return [row.project.pk for row in reference_sort(rows, key, direction)]


@pytest.fixture
def mixed_backlog(portfolio):
    """Projects with ties, missing values and mixed case in every sortable column, and two snapshots."""
    specs = [  # name, status, owner, impact likely, provisional effort likely, (tag, effort likely) or None
        ("alpha", "idea", "ana", 100, None, ("easy", 8)),
        ("Alpha two", "building", "Ana", 100, 8, None),
        ("Bravo", "idea", "", 50, None, None),
        ("bravo-x", "shipped", "bob", 200, 8, ("hard", 8)),
        ("Charlie", "parked", "Bob", 50, None, ("impossible", 20)),
        ("charlie 2", "discovery", "", 300, 3, None),
        ("Delta", "iterating", "carol", 100, None, ("easy", 3)),
        ("echo", "building", "Dave", 120, 20, ("hard", 30)),
        ("ECHO 9", "idea", "dave", 120, None, None),
        ("foxtrot", "discovery", "Ana", 75, 8, ("easy", 8)),
    ]
    projects = {}
    for name, status, owner, impact, provisional, assessment in specs:
        effort = {}
        if provisional is not None:
            effort = {
                "provisional_effort_low": provisional / 2,
                "provisional_effort_likely": provisional,
                "provisional_effort_high": provisional * 2,
            }
        project = ProjectFactory(
            portfolio=portfolio,
            name=name,
            status=status,
            owner=owner,
            impact_low=impact / 2,
            impact_likely=impact,
            impact_high=impact * 2,
            **effort,
        )
        if assessment is not None:
            AssessmentFactory(project=project, tag="impossible", effort_likely=99, effort_high=99, is_current=False)
            tag, likely = assessment
            AssessmentFactory(
                project=project, tag=tag, effort_low=likely / 2, effort_likely=likely, effort_high=likely * 2
            )
        projects[name] = project
    p = projects
    snapshot_with(portfolio, {project: (1, 9.0, 0.99) for project in p.values()}, version=1)  # an older ranking
    snapshot_with(
        portfolio,
        {
            p["alpha"]: (3, 1.5, 0.5),
            p["Alpha two"]: (None, None, None),
            p["Bravo"]: (1, 4.0, 0.9),
            p["bravo-x"]: (2, 1.5, 0.5),
            p["Charlie"]: (5, -0.5, None),
            p["charlie 2"]: (4, 4.0, 0.1),
            p["Delta"]: (None, None, None),
            p["echo"]: (6, 0.0, 0.0),
            # "ECHO 9" and "foxtrot" have no row in the latest snapshot (added since it was computed)
        },
        version=2,
    )
    return projects


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("key", [key for key, _ in SORT_CHOICES])
def test_every_sort_gives_the_order_of_the_former_python_sort(portfolio, mixed_backlog, leader_client, key, direction):
    html = leader_client.get(backlog_url(portfolio, f"sort={key}&dir={direction}"), **HTMX).content.decode()

    assert shown_order(html) == reference_order(portfolio, key, direction)


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("q=ana&sort=owner&dir=desc", {"search": "ana"}),
        ("tag=none&tag=easy&sort=effort&dir=asc", {"tags": ["none", "easy"]}),
        ("tag=none&sort=roi&dir=desc", {"tags": ["none"]}),
        ("tag=hard&tag=impossible&sort=tag&dir=desc", {"tags": ["hard", "impossible"]}),
        ("status=idea&status=building&sort=ptopk&dir=asc", {"statuses": ["idea", "building"]}),
    ],
)
def test_filtered_sorts_show_the_same_rows_in_the_same_order_as_before(
    portfolio, mixed_backlog, pm_client, query, filters
):
    key, direction = re.search(r"sort=(\w+)&dir=(\w+)", query).groups()
    expected = reference_order(portfolio, key, direction, **filters)

    html = pm_client.get(backlog_url(portfolio, query), **HTMX).content.decode()

    assert expected and shown_order(html) == expected
    assert f"{len(expected)} of {len(mixed_backlog)} projects" in html


@pytest.mark.parametrize(("key", "direction"), [("name", "asc"), ("roi", "desc"), ("effort", "desc"), ("tag", "asc")])
def test_pages_cut_the_database_order_where_the_former_sort_did(
    portfolio, mixed_backlog, leader_client, monkeypatch, key, direction
):
    monkeypatch.setattr(backlog, "PAGE_SIZE", 3)
    pages = [
        leader_client.get(backlog_url(portfolio, f"sort={key}&dir={direction}&page={n}"), **HTMX).content.decode()
        for n in (1, 2, 3, 4)
    ]

    assert [len(shown_order(html)) for html in pages] == [3, 3, 3, 1]
    assert [pk for html in pages for pk in shown_order(html)] == reference_order(portfolio, key, direction)


def test_without_a_snapshot_the_figure_sorts_keep_name_order(portfolio, pm_client):
    for name in ["bravo", "Alpha", "charlie"]:
        ProjectFactory(portfolio=portfolio, name=name)

    html = pm_client.get(backlog_url(portfolio, "sort=rank&dir=desc"), **HTMX).content.decode()

    assert shown_order(html) == reference_order(portfolio, "rank", "desc")


@pytest.mark.parametrize(("key", "direction"), [("rank", "asc"), ("name", "desc"), ("tag", "desc"), ("effort", "asc")])
def test_a_page_of_a_big_backlog_takes_a_fixed_number_of_queries_and_fetches_only_its_rows(
    portfolio, em_client, key, direction
):
    few = _add_projects(portfolio, 10, 0)
    snapshot_with(portfolio, {p: (i + 1, 1.0, 0.5) for i, p in enumerate(few)})
    url = backlog_url(portfolio, f"sort={key}&dir={direction}&page=2")
    with CaptureQueriesContext(connection) as small:
        em_client.get(url)
    many = _add_projects(portfolio, 490, 10)
    for project in many[:40]:
        AssessmentFactory(project=project)
    snapshot_with(portfolio, {p: (i + 1, 1.0, 0.5) for i, p in enumerate([*few, *many])}, version=2)

    with CaptureQueriesContext(connection) as big:
        html = em_client.get(url).content.decode()

    assert len(big) == len(small)
    size = backlog.PAGE_SIZE
    assert len(shown_order(html)) == size and f"showing {size + 1}–{2 * size}" in html
    assert shown_order(html) == reference_order(portfolio, key, direction)[size : 2 * size]
