"""The backlog page: the table with figures, search / filter / sort, PMs adding and inline-editing projects."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import services
from portfolio.models import Change, Project
from roadmap.models import ProjectScore, RankingSnapshot
from roadmap.services import compute_once
from tests.factories import AssessmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def backlog_url(portfolio, query: str = "") -> str:
    return reverse("portfolio:backlog", args=[portfolio.slug]) + (f"?{query}" if query else "")


def row_url(project) -> str:
    return reverse("portfolio:project-row", args=[project.portfolio.slug, project.pk])


def snapshot_with(portfolio, figures: dict, version: int = 1) -> RankingSnapshot:
    """A ranking snapshot with the given figures per project: {project: (rank, expected_roi, p_top_k)}."""
    snapshot = RankingSnapshot.objects.create(portfolio=portfolio, input_version=version, seed=1, trials=100, top_k=3)
    for project, (rank, roi, p_top_k) in figures.items():
        ProjectScore.objects.create(
            snapshot=snapshot,
            project=project,
            name=project.name,
            rank=rank,
            success_probability=0.5,
            expected_roi=roi,
            roi_p10=None if roi is None else roi - 1,
            roi_p50=roi,
            roi_p90=None if roi is None else roi + 1,
            p_top_k=p_top_k,
            excluded_reason="" if rank else "no effort range: ask an EM to assess it",
        )
    return snapshot


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def row_payload(project, **changes) -> dict:
    data = {
        "name": project.name,
        "status": project.status,
        "owner": project.owner,
        "impact_low": project.impact_low,
        "impact_likely": project.impact_likely,
        "impact_high": project.impact_high,
        "provisional_effort_low": "",
        "provisional_effort_likely": "",
        "provisional_effort_high": "",
        "staffing": project.staffing,
        "target_date": "",
        "version": project.version,
    }
    for field in list(data):
        if field != "version":
            data[f"initial-{field}"] = data[field]
    data.update(changes)
    return data


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
    assert "50.0 – 100 – 200" in html and "k$/year" in html
    assert "4.00 – 8.00 – 16.0" in html and "person-weeks" in html
    provisional = r'10\.0 – 20\.0 – 40\.0 <span class="unit">person-weeks</span> <span class="provisional">'
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


def test_pm_adds_a_project_without_javascript(portfolio, pm_client):
    data = {
        "name": "Churn model",
        "status": "idea",
        "owner": "Zoe",
        "impact_low": "5",
        "impact_likely": "10",
        "impact_high": "20",
    }
    response = pm_client.post(reverse("portfolio:project-create", args=[portfolio.slug]), data, follow=True)

    project = Project.objects.get(portfolio=portfolio, name="Churn model")
    assert project.owner == "Zoe" and project.impact_likely == 10 and not project.has_provisional_effort
    assert response.redirect_chain == [(backlog_url(portfolio), 302)]
    assert "Project “Churn model” added." in response.content.decode()
    assert Change.objects.filter(project=project, field="created").exists()


def test_pm_adds_a_project_with_htmx_and_gets_a_fresh_form_and_the_new_table(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Existing")
    data = {
        "name": "Churn model",
        "status": "idea",
        "impact_low": "5",
        "impact_likely": "10",
        "impact_high": "20",
        "provisional_effort_low": "2",
        "provisional_effort_likely": "3",
        "provisional_effort_high": "6",
    }
    url = reverse("portfolio:project-create", args=[portfolio.slug]) + "?q=churn"
    html = pm_client.post(url, data, **HTMX).content.decode()

    assert html.lstrip().startswith('<section id="project-create"')
    assert 'id="project-table" class="project-table" hx-swap-oob="true"' in html
    assert "1 of 2 projects" in html  # the table keeps the search the page showed
    assert 'value="Churn model"' not in html  # the form is empty again
    assert Project.objects.get(name="Churn model").provisional_effort_high == 6


def test_adding_a_project_with_errors_shows_them_next_to_the_field_and_saves_nothing(portfolio, pm_client):
    ProjectFactory(portfolio=portfolio, name="Taken")
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    bad = {
        "name": "Taken",
        "status": "idea",
        "impact_low": "30",
        "impact_likely": "10",
        "impact_high": "40",
        "provisional_effort_low": "nan",
        "provisional_effort_likely": "inf",
        "provisional_effort_high": "3",
    }

    plain = pm_client.post(url, bad)
    htmx = pm_client.post(url, bad, **HTMX)

    assert plain.status_code == 400 and htmx.status_code == 200
    for html in (plain.content.decode(), htmx.content.decode()):
        assert re.search(r'id="id_name-errors"><li>This portfolio already has a project with this name', html)
        assert re.search(r'id="id_provisional_effort_low-errors"><li>Enter a number', html)
        assert re.search(r'id="id_provisional_effort_likely-errors"><li>Enter a number', html)
        assert "Impact: likely must be at least low (30)." in html
    assert Project.objects.filter(portfolio=portfolio).count() == 1


def test_incomplete_provisional_effort_is_refused_next_to_its_field(portfolio, pm_client):
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    data = {
        "name": "New",
        "status": "idea",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "provisional_effort_low": "2",
    }
    html = pm_client.post(url, data, **HTMX).content.decode()
    assert re.search(r'id="id_provisional_effort_low-errors"><li>Give all three of low, likely and high', html)
    assert not Project.objects.filter(name="New").exists()


@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_pms_see_the_add_form_and_edit_links(portfolio, role_clients, role):
    project = ProjectFactory(portfolio=portfolio)
    html = role_clients[role].get(backlog_url(portfolio)).content.decode()
    assert 'id="project-create"' not in html
    assert row_url(project) not in html
    pm_html = role_clients["pm"].get(backlog_url(portfolio)).content.decode()
    assert 'id="project-create"' in pm_html and row_url(project) in pm_html


def test_ems_get_a_hint_linking_to_the_feasibility_queue(portfolio, em_client, pm_client):
    ProjectFactory.create_batch(2, portfolio=portfolio)
    AssessmentFactory(project=ProjectFactory(portfolio=portfolio))
    html = em_client.get(backlog_url(portfolio)).content.decode()
    assert "2 projects need an assessment" in html
    assert reverse("portfolio:feasibility", args=[portfolio.slug]) in html
    assert "need an assessment" not in pm_client.get(backlog_url(portfolio)).content.decode()


def test_inline_edit_row_opens_saves_and_answers_with_the_read_only_row(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    edit = pm_client.get(row_url(project), **HTMX).content.decode()
    assert edit.lstrip().startswith(f'<tr id="project-row-{project.pk}" class="editing"')
    assert 'name="version"' in edit and 'name="initial-impact_low"' in edit

    saved = pm_client.post(row_url(project), row_payload(project, owner="Bo", impact_high="300"), **HTMX)

    html = saved.content.decode()
    assert saved.status_code == 200 and html.lstrip().startswith(f'<tr id="project-row-{project.pk}" class=')
    assert "Bo" in html and "50.0 – 100 – 300" in html and "editing" not in html
    project.refresh_from_db()
    assert (project.owner, project.impact_high, project.version) == ("Bo", 300, 2)
    assert Change.objects.filter(project=project, field="impact_high", old="200.0", new="300.0").exists()


def test_cancelling_an_inline_edit_gives_back_the_read_only_row(portfolio, leader_client, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    html = pm_client.get(row_url(project) + "?cancel=1", **HTMX).content.decode()
    assert html.lstrip().startswith(f'<tr id="project-row-{project.pk}"') and "<input" not in html
    assert leader_client.get(row_url(project), **HTMX).status_code == 403


def test_inline_edit_errors_come_back_next_to_the_field_and_nothing_is_saved(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    response = pm_client.post(row_url(project), row_payload(project, staffing="0", impact_low="500"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and 'class="editing"' in html
    staffing_errors = rf'id="row-{project.pk}-staffing-errors"><li>Ensure this value is greater than or equal to 1'
    assert re.search(staffing_errors, html)
    assert f'<label for="row-{project.pk}-staffing">' in html
    assert "Impact: likely must be at least low (500)." in html
    project.refresh_from_db()
    assert project.version == 1 and project.impact_low == 50


def test_inline_edit_on_a_stale_version_shows_what_changed_and_overwrites_nothing(portfolio, pm_client, pm_user):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    stale = row_payload(project, owner="Mine")
    services.project_update(project=project, data={"impact_likely": 150.0, "owner": "Theirs"}, user=pm_user)

    plain = pm_client.post(row_url(project), stale)
    htmx = pm_client.post(row_url(project), stale, **HTMX)

    assert plain.status_code == 409 and htmx.status_code == 200
    for html in (plain.content.decode(), htmx.content.decode()):
        assert "Someone else saved this meanwhile; your changes were not saved." in html
        assert re.search(r"Impact likely</span>: <del>100.0</del> → <ins>150.0</ins>", html)
        assert re.search(r"Owner</span>: <del>Ana</del> → <ins>Theirs</ins>", html)
        assert 'name="version" value="2"' in html and 'value="Theirs"' in html  # re-based on the current version
    project.refresh_from_db()
    assert (project.owner, project.version) == ("Theirs", 2)


def test_inline_edit_applies_over_a_concurrent_save_of_other_fields(portfolio, pm_client, pm_user):
    project = ProjectFactory(portfolio=portfolio, name="Alpha", owner="Ana")
    payload = row_payload(project, owner="Mine")
    services.project_update(project=project, data={"summary": "Edited elsewhere"}, user=pm_user)

    response = pm_client.post(row_url(project), payload)

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.owner, project.summary, project.version) == ("Mine", "Edited elsewhere", 3)


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


def _add_projects(portfolio, count: int, start: int) -> list[Project]:
    projects = Project.objects.bulk_create(
        Project(portfolio=portfolio, name=f"Bulk {start + i:05d}", impact_low=1, impact_likely=2, impact_high=3)
        for i in range(count)
    )
    return list(Project.objects.filter(name__in=[p.name for p in projects]))


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


def test_a_name_with_a_semicolon_is_refused_next_to_the_name_field(portfolio, pm_client):
    url = reverse("portfolio:project-create", args=[portfolio.slug])
    data = {"name": "Spam; abuse", "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"}

    html = pm_client.post(url, data, **HTMX).content.decode()

    assert re.search(r'id="id_name-errors"><li>A project name cannot contain “;”', html)
    assert not Project.objects.filter(portfolio=portfolio).exists()


def test_a_big_backlog_is_shown_a_page_at_a_time_and_sorting_starts_on_the_first_page(portfolio, pm_client):
    _add_projects(portfolio, 230, 0)

    first = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc")).content.decode()
    last = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc&page=3"), **HTMX).content.decode()
    beyond = pm_client.get(backlog_url(portfolio, "sort=name&dir=asc&page=99")).content.decode()

    assert "230 of 230 projects</strong>; showing 1–100" in first
    assert first.count('id="project-row-') == 100 and "Bulk 00000" in first and "Bulk 00100" not in first
    assert "page=2" in first and "Page 1 of 3" in first
    assert last.count('id="project-row-') == 30 and "Bulk 00229" in last and "Bulk 00199" not in last
    assert "showing 201–230" in beyond  # a page past the end shows the last one
    sort_links = re.findall(r'<th scope="col"[^>]*>\s*<a href="([^"]+)"', first)
    assert sort_links and not any("page=" in link for link in sort_links)
