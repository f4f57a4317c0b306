"""The project page (every field, links, assessments, history, figures with the ROI bar), editing and deletion."""

import datetime
import re

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import Change, Project, ReuseLink
from roadmap.charts.roi_bar import roi_bar
from roadmap.models import ProjectScore
from tests.factories import (
    AssessmentFactory,
    ProjectFactory,
    ProjectScoreFactory,
    RankingSnapshotFactory,
    ReuseLinkFactory,
    UserFactory,
)
from tests.payloads import project_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(project) -> str:
    return reverse("portfolio:project", args=[project.portfolio.slug, project.pk])


def edit_url(project) -> str:
    return reverse("portfolio:project-edit", args=[project.portfolio.slug, project.pk])


def delete_url(project) -> str:
    return reverse("portfolio:project-delete", args=[project.portfolio.slug, project.pk])


@pytest.fixture
def project(portfolio):
    return ProjectFactory(
        portfolio=portfolio,
        name="Bullying comments",
        summary="Detect bullying in comments.",
        user_problem="Teens leave when they are bullied.",
        problem_type="nlp",
        status="discovery",
        owner="Ana",
        output_kpi="Bullying reports per 1k comments",
        input_metrics="Precision at the gray-area threshold",
        lazy_10x_note="Hide every comment: reports drop, so pair the KPI with comments posted.",
        target_date=datetime.date(2027, 3, 1),
        staffing=3,
        provisional_effort_low=5,
        provisional_effort_likely=10,
        provisional_effort_high=20,
    )


def score_for(project, **figures) -> ProjectScore:
    snapshot = RankingSnapshotFactory(portfolio=project.portfolio, input_version=1, seed=7, trials=500, top_k=5)
    values = {
        "rank": 2,
        "success_probability": 0.5,
        "expected_value": 45.0,
        "expected_effort": 9.5,
        "expected_roi": 0.4,
        "roi_p10": -1.0,
        "roi_p50": 0.3,
        "roi_p90": 1.6,
        "p_top_k": 0.62,
        "roi_se": 0.03,
        "p_loss": 0.55,
    }
    values.update(figures)
    return ProjectScoreFactory(snapshot=snapshot, project=project, **values)


def test_project_page_shows_every_field_with_units(project, leader_client):
    html = leader_client.get(page_url(project)).content.decode()

    for text in (
        "Detect bullying in comments.",
        "Teens leave when they are bullied.",
        "Language (NLP)",
        "Discovery",
        "Ana",
        "Bullying reports per 1k comments",
        "Precision at the gray-area threshold",
        "Hide every comment: reports drop",
        "2027-03-01",
        "3 people",
        "50–100–200 k$ per year",
        "5–10–20 person-weeks",
    ):
        assert text in html, text
    assert "Imagine the laziest way to 10x this KPI; if it hurts the product, the KPI needs a counter-metric" in html


def test_project_page_shows_links_in_both_directions(project, pm_client):
    producer = ProjectFactory(portfolio=project.portfolio, name="Report button labels")
    consumer = ProjectFactory(portfolio=project.portfolio, name="Gray-area treatments")
    ReuseLinkFactory(producer=producer, consumer=project, kind="requires", fraction=0.3, note="labels")
    ReuseLinkFactory(producer=project, consumer=consumer, kind="benefits", fraction=0.15)

    html = pm_client.get(page_url(project)).content.decode()
    reuses, reused_by = html.split("<h3>Reuses output of</h3>")[1].split("<h3>Output reused by</h3>")

    assert "Report button labels" in reuses and "Requires" in reuses and "30%" in reuses and "labels" in reuses
    assert "Gray-area treatments" in reused_by.split("<h3>Add")[0] and "Benefits from" in reused_by
    assert "15%" in reused_by


def test_project_page_lists_current_and_earlier_assessments_with_data_readiness(project, em_client, em_user):
    AssessmentFactory(project=project, tag="hard", is_current=False, rationale="First look")
    AssessmentFactory(
        project=project,
        tag="easy",
        assessed_by=em_user,
        examples_needed=10000,
        examples_available=2500,
        label_agreement_target=0.8,
        label_agreement_current=0.65,
        success_probability_override=0.7,
        rationale="Labels exist <b>already</b>",
    )

    html = em_client.get(page_url(project)).content.decode()
    table = html[html.index('class="assessments"') :]

    assert table.index("Current") < table.index("Earlier")
    assert "2,500 of 10,000 labelled examples" in table and "(25% coverage)" in table
    assert "80% / 65%" in table and "70%" in table and "erin-em" in table and "First look" in table
    assert "Labels exist &lt;b&gt;already&lt;/b&gt;" in table


def test_project_page_shows_the_history_of_changes(project, pm_client, pm_user):
    services.project_update(project=project, data={"impact_high": 260.0}, user=pm_user)
    html = pm_client.get(page_url(project)).content.decode()
    history = html[html.index("History of changes") :]
    assert "pat-pm" in history and "Impact, high: 200 → 260 k$/year" in history


def test_project_page_draws_the_roi_range_as_an_svg_bar_with_its_figures(project, leader_client):
    score_for(project)
    html = leader_client.get(page_url(project)).content.decode()

    assert "Rank #2" in html and "+40%" in html and "P(top-5)" in html and "62%" in html
    # The summary gives P(loss) and the ROI's standard error; the percentiles stay in the bar and its tooltip.
    assert "P(loss)</dt><dd>55%" in html and "±3.0% standard error" in html
    assert "45.0 k$" in html and "9.50 person-weeks" in html
    assert "<svg" in html and "<title" in html and "P10 −100%, P50 +30%, P90 +160%, expected +40%" in html
    bar = roi_bar(ProjectScore(roi_p10=-1.0, roi_p50=0.3, roi_p90=1.6, expected_roi=0.4))
    assert f'<rect x="{bar.x_p10}"' in html and f'cx="{bar.x_mean}"' in html and ">0%</text>" in html


def test_excluded_project_page_says_why_it_is_not_ranked(project, pm_client):
    score_for(
        project,
        rank=None,
        excluded_reason="parked",
        expected_roi=None,
        roi_p10=None,
        roi_p50=None,
        roi_p90=None,
        p_top_k=None,
    )
    html = pm_client.get(page_url(project)).content.decode()
    assert "Not ranked:</strong> parked" in html and "<svg" not in html


def test_figures_refresh_themselves_and_htmx_gets_only_the_figures(project, em_client):
    score_for(project)
    html = em_client.get(page_url(project)).content.decode()
    assert re.search(r'id="project-figures"[^>]*hx-trigger="figures-updated from:body"', html)

    partial = em_client.get(page_url(project), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-figures")
    text = partial.content.decode()
    assert text.lstrip().startswith('<section id="project-figures"') and "<html" not in text and "Rank #2" in text


@pytest.mark.parametrize(
    ("role", "assess", "edit"), [("pm", False, True), ("em", True, False), ("leadership", False, False)]
)
def test_each_role_sees_its_own_actions(project, role_clients, role, assess, edit):
    html = role_clients[role].get(page_url(project)).content.decode()
    assert (reverse("portfolio:assess", args=[project.portfolio.slug, project.pk]) in html) is assess
    assert (edit_url(project) in html) is edit
    assert (delete_url(project) in html) is edit
    assert ('aria-label="Add a reuse link"' in html) is edit


def test_non_members_get_404_for_a_project_of_someone_elses_portfolio(project, outsider_client):
    assert outsider_client.get(page_url(project)).status_code == 404


def test_pm_edits_every_field_and_is_sent_back_to_the_page(project, pm_client):
    data = project_form(
        project,
        name="Bullying v2",
        summary="New summary",
        status="building",
        staffing="4",
        target_date="2027-06-30",
        impact_low="60",
        provisional_effort_high="25",
        output_kpi="KPI 2",
    )
    response = pm_client.post(edit_url(project), data, follow=True)

    assert response.redirect_chain == [(page_url(project), 302)]
    assert "Project “Bullying v2” saved." in response.content.decode()
    project.refresh_from_db()
    assert (project.name, project.summary, project.status, project.staffing) == (
        "Bullying v2",
        "New summary",
        "building",
        4,
    )
    assert project.target_date == datetime.date(2027, 6, 30) and project.impact_low == 60
    assert project.provisional_effort_high == 25 and project.output_kpi == "KPI 2" and project.version == 2
    assert Change.objects.filter(project=project, field="status", old="discovery", new="building").exists()


def test_edit_form_shows_current_values_and_version_to_pms_only(project, pm_client, em_client):
    html = pm_client.get(edit_url(project)).content.decode()
    assert 'name="version" value="1"' in html and 'value="Bullying comments"' in html
    assert 'value="2027-03-01"' in html and "laziest way to 10x this KPI" in html
    assert em_client.get(edit_url(project)).status_code == 403
    assert em_client.post(edit_url(project), project_form(project, name="EM edit")).status_code == 403
    assert Project.objects.get(pk=project.pk).name == "Bullying comments"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"impact_likely": "300"}, "impact_high", "Impact: high must be at least likely (300)."),
        ({"impact_low": "-5"}, "impact_low", "Ensure this value is greater than or equal to 0."),
        ({"impact_high": "inf"}, "impact_high", "Enter a number."),
        ({"provisional_effort_likely": "1"}, "provisional_effort_likely", "likely must be at least low (5)"),
        ({"provisional_effort_high": ""}, "provisional_effort_low", "Give all three of low, likely and high"),
        ({"name": ""}, "name", "This field is required."),
        ({"owner": "x" * 121}, "owner", "Ensure this value has at most 120 characters"),
        ({"target_date": "31/31/2027"}, "target_date", "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_next_to_its_field(project, pm_client, changes, field, message):
    response = pm_client.post(edit_url(project), project_form(project, **changes))

    html = response.content.decode()
    assert response.status_code == 400
    errors = re.search(rf'id="id_{field}-errors">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1)
    assert Project.objects.get(pk=project.pk).version == 1


def test_saving_on_top_of_someone_elses_save_is_refused_with_what_they_changed(project, pm_client, pm_user):
    stale = project_form(project, summary="My summary")
    services.project_update(project=project, data={"summary": "Their summary", "staffing": 5}, user=pm_user)

    response = pm_client.post(edit_url(project), stale)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this meanwhile; your changes were not saved." in html
    assert "Summary</span>: <del>Detect bullying in comments.</del> → <ins>Their summary</ins>" in html
    assert "Staffing (people)</span>: <del>3</del> → <ins>5</ins>" in html
    assert "reapply your changes and save again" in html
    assert 'name="version" value="2"' in html and "Their summary</textarea>" in html
    assert Project.objects.get(pk=project.pk).summary == "Their summary"


def test_delete_asks_for_confirmation_first(project, pm_client):
    response = pm_client.post(delete_url(project))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete “Bullying comments”?" in html and 'name="confirm" value="yes"' in html
    assert Project.objects.filter(pk=project.pk).exists()


def test_confirmed_delete_removes_the_project_and_its_links_and_says_so(project, pm_client):
    other = ProjectFactory(portfolio=project.portfolio)
    ReuseLinkFactory(producer=other, consumer=project)
    data = {"confirm": "yes", "version": project.version, "assessment": 0}
    response = pm_client.post(delete_url(project), data, follow=True)

    assert response.redirect_chain == [(reverse("portfolio:backlog", args=[project.portfolio.slug]), 302)]
    assert "Project “Bullying comments” deleted" in response.content.decode()
    assert not Project.objects.filter(pk=project.pk).exists() and not ReuseLink.objects.exists()


@pytest.mark.parametrize("sent", [{}, {"version": ""}, {"version": "x"}, {"version": "stale"}])
def test_a_delete_confirmed_on_an_older_version_deletes_nothing_and_shows_the_project_now(project, pm_client, sent):
    confirmed_on = project.version
    services.project_update(project=project, data={"summary": "Changed by someone else"}, expected_version=confirmed_on)
    version = {"version": confirmed_on} if sent.get("version") == "stale" else sent
    data = {"confirm": "yes", "assessment": 0, **version}

    response = pm_client.post(delete_url(project), data)

    html = response.content.decode()
    assert response.status_code == 409 and Project.objects.filter(pk=project.pk).exists()
    assert "Someone else changed or assessed “Bullying comments” since you asked to delete it" in html
    assert "Changed by someone else" in html
    assert f'name="version" value="{confirmed_on + 1}"' in html  # confirming again deletes the version shown


@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_pms_delete(project, role_clients, role):
    response = role_clients[role].post(delete_url(project), {"confirm": "yes", "version": project.version})
    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_superuser_may_edit_any_portfolio(project):
    from django.test import Client

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.post(edit_url(project), project_form(project, owner="Root")).status_code == 302
    assert Project.objects.get(pk=project.pk).owner == "Root"


def test_the_edit_form_shows_numbers_as_typed_without_losing_a_digit(project, pm_client):
    project.impact_low, project.impact_likely, project.impact_high = 0.1 + 0.2, 100.0, 2500.5
    project.save()
    url = reverse("portfolio:project-edit", args=[project.portfolio.slug, project.pk])
    html = pm_client.get(url).content.decode()
    assert 'name="impact_likely" value="100"' in html and 'name="impact_high" value="2500.5"' in html
    assert 'name="impact_low" value="0.30000000000000004"' in html  # the exact float: a re-save keeps it
