"""Who may set the CSV's feasibility columns: only an EM records an assessment, so a PM's import may carry those
cells only as they are now (an exported file re-imports after editing impact); anything that would record or
change an assessment is refused on its row and column, and nothing is saved. Superusers and the command line
(unless ``--as USERNAME``) act as the operator and may set every column."""

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from portfolio import services
from portfolio.models import FeasibilityAssessment, Project
from tests.factories import ProjectFactory, UserFactory, import_through_page

SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"


@pytest.fixture
def search_ranking(portfolio, em_user):
    """“Search ranking” as the demo has it: assessed by the EM."""
    project = ProjectFactory(
        portfolio=portfolio,
        name="Search ranking",
        status="discovery",
        impact_low=300,
        impact_likely=500,
        impact_high=900,
    )
    services.assessment_record(
        project=project, user=em_user, tag="easy", effort_low=8, effort_likely=12, effort_high=20
    )
    return project


def _error_cells(response) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr><td class="num">(\d+)</td><td>(\w+)</td><td>(.*?)</td></tr>', response.content.decode())


@pytest.mark.django_db
def test_a_pm_uploading_the_sample_records_no_assessment_and_sees_each_refused_cell(
    portfolio, search_ranking, pm_client, em_user
):
    """The review's repro: the sample's row for “Search ranking” made its current assessment “hard … by pm” with
    a 40% override, and the EM queue listed it as assessed."""
    current = search_ranking.assessments.get(is_current=True)

    response = import_through_page(pm_client, portfolio.slug, SAMPLE.read_bytes(), name="sample-import.csv")

    cells = _error_cells(response)
    refused = {(row, column) for row, column, _ in cells}
    assert {("5", "feasibility"), ("5", "success_probability"), ("5", "effort_low")} <= refused  # Search ranking
    assert {("2", "feasibility"), ("3", "feasibility")} <= refused  # new projects with a tag
    search = {column: message for row, column, message in cells if row == "5"}
    assert "Only an engineering manager of this portfolio records feasibility assessments" in search["feasibility"]
    assert "the current assessment says “easy”" in search["feasibility"]
    assert "effort range is 8–12–20 person-weeks" in search["effort_low"]
    assert FeasibilityAssessment.objects.get(project=search_ranking, is_current=True) == current
    assert current.assessed_by == em_user and not FeasibilityAssessment.objects.exclude(pk=current.pk).exists()
    assert list(Project.objects.filter(portfolio=portfolio)) == [search_ranking]


@pytest.mark.django_db
def test_a_pm_reimporting_an_export_after_editing_impact_keeps_the_ems_assessment(
    portfolio, search_ranking, pm_client, em_user
):
    download = pm_client.get(reverse("roadmap:export", args=[portfolio.slug, "csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(download)))
    rows[0]["impact_high"] = "1000"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=rows[0].keys())
    writer.writeheader()
    writer.writerows(rows)
    assessment = search_ranking.assessments.get(is_current=True)

    response = import_through_page(pm_client, portfolio.slug, edited.getvalue().encode(), follow=True)

    assert "0 projects created, 1 updated, 0 unchanged; 0 assessments recorded" in response.content.decode()
    search_ranking.refresh_from_db()
    assert search_ranking.impact_high == 1000
    assert FeasibilityAssessment.objects.get(project=search_ranking, is_current=True) == assessment
    assert assessment.assessed_by == em_user


@pytest.mark.django_db
def test_a_feasibility_cell_that_equals_the_current_assessment_is_no_change(portfolio, search_ranking, pm_client):
    data = b"name,feasibility,effort_low,effort_likely,effort_high\nSearch ranking,easy,,,\n"

    response = import_through_page(pm_client, portfolio.slug, data, follow=True)

    assert "0 assessments recorded" in response.content.decode()
    assert search_ranking.assessments.count() == 1


@pytest.mark.django_db
def test_a_pms_own_effort_guess_without_a_tag_is_their_provisional_range(portfolio, pm_client):
    data = b"name,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high\nNew idea,1,2,3,4,6,9\n"

    response = import_through_page(pm_client, portfolio.slug, data)

    assert response.status_code == 302
    project = Project.objects.get(portfolio=portfolio, name="New idea")
    assert (project.provisional_effort_likely, project.assessments.exists()) == (6, False)


@pytest.mark.django_db
def test_an_administrator_may_record_the_assessment_through_the_page(
    portfolio, search_ranking, admin_client, admin_user
):
    data = (
        b"name,feasibility,success_probability,effort_low,effort_likely,effort_high\nSearch ranking,hard,0.4,12,20,40\n"
    )

    response = import_through_page(admin_client, portfolio.slug, data)

    assert response.status_code == 302
    current = search_ranking.assessments.get(is_current=True)
    assert (current.tag, current.success_probability_override, current.assessed_by) == ("hard", 0.4, admin_user)


# --- the command line: the operator, or --as USERNAME -------------------------------------------------------------


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_projects", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_as_a_pm_on_the_command_line_follows_the_pms_rule(portfolio, search_ranking, pm_user):
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_projects", str(SAMPLE), "--portfolio", portfolio.slug, "--as", pm_user.username, stderr=err
        )

    assert "row 5, column feasibility: Only an engineering manager" in err.getvalue()
    assert search_ranking.assessments.count() == 1 and Project.objects.filter(portfolio=portfolio).count() == 1


@pytest.mark.django_db
def test_import_as_a_user_records_them_as_the_author(portfolio, search_ranking):
    root = UserFactory(username="ops-root", is_superuser=True, is_staff=True)

    out, _ = _run(str(SAMPLE), "--portfolio", portfolio.slug, "--as", root.username)

    assert "3 assessments recorded" in out
    assert search_ranking.assessments.get(is_current=True).assessed_by == root
    spam = Project.objects.get(portfolio=portfolio, name="Spam classifier for posts")
    assert spam.changes.get(field="created").user == root


@pytest.mark.django_db
def test_import_as_someone_who_may_not_import_is_refused(portfolio, em_user, outsider):
    for username, reason in ((em_user.username, "role em"), (outsider.username, "not a member"), ("nobody", None)):
        with pytest.raises(CommandError, match=reason or 'No active user named "nobody"'):
            _run(str(SAMPLE), "--portfolio", portfolio.slug, "--as", username)
    assert not Project.objects.filter(portfolio=portfolio).exists()
