"""What the two busiest writes ask the database: a PM's inline edit of a backlog row and an EM's assessment.

Each check is asked once, where it counts: a name is checked against the others under the portfolio's lock (and not
at all while it stays the project's own), references the locked rows already prove are not read again, nor is a user
a range stays credited to, and the re-rendered row reads the latest snapshot once.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import services
from portfolio.models import PROJECT_NAME_TAKEN, Change, FeasibilityAssessment
from tests.factories import AssessmentFactory, ProjectFactory, UserFactory
from tests.payloads import form_data, project_row_form
from tests.portfolio.conftest import HTMX, snapshot_with

pytestmark = pytest.mark.django_db

NAME_CHECK = 'FROM "portfolio_project" WHERE ("portfolio_project"."name" ='
USER_READ = 'FROM "auth_user" WHERE "auth_user"."id" ='


def _row_url(project) -> str:
    return reverse("portfolio:project-row", args=[project.portfolio.slug, project.pk])


def _assess_url(project) -> str:
    return reverse("portfolio:assess", args=[project.portfolio.slug, project.pk])


def _sql(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def credited_row(portfolio, pm_user):
    """A ranked project whose impact range ``pm_user`` already estimated (their inline edits keep the credit)."""
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    snapshot_with(portfolio, {project: (1, 2.5, 0.9)})
    return services.project_update(project=project, data={"impact_high": 250.0}, user=pm_user)


def test_an_inline_edit_that_keeps_the_name_runs_a_fixed_number_of_queries(
    credited_row, pm_client, django_assert_num_queries
):
    payload = project_row_form(credited_row, impact_high="300")

    # session, user, portfolio, project; the write (a savepoint here: the test's transaction holds it): lock the
    # portfolio, the project, the update (no savepoint for a kept name), the history, the input version, the
    # webhooks; the row: the latest snapshot, its row of the project, the rank moves, the current assessment (not
    # the figures' status: only the page around the row shows it). Nothing commits in a test: the recompute is
    # queued by the on-commit callback, as before.
    with django_assert_num_queries(17):
        response = pm_client.post(_row_url(credited_row), payload, **HTMX)

    assert response.status_code == 200 and "just-saved" in response.content.decode()


def test_an_inline_edit_that_keeps_the_name_asks_nothing_about_names_users_or_the_portfolio(credited_row, pm_client):
    with CaptureQueriesContext(connection) as queries:
        pm_client.post(_row_url(credited_row), project_row_form(credited_row, impact_high="300"), **HTMX)

    sql = _sql(queries)
    assert not [q for q in sql if NAME_CHECK in q]
    assert not [q for q in sql if USER_READ in q and "django_session" not in q][1:]  # the session's user alone
    assert not [q for q in sql if q.startswith('SELECT 1 AS "a" FROM "portfolio_portfolio"')]
    assert len([q for q in sql if 'FROM "roadmap_rankingsnapshot"' in q]) == 1
    credited_row.refresh_from_db()
    assert (credited_row.impact_high, credited_row.version) == (300, 3)


def test_the_edit_row_and_the_read_only_row_read_no_figures_status(credited_row, pm_client):
    for url in (_row_url(credited_row), _row_url(credited_row) + "?cancel=1"):
        with CaptureQueriesContext(connection) as queries:
            html = pm_client.get(url, **HTMX).content.decode()

        assert html.lstrip().startswith(f'<tr id="project-row-{credited_row.pk}"')
        assert not [q for q in _sql(queries) if "roadmap_recomputestate" in q]


def test_an_edit_refused_without_htmx_still_shows_the_figures_status_of_the_page(credited_row, pm_client):
    html = pm_client.post(_row_url(credited_row), project_row_form(credited_row, impact_low="900")).content.decode()

    assert "Impact: likely must be at least low (900)." in html
    assert 'id="figures-status"' in html


def test_a_rename_is_checked_once_by_the_form_and_once_under_the_lock(credited_row, pm_client):
    with CaptureQueriesContext(connection) as queries:
        pm_client.post(_row_url(credited_row), project_row_form(credited_row, name="Beta"), **HTMX)

    assert len([q for q in _sql(queries) if NAME_CHECK in q]) == 2
    credited_row.refresh_from_db()
    assert credited_row.name == "Beta"


def test_an_edit_that_moves_a_credit_writes_its_history_in_one_insert(credited_row):
    other = UserFactory(username="quinn-pm")

    with CaptureQueriesContext(connection) as queries:
        services.project_update(project=credited_row, data={"impact_high": 400.0, "owner": "Bo"}, user=other)

    inserts = [q for q in _sql(queries) if q.startswith('INSERT INTO "portfolio_change"')]
    assert len(inserts) == 1
    rows = Change.objects.filter(project=credited_row).order_by("id")
    assert [(c.field, c.old, c.new) for c in rows][-2:] == [
        ("impact_estimated_by", "pat-pm", "quinn-pm"),
        ("impact_high", "250.0", "400.0"),
    ]


def test_a_rename_to_a_taken_name_is_refused_by_the_service_under_the_lock(portfolio, pm_user):
    ProjectFactory(portfolio=portfolio, name="Taken")
    project = ProjectFactory(portfolio=portfolio, name="Mine")

    with pytest.raises(ValidationError) as refused:
        services.project_update(project=project, data={"name": "Taken"}, user=pm_user)

    assert refused.value.message_dict == {"name": [PROJECT_NAME_TAKEN]}
    project.refresh_from_db()
    assert (project.name, project.version) == ("Mine", 1)


def test_a_pin_of_a_project_keeping_its_name_asks_nothing_about_names(credited_row, pm_user):
    with CaptureQueriesContext(connection) as queries:
        services.project_pin_set(project=credited_row, position=3, user=pm_user)

    assert not [q for q in _sql(queries) if NAME_CHECK in q]
    credited_row.refresh_from_db()
    assert credited_row.roadmap_pin == 3


def test_an_edit_keeps_refusing_a_stored_name_its_validators_refuse_now(portfolio, pm_user):
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    type(project).objects.filter(pk=project.pk).update(name="Spam; abuse")  # stored before the rule existed
    project.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.project_update(project=project, data={"impact_high": 300.0}, user=pm_user)

    assert "name" in refused.value.message_dict


def test_a_range_credited_to_the_same_user_again_reads_no_user_and_records_no_credit_move(credited_row, pm_user):
    with CaptureQueriesContext(connection) as queries:
        services.project_update(project=credited_row, data={"impact_high": 400.0}, user=pm_user)

    assert not [q for q in _sql(queries) if USER_READ in q]
    moves = Change.objects.filter(project=credited_row, field="impact_estimated_by")
    assert [(c.old, c.new) for c in moves] == [("imported", "pat-pm")]  # the first edit's, none since
    credited_row.refresh_from_db()
    assert (credited_row.impact_estimated_by, credited_row.impact_estimated_by_label) == (pm_user, "pat-pm")


def test_a_range_credited_to_another_user_records_the_move_by_name(credited_row):
    other = UserFactory(username="quinn-pm")

    services.project_update(project=credited_row, data={"impact_high": 400.0}, user=other)

    moves = Change.objects.filter(project=credited_row, field="impact_estimated_by").order_by("id")
    assert [(c.old, c.new) for c in moves] == [("imported", "pat-pm"), ("pat-pm", "quinn-pm")]
    credited_row.refresh_from_db()
    assert credited_row.impact_estimated_by == other


@pytest.fixture
def assessed(portfolio, em_user, pm_user):
    """A project the PM estimated, assessed once by ``em_user``."""
    project = ProjectFactory(portfolio=portfolio, name="Alpha")
    project = services.project_update(project=project, data={"impact_high": 250.0}, user=pm_user)
    AssessmentFactory(project=project, assessed_by=em_user)
    services.assessment_record(project=project, user=em_user, tag="hard", effort_low=1, effort_likely=2, effort_high=4)
    return project


def test_an_assessment_runs_a_fixed_number_of_queries(assessed, em_client, django_assert_num_queries):
    data = form_data(em_client.get(_assess_url(assessed)), tag="easy", effort_low="2")

    # session, user, portfolio, project and its assessments; the write (a savepoint here: the test's transaction
    # holds it): lock the portfolio, the project, the current assessment, its retirement, the new one, the history,
    # the input version, the webhooks (the effort stays credited to the same EM: nothing to write). The recompute
    # is queued on commit, as before.
    with django_assert_num_queries(15):
        response = em_client.post(_assess_url(assessed), data)

    assert response.status_code == 302
    assert assessed.assessments.get(is_current=True).tag == "easy"


def test_an_assessment_locks_and_reads_the_project_once_and_reads_no_user(assessed, em_client):
    data = form_data(em_client.get(_assess_url(assessed)), tag="easy", effort_low="2")

    with CaptureQueriesContext(connection) as queries:
        em_client.post(_assess_url(assessed), data)

    sql = _sql(queries)
    assert len([q for q in sql if 'FROM "portfolio_project" WHERE "portfolio_project"."id" =' in q]) == 1
    current_reads = [q for q in sql if q.startswith("SELECT") and "is_current" in q.split("WHERE")[-1]]
    assert len(current_reads) == 1
    assert not [q for q in sql if USER_READ in q and "django_session" not in q][1:]  # the session's user alone
    assert len([q for q in sql if q.startswith("SAVEPOINT")]) == 1  # the service's own transaction, not two
    current = FeasibilityAssessment.objects.get(project=assessed, is_current=True)
    assert (current.tag, current.effort_low, current.assessed_by.username) == ("easy", 2, "erin-em")
    assessed.refresh_from_db()
    assert (assessed.effort_estimated_by_label, assessed.impact_estimated_by_label) == ("erin-em", "pat-pm")


def test_an_assessment_by_another_em_moves_the_effort_credit_with_its_history(assessed, portfolio):
    other = UserFactory(username="omar-em")

    with CaptureQueriesContext(connection) as queries:
        services.assessment_record(
            project=assessed, user=other, tag="easy", effort_low=1, effort_likely=2, effort_high=3
        )

    assert len([q for q in _sql(queries) if q.startswith('UPDATE "portfolio_project"')]) == 1
    assessed.refresh_from_db()
    assert (assessed.effort_estimated_by, assessed.effort_estimated_by_label) == (other, "omar-em")
    move = Change.objects.filter(project=assessed, field="effort_estimated_by").latest("id")
    assert (move.old, move.new) == ("erin-em", "omar-em")
