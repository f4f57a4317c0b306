"""The backlog page: the table with figures, search / filter / sort, paging, the EM hint, and a constant number of
queries. Adding and inline-editing projects are test_backlog_editing.py's, the database sorts
test_backlog_sorting.py's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import selectors
from portfolio.views import backlog
from roadmap.services.recompute import compute_once
from tests.factories import AssessmentFactory, ProjectFactory
from tests.portfolio.conftest import HTMX, _add_projects, backlog_url, shown_order, snapshot_with

pytestmark = pytest.mark.django_db


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_backlog_shows_ranges_units_tag_and_the_latest_figures(portfolio, pm_client):
    assessed = ProjectFactory(portfolio=portfolio, name="Spam filter", owner="Ana")
    AssessmentFactory(project=assessed, tag="easy")
    guessed = ProjectFactory(
        portfolio=portfolio,
        name="Feed ranking",
        provisional_effort_low=10,
        provisional_effort_likely=20,
        provisional_effort_high=40,
    )
    ProjectFactory(portfolio=portfolio, name="Unestimated idea")
    snapshot = compute_once(portfolio_id=portfolio.pk)
    scores = {s.project_id: s for s in snapshot.scores.all()}

    html = pm_client.get(backlog_url(portfolio)).content.decode()

    assert f'href="{reverse("portfolio:project", args=[portfolio.slug, assessed.pk])}"' in html
    assert "50–100–200" in html and "k$/year" in html
    assert "4–8–16" in html and "person-weeks" in html
    provisional = r'10–20–40 <span class="unit">person-weeks</span> <span class="provisional">'
    assert re.search(provisional, html)
    assert 'class="tag tag-easy"' in html and "needs assessment" in html
    assert f"#{scores[assessed.pk].rank}" in html and f"#{scores[guessed.pk].rank}" in html
    assert scores[[p for p in scores if p not in (assessed.pk, guessed.pk)][0]].excluded_reason in html
    assert "3 of 3 projects" in html


def test_excluded_project_shows_its_reason_instead_of_a_rank(portfolio, leader_client):
    ranked = ProjectFactory(portfolio=portfolio, name="Ranked")
    excluded = ProjectFactory(portfolio=portfolio, name="Excluded")
    snapshot_with(portfolio, {ranked: (1, 2.5, 0.9), excluded: (None, None, None)})

    html = leader_client.get(backlog_url(portfolio)).content.decode()
    excluded_row = html[html.index(f'id="project-row-{excluded.pk}"') :].split("</tr>")[0]

    assert "no effort range: ask an EM to assess it" in excluded_row
    assert "#" not in re.sub(r"<[^>]+>", "", excluded_row).replace("&#", "")
    assert "+250%" in html and "90%" in html


def test_search_matches_name_summary_and_owner_and_htmx_gets_only_the_table(portfolio, em_client):
    ProjectFactory(portfolio=portfolio, name="Toxic comments", summary="Bullying detection", owner="Rui")
    ProjectFactory(portfolio=portfolio, name="Spam", summary="Report button labels", owner="Bullwinkle")
    ProjectFactory(portfolio=portfolio, name="Search", summary="Query understanding", owner="Mia")

    full = em_client.get(backlog_url(portfolio, "q=bull")).content.decode()
    partial = em_client.get(backlog_url(portfolio, "q=bull"), **HTMX).content.decode()

    assert "<html" in full and "<html" not in partial
    assert partial.lstrip().startswith('<div id="project-table"')
    for html in (full, partial):
        assert "Toxic comments" in html and "Spam" in html and ">Search</a>" not in html
        assert "2 of 3 projects" in html


def test_filters_by_several_statuses_and_by_tag_including_not_assessed(portfolio, pm_client):
    idea = ProjectFactory(portfolio=portfolio, name="An idea", status="idea")
    building = ProjectFactory(portfolio=portfolio, name="Being built", status="building")
    ProjectFactory(portfolio=portfolio, name="Was parked", status="parked")
    AssessmentFactory(project=building, tag="hard")

    by_status = pm_client.get(backlog_url(portfolio, "status=idea&status=building"), **HTMX).content.decode()
    hard = pm_client.get(backlog_url(portfolio, "tag=hard"), **HTMX).content.decode()
    unassessed = pm_client.get(backlog_url(portfolio, "tag=none&status=idea"), **HTMX).content.decode()

    assert "An idea" in by_status and "Being built" in by_status and "Was parked" not in by_status
    assert "Being built" in hard and "An idea" not in hard and "1 of 3 projects" in hard
    assert idea.name in unassessed and "Being built" not in unassessed and "Was parked" not in unassessed


def test_sorting_by_roi_and_rank_uses_the_snapshot_figures(portfolio, leader_client):
    a = ProjectFactory(portfolio=portfolio, name="Alpha")
    b = ProjectFactory(portfolio=portfolio, name="Bravo")
    c = ProjectFactory(portfolio=portfolio, name="Charlie")
    d = ProjectFactory(portfolio=portfolio, name="Delta")
    snapshot_with(portfolio, {a: (3, 0.1, 0.2), b: (1, 5.0, 0.9), c: (2, 1.0, 0.5), d: (None, None, None)})
    names = ["Alpha", "Bravo", "Charlie", "Delta"]

    by_roi = leader_client.get(backlog_url(portfolio, "sort=roi&dir=desc")).content.decode()
    by_rank = leader_client.get(backlog_url(portfolio, "sort=rank&dir=asc"), **HTMX).content.decode()
    by_rank_desc = leader_client.get(backlog_url(portfolio, "sort=rank&dir=desc"), **HTMX).content.decode()
    by_name_desc = leader_client.get(backlog_url(portfolio, "sort=name&dir=desc"), **HTMX).content.decode()

    body = lambda html: html[html.index("<tbody>") :]  # noqa: E731
    assert names_in_order(body(by_roi), names) == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert names_in_order(body(by_rank), names) == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert names_in_order(body(by_rank_desc), names) == ["Alpha", "Charlie", "Bravo", "Delta"]  # unranked stay last
    assert names_in_order(body(by_name_desc), names) == ["Delta", "Charlie", "Bravo", "Alpha"]


def test_sort_links_keep_the_filters_and_reverse_the_current_order(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Alpha")
    html = pm_client.get(backlog_url(portfolio, "q=al&status=idea&sort=name&dir=asc")).content.decode()

    assert 'href="/p/trust-safety/?q=al&amp;status=idea&amp;sort=name&amp;dir=desc"' in html
    assert 'hx-get="/p/trust-safety/?q=al&amp;status=idea&amp;sort=roi&amp;dir=desc"' in html
    assert 'aria-sort="ascending"' in html
    # the search form sends the sort order the table shows (the inputs are swapped with the table)
    table = html[html.index('<div id="project-table"') :]
    assert '<input type="hidden" name="sort" value="name" form="backlog-filters">' in table
    assert '<input type="hidden" name="dir" value="asc" form="backlog-filters">' in table
    assert 'hx-push-url="true"' in html


def test_bad_filter_values_fall_back_to_defaults(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Alpha")
    response = pm_client.get(backlog_url(portfolio, "sort=evil&dir=sideways&status=nope"))
    assert response.status_code == 200
    assert "Alpha" in response.content.decode()


def test_table_refreshes_itself_when_new_figures_land_and_keeps_an_open_inline_edit(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    html = pm_client.get(backlog_url(portfolio, "q=al")).content.decode()
    assert 'hx-trigger="figures-updated from:body"' in html
    assert 'hx-get="/p/trust-safety/?q=al"' in html

    refresh = pm_client.get(backlog_url(portfolio, f"q=al&editing={project.pk}"), **HTMX).content.decode()
    assert f'id="project-row-{project.pk}" class="" hx-preserve="true"' in refresh
    assert "editing=" not in refresh  # the marker of an open edit never leaks into the links


def test_user_text_is_escaped_in_the_table(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="<script>alert(1)</script>", owner="<b>x</b>")
    html = pm_client.get(backlog_url(portfolio)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html


def _count_backlog_queries(client, portfolio) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(backlog_url(portfolio, "sort=roi&dir=desc"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["pm", "em"])
def test_backlog_runs_the_same_number_of_queries_for_10_and_1000_projects(portfolio, role_clients, role):
    client = role_clients[role]
    few = _add_projects(portfolio, 10, 0)
    AssessmentFactory(project=few[0])
    snapshot_with(portfolio, {p: (i + 1, 1.0 / (i + 1), 0.5) for i, p in enumerate(few)})
    with_10 = _count_backlog_queries(client, portfolio)
    assert "10 of 10 projects" in client.get(backlog_url(portfolio)).content.decode()

    many = _add_projects(portfolio, 990, 10)
    for project in many[:50]:
        AssessmentFactory(project=project)
    snapshot_with(portfolio, {p: (i + 1, 1.0, 0.5) for i, p in enumerate([*few, *many])}, version=2)
    with_1000 = _count_backlog_queries(client, portfolio)

    assert "1000 of 1000 projects" in client.get(backlog_url(portfolio)).content.decode()
    assert with_10 == with_1000


def test_a_big_backlog_is_shown_a_page_at_a_time_and_sorting_starts_on_the_first_page(portfolio, pm_client):
    size = backlog.PAGE_SIZE
    total = 4 * size + 30
    _add_projects(portfolio, total, 0)

    first = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc")).content.decode()
    last = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc&page=5"), **HTMX).content.decode()
    beyond = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc&page=99")).content.decode()

    assert f"{total} of {total} projects</strong>; showing 1–{size}" in first
    assert first.count('id="project-row-') == size and "Bulk 00000" in first and f"Bulk {size:05d}" not in first
    assert "page=2" in first and "Page 1 of 5" in first
    assert last.count('id="project-row-') == 30 and f"Bulk {total - 1:05d}" in last
    assert f"Bulk {4 * size - 1:05d}" not in last
    assert f"showing {4 * size + 1}–{total}" in beyond  # a page past the end shows the last one
    sort_links = re.findall(r'<th scope="col"[^>]*>\s*<a href="([^"]+)"', first)
    assert sort_links and not any("page=" in link for link in sort_links)


def test_the_hint_counts_the_projects_the_feasibility_queue_lists(portfolio, em_client):
    ProjectFactory(portfolio=portfolio, name="Not assessed", status="idea")
    ProjectFactory(portfolio=portfolio, name="Shipped, not assessed", status="shipped")
    AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name="Up to date", status="building"))
    changed = ProjectFactory(portfolio=portfolio, name="Impact changed", status="discovery")
    AssessmentFactory(project=changed, impact_high_seen=changed.impact_high + 1)
    reassessed = ProjectFactory(portfolio=portfolio, name="Reassessed", status="idea")
    AssessmentFactory(project=reassessed, impact_likely_seen=1, is_current=False)
    AssessmentFactory(project=reassessed)

    html = em_client.get(backlog_url(portfolio)).content.decode()

    assert len(selectors.feasibility_queue(portfolio=portfolio)) == 2
    assert selectors.feasibility_queue_count(portfolio=portfolio) == 2
    assert "2 projects need an assessment" in html


def test_needs_assessment_filter_leaves_out_reassessed_projects(portfolio, pm_client):
    reassessed = ProjectFactory(portfolio=portfolio, name="Reassessed")
    AssessmentFactory(project=reassessed, tag="hard", is_current=False)
    AssessmentFactory(project=reassessed, tag="easy")
    never = ProjectFactory(portfolio=portfolio, name="Never assessed")

    html = pm_client.get(backlog_url(portfolio, "tag=none"), **HTMX).content.decode()

    assert shown_order(html) == [never.pk] and "1 of 2 projects" in html
