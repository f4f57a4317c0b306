"""The feasibility queue (every member reads it) and the EM's assessment form."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import services
from portfolio.models import FeasibilityAssessment, Project
from tests.factories import AssessmentFactory, MembershipFactory, ProjectFactory, UserFactory


class _FormFields(HTMLParser):
    """The name -> value of every input, checked radio, select and textarea of a page, as a browser would send."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(response) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


def _queue_url(portfolio):
    return reverse("portfolio:feasibility", args=[portfolio.slug])


def _assess_url(project):
    return reverse("portfolio:assess", args=[project.portfolio.slug, project.pk])


@pytest.fixture
def backlog(portfolio, em_user):
    new = ProjectFactory(
        portfolio=portfolio,
        name="Spam classifier",
        provisional_effort_low=2,
        provisional_effort_likely=4,
        provisional_effort_high=9,
    )
    changed = ProjectFactory(portfolio=portfolio, name="Search ranking")
    AssessmentFactory(project=changed, tag="hard", assessed_by=em_user)
    services.project_update(project=changed, data={"impact_high": 900})
    settled = ProjectFactory(portfolio=portfolio, name="Language identification")
    AssessmentFactory(project=settled, tag="easy", effort_low=3, effort_likely=5, effort_high=8, assessed_by=em_user)
    ProjectFactory(portfolio=portfolio, name="Old shipped thing", status="shipped")
    ProjectFactory(portfolio=portfolio, name="Parked idea", status="parked")
    return {"new": new, "changed": changed, "settled": settled}


@pytest.mark.django_db
def test_queue_lists_projects_needing_an_assessment_with_the_reason_and_count(backlog, leader_client, portfolio):
    response = leader_client.get(_queue_url(portfolio))

    html = response.content.decode()
    assert response.status_code == 200
    queue = html.split('id="feasibility-queue"')[1].split("<h2>Assessed")[0]
    assert re.search(r'Feasibility queue <span class="count-badge"[^>]*>2</span>', queue)
    assert "Spam classifier" in queue and "Not assessed yet" in queue
    assert "Search ranking" in queue and "Impact changed since the last assessment" in queue
    assert "when the impact was 50–100–200" in queue
    assert "2–4–9" in queue  # the PM's provisional effort
    assert "Old shipped thing" not in html and "Parked idea" not in html
    assessed = html.split("<h2>Assessed")[1]
    assert "Language identification" in assessed and "3–5–8" in assessed and "erin-em" in assessed
    assert "Search ranking" not in assessed


@pytest.mark.django_db
def test_only_engineering_managers_get_assess_buttons(backlog, role_clients, portfolio):
    assess = _assess_url(backlog["new"])

    assert assess in role_clients["em"].get(_queue_url(portfolio)).content.decode()
    for role in ("pm", "leadership"):
        html = role_clients[role].get(_queue_url(portfolio)).content.decode()
        assert assess not in html, role
        assert "Engineering managers record the assessments." in html


@pytest.mark.django_db
def test_htmx_refresh_of_the_queue_gets_only_the_queue_partial(backlog, em_client, portfolio):
    response = em_client.get(_queue_url(portfolio), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="feasibility-queue"')
    assert 'hx-trigger="figures-updated from:body"' in html
    assert "<html" not in html and "Spam classifier" in html


@pytest.mark.django_db
def test_queue_runs_the_same_number_of_queries_whatever_the_backlog_size(
    portfolio, em_client, django_assert_max_num_queries
):
    ProjectFactory(portfolio=portfolio)
    AssessmentFactory(project=ProjectFactory(portfolio=portfolio))
    with CaptureQueriesContext(connection) as small:
        em_client.get(_queue_url(portfolio))
    for _ in range(10):
        ProjectFactory(portfolio=portfolio)
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio))

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = em_client.get(_queue_url(portfolio))
    assert response.content.decode().count('id="queue-row-') == 11


@pytest.mark.django_db
def test_assess_form_is_prefilled_with_the_provisional_effort_and_explains_default_probabilities(backlog, em_client):
    response = em_client.get(_assess_url(backlog["new"]))

    fields = form_fields(response)
    html = response.content.decode()
    assert response.status_code == 200
    assert (fields["effort_low"], fields["effort_likely"], fields["effort_high"]) == ("2", "4", "9")
    assert "Empty = the portfolio&#x27;s default for the tag: easy 90%, hard 50%, impossible 0%." in html
    assert "Not assessed yet: this will be the first assessment." in html
    assert fields["project_version"] == str(backlog["new"].version)


@pytest.mark.django_db
def test_assess_form_shows_the_current_and_earlier_assessments_and_starts_from_the_current(backlog, em_client):
    project = backlog["changed"]
    services.assessment_record(project=project, tag="impossible", effort_low=1, effort_likely=2, effort_high=3)

    response = em_client.get(_assess_url(project))

    fields = form_fields(response)
    html = response.content.decode()
    assert fields["tag"] == "impossible" and fields["effort_high"] == "3"  # as typed, no trailing ".0"
    assert html.count('<tr class="current">') == 1 and html.count('<tr class="earlier">') == 1
    assert "50–100–900 k$ per year" in html


@pytest.mark.django_db
def test_em_records_an_assessment_and_goes_back_to_the_queue(backlog, em_client, em_user, portfolio):
    project = backlog["changed"]
    data = form_fields(em_client.get(_assess_url(project)))
    data.update(
        tag="easy",
        success_probability_override="0.8",
        effort_low="3",
        effort_likely="6",
        effort_high="10",
        examples_needed="10000",
        examples_available="2500",
        label_agreement_target="90",  # a percent: stored as the fraction 0.9
        rationale="A known <b>pattern</b>.",
    )

    response = em_client.post(_assess_url(project), data, follow=True)

    assert response.redirect_chain == [(_queue_url(portfolio), 302)]
    assert "Assessment of “Search ranking” recorded: easy." in response.content.decode()
    current = project.assessments.get(is_current=True)
    assert (current.tag, current.success_probability_override, current.effort_likely) == ("easy", 0.8, 6)
    assert (current.examples_available, current.label_agreement_target, current.assessed_by) == (2500, 0.9, em_user)
    assert (current.impact_high_seen, project.assessments.count()) == (900, 2)
    queue = response.content.decode().split('id="feasibility-queue"')[1].split("<h2>Assessed")[0]
    assert "Search ranking" not in queue and "Spam classifier" in queue


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"effort_low": "8", "effort_likely": "4"}, "effort_likely", "Effort: likely must be at least low (8)."),
        ({"effort_high": "2"}, "effort_high", "Effort: high must be at least likely (4)."),
        ({"effort_low": "nan"}, "effort_low", "Enter a number."),
        ({"effort_high": "inf"}, "effort_high", "Enter a number."),
        ({"effort_low": "0"}, "effort_low", "Ensure this value is greater than or equal to 0.1."),
        ({"effort_high": "1e9"}, "effort_high", "Ensure this value is less than or equal to 100000.0."),
        ({"success_probability_override": "1.5"}, "success_probability_override", "less than or equal to 1.0"),
        ({"label_agreement_current": "150"}, "label_agreement_current", "Enter a percent from 0 to 100"),
        ({"label_agreement_target": "-5"}, "label_agreement_target", "Enter a percent from 0 to 100"),
        ({"examples_needed": "-3"}, "examples_needed", "greater than or equal to 0"),
        ({"tag": "maybe"}, "tag", "Select a valid choice."),
        ({"tag": ""}, "tag", "This field is required."),
        ({"rationale": "x" * 4001}, "rationale", "at most 4000 characters"),
    ],
)
@pytest.mark.django_db
def test_bad_assessment_input_is_refused_next_to_the_field_and_nothing_is_saved(
    backlog, em_client, changes, field, message
):
    project = backlog["new"]
    data = {**form_fields(em_client.get(_assess_url(project))), "tag": "hard", **changes}

    response = em_client.post(_assess_url(project), data)

    assert response.status_code == 200
    errors = re.search(rf'<ul class="errorlist" id="id_{field}-errors">(.*?)</ul>', response.content.decode(), re.S)
    assert errors and message in errors.group(1)
    assert not FeasibilityAssessment.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_assessment_of_a_project_changed_meanwhile_is_refused_showing_the_new_impact(backlog, em_client, pm_user):
    project = backlog["new"]
    data = form_fields(em_client.get(_assess_url(project)))
    data.update(tag="easy", effort_low="1", effort_likely="2", effort_high="3")
    services.project_update(project=project, data={"impact_likely": 150, "impact_high": 400}, user=pm_user)

    refused = em_client.post(_assess_url(project), data)

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Someone else saved this meanwhile" in html
    assert "impact likely</span>: <del>100</del> → <ins>150</ins>" in html
    assert "impact high</span>: <del>200</del> → <ins>400</ins>" in html
    assert "50–150–400 k$ per year" in html
    assert not FeasibilityAssessment.objects.filter(project=project).exists()
    rebased = form_fields(refused)
    assert rebased["tag"] == "easy" and rebased["effort_high"] == "3"  # what the EM typed is kept
    assert rebased["project_version"] == str(Project.objects.get(pk=project.pk).version)

    saved = em_client.post(_assess_url(project), rebased)

    assert saved.status_code == 302
    assert project.assessments.get().impact_high_seen == 400


@pytest.mark.django_db
def test_assessment_recorded_by_another_em_meanwhile_is_not_silently_superseded(backlog, em_client, portfolio):
    project = backlog["new"]
    data = form_fields(em_client.get(_assess_url(project)))
    data.update(tag="easy", effort_low="1", effort_likely="2", effort_high="3")
    other = Client()
    other.force_login(MembershipFactory(user=UserFactory(username="eli-em"), portfolio=portfolio, role="em").user)
    theirs = {**form_fields(other.get(_assess_url(project))), "tag": "impossible"}
    assert other.post(_assess_url(project), theirs).status_code == 302

    refused = em_client.post(_assess_url(project), data)

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "feasibility</span>: <del>—</del> → <ins>impossible</ins>" in html
    assert project.assessments.get().tag == "impossible"
    rebased = form_fields(refused)
    assert rebased["tag"] == "easy" and rebased["based_on"] == str(project.assessments.get().pk)
    assert em_client.post(_assess_url(project), rebased).status_code == 302
    assert [a.tag for a in project.assessments.order_by("id")] == ["impossible", "easy"]


@pytest.mark.django_db
def test_only_engineering_managers_may_assess(backlog, pm_client, leader_client, outsider_client):
    project = backlog["new"]
    data = {"tag": "easy", "effort_low": "1", "effort_likely": "2", "effort_high": "3", "project_version": "1"}

    assert pm_client.post(_assess_url(project), data).status_code == 403
    assert leader_client.post(_assess_url(project), data).status_code == 403
    assert outsider_client.post(_assess_url(project), data).status_code == 404
    assert not FeasibilityAssessment.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_superuser_may_assess_and_projects_of_other_portfolios_are_not_found(backlog, em_client, portfolio):
    other = ProjectFactory(name="Someone else's")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True))

    assert em_client.get(reverse("portfolio:assess", args=[portfolio.slug, other.pk])).status_code == 404
    assert admin.get(_assess_url(backlog["new"])).status_code == 200


@pytest.mark.django_db
def test_label_agreement_is_shown_and_entered_as_a_percent(backlog, em_client):
    project = backlog["new"]
    services.assessment_record(
        project=project, tag="hard", effort_low=1, effort_likely=2, effort_high=3, label_agreement_target=0.85
    )
    fields = form_fields(em_client.get(_assess_url(project)))
    assert fields["label_agreement_target"] == "85"  # the stored fraction 0.85, shown as the percent people think in
    fields.update(label_agreement_current="72.5")
    em_client.post(_assess_url(project), fields)
    current = project.assessments.get(is_current=True)
    assert (current.label_agreement_target, current.label_agreement_current) == (0.85, 0.725)
