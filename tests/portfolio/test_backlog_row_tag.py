"""The backlog row tag (``portfolio/templatetags/backlog_rows.py``) writes exactly the HTML the row's template
partial wrote before it: every branch of every cell, for every column choice, edit right and row state, with
names that need escaping. The reference, ``backlog_row_reference.html``, is that partial as it was: the oracle."""

import itertools
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from portfolio.views.backlog import BacklogRow
from tests.factories import (
    AssessmentFactory,
    PortfolioFactory,
    ProgressFactory,
    ProjectFactory,
    ProjectScoreFactory,
    RankingSnapshotFactory,
)
from tests.portfolio.conftest import HTMX, snapshot_with

pytestmark = pytest.mark.django_db

REFERENCE = Template("{% load planner %}" + (Path(__file__).parent / "backlog_row_reference.html").read_text())
TAG = Template("{% load backlog_rows %}{% backlog_row %}")
COLUMNS = ("status", "owner", "impact", "effort", "tag", "rank", "roi", "ptopk")


class Access:
    def __init__(self, can_edit: bool) -> None:
        self.can_edit = can_edit


@pytest.fixture
def rows():
    """One row per branch: remaining / assessed / provisional / no effort; ranked (tied, moved, funded) / excluded
    / not scored; an owner or none; a long summary, none, and names that need escaping."""
    portfolio = PortfolioFactory(value_unit="k€ <net>")
    snapshot = RankingSnapshotFactory(portfolio=portfolio)
    building = ProgressFactory(
        project__portfolio=portfolio, project__name='Fraud <b>"&</b>', project__owner="Ana"
    ).project
    assessed = AssessmentFactory(project__portfolio=portfolio, project__summary="x" * 120, tag="hard").project
    provisional = ProjectFactory(
        portfolio=portfolio,
        summary="",
        provisional_effort_low=1,
        provisional_effort_likely=2,
        provisional_effort_high=3,
    )
    bare = ProjectFactory(portfolio=portfolio, status="parked", owner="<i>Bo</i>")
    scores = {
        building.pk: ProjectScoreFactory(
            snapshot=snapshot, project=building, rank=2, tied_with_above=True, funded=True
        ),
        assessed.pk: ProjectScoreFactory(snapshot=snapshot, project=assessed, rank=1, funded=False),
        bare.pk: ProjectScoreFactory(snapshot=snapshot, project=bare, excluded=True, excluded_reason="parked & <gone>"),
    }
    assessments = {assessed.pk: assessed.assessments.get()}
    moves = {building.pk: "▲3", assessed.pk: "new"}
    made = [
        BacklogRow(p, assessments.get(p.pk), scores.get(p.pk), moves.get(p.pk, ""))
        for p in (building, assessed, provisional, bare)
    ]
    return portfolio, snapshot, made


@pytest.mark.parametrize(
    "can_edit,saved,preserve,back_query",
    list(itertools.product((True, False), (True, False), (True, False), ("", "next=%2Fp%2F%3Fq%3Da&amp;<q>"))),
)
def test_the_row_tag_writes_the_partials_html(rows, can_edit, saved, preserve, back_query):
    portfolio, snapshot, made = rows
    for row, shown in itertools.product(made, ({c: True for c in COLUMNS}, {c: False for c in COLUMNS})):
        context = {
            "row": row,
            "show": shown,
            "portfolio": portfolio,
            "snapshot": snapshot,
            "access": Access(can_edit),
            "saved": saved,
            "preserve": preserve,
            "back_query": back_query,
        }

        assert TAG.render(Context(context)) == REFERENCE.render(Context(context))


def test_the_row_tag_matches_without_a_snapshot_or_the_optional_flags(rows):
    portfolio, _, made = rows
    for row in made:
        context = {"row": row, "show": {c: True for c in COLUMNS}, "portfolio": portfolio, "access": Access(True)}

        html = TAG.render(Context(context))

        assert html == REFERENCE.render(Context(context))
        assert f'id="project-row-{row.project.pk}"' in html and "just-saved" not in html


def test_a_row_swapped_in_by_htmx_is_the_row_of_the_table(portfolio, pm_client):
    """The read-only row an inline edit's Cancel (or Save) swaps in shows the same figures, tooltips included (the
    expected ROI's "over N trials"), as the same row of the table."""
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    snapshot_with(portfolio, {project: (1, 2.5, 0.9)})
    table = pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug]), **HTMX).content.decode()
    url = reverse("portfolio:project-row", args=[portfolio.slug, project.pk])

    row = pm_client.get(url + "?cancel=1", **HTMX).content.decode()

    start = table.index(f'<tr id="project-row-{project.pk}"')
    assert row.strip() == table[start : table.index("</tr>", start) + len("</tr>")]
    assert "over 100 trials" in row
