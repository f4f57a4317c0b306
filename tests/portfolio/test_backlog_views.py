"""The backlog page: the table with figures, search / filter / sort, PMs adding and inline-editing projects."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import selectors, services
from portfolio.forms.project import SORT_CHOICES
from portfolio.models import Change, Project, Status, Tag
from portfolio.views import backlog
from portfolio.views.backlog import BacklogRow
from roadmap.models import RankingSnapshot
from roadmap.selectors.snapshots import latest_snapshot, scores_by_project
from roadmap.services.recompute import compute_once
from tests.factories import AssessmentFactory, ProjectFactory, RankingSnapshotFactory, bulk_scores
from tests.payloads import project_row_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def backlog_url(portfolio, query: str = "") -> str:
    return reverse("portfolio:backlog", args=[portfolio.slug]) + (f"?{query}" if query else "")


def row_url(project) -> str:
    return reverse("portfolio:project-row", args=[project.portfolio.slug, project.pk])


def snapshot_with(portfolio, figures: dict, version: int = 1) -> RankingSnapshot:
    """A ranking snapshot with the given figures per project: {project: (rank, expected_roi, p_top_k)}."""
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=version, seed=1, trials=100, top_k=3)
    rows = (
        {
            "project": project,
            "excluded": rank is None,
            "rank": rank,
            "success_probability": 0.5,
            "expected_roi": roi,
            "roi_p10": None if roi is None else roi - 1,
            "roi_p50": roi,
            "roi_p90": None if roi is None else roi + 1,
            "p_top_k": p_top_k,
            "excluded_reason": "" if rank else "no effort range: ask an EM to assess it",
        }
        for project, (rank, roi, p_top_k) in figures.items()
    )
    bulk_scores(snapshot, rows)
    return snapshot


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

    saved = pm_client.post(row_url(project), project_row_form(project, owner="Bo", impact_high="300"), **HTMX)

    html = saved.content.decode()
    assert saved.status_code == 200 and html.lstrip().startswith(f'<tr id="project-row-{project.pk}" class=')
    assert "Bo" in html and "50–100–300" in html and "editing" not in html
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
    response = pm_client.post(row_url(project), project_row_form(project, staffing="0", impact_low="500"), **HTMX)

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
    stale = project_row_form(project, owner="Mine")
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
    payload = project_row_form(project, owner="Mine")
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


# --- Sorting in the database: the same order as the former in-Python sort (kept here as the reference). ---

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


def shown_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="project-row-(\d+)"', html)]


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
