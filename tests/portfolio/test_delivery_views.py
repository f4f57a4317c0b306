"""The progress and outcome pages: who may record them, errors next to the field, conflicts, the project page."""

import pytest
from django.urls import reverse

from portfolio.models import Change, ProjectOutcome, ProjectProgress
from tests.factories import OutcomeFactory, ProgressFactory, ProjectFactory

PROGRESS = {
    "version": "0",
    "effort_spent": "6",
    "remaining_low": "2",
    "remaining_likely": "4",
    "remaining_high": "9",
    "note": "",
}
OUTCOME = {
    "version": "0",
    "actual_effort": "12",
    "actual_start": "2026-01-05",
    "actual_finish": "2026-03-02",
    "succeeded": "yes",
    "realized_impact": "",
    "note": "",
}


@pytest.fixture
def building(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Toxicity v2", status="building")


@pytest.fixture
def shipped(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Spam filter", status="shipped")


def _url(page, project):
    return reverse(f"portfolio:{page}", args=[project.portfolio.slug, project.pk])


@pytest.mark.parametrize(
    ("role", "status"), [("em", 200), ("pm", 403), ("owner", 403), ("leader", 403), ("outsider", 404)]
)
def test_only_an_em_records_progress(role_clients, building, role, status):
    client = role_clients["leadership" if role == "leader" else role]
    assert client.get(_url("progress", building)).status_code == status
    assert client.post(_url("progress", building), PROGRESS).status_code == (302 if status == 200 else status)
    assert ProjectProgress.objects.exists() == (status == 200)


@pytest.mark.parametrize(
    ("role", "status"), [("em", 302), ("pm", 302), ("owner", 302), ("leader", 403), ("outsider", 404)]
)
def test_a_pm_or_an_em_records_an_outcome(role_clients, shipped, role, status):
    client = role_clients["leadership" if role == "leader" else role]
    assert client.post(_url("outcome", shipped), OUTCOME).status_code == status
    assert ProjectOutcome.objects.exists() == (status == 302)


def test_recorded_progress_and_outcome_show_on_the_project_page_and_in_its_history(em_client, pm_client, building):
    em_client.post(_url("progress", building), PROGRESS)
    page = em_client.get(reverse("portfolio:project", args=[building.portfolio.slug, building.pk])).content.decode()
    assert "2–4–9 person-weeks" in page and "Remaining effort, high: none → 9 person-weeks" in page
    building.status = "shipped"
    building.save()
    pm_client.post(_url("outcome", building), OUTCOME)
    page = pm_client.get(reverse("portfolio:project", args=[building.portfolio.slug, building.pk])).content.decode()
    assert "Actual effort: none → 12 person-weeks" in page and "5 Jan 2026 – 2 Mar 2026" in page


def test_a_finish_before_the_start_is_shown_next_to_the_field_and_nothing_is_saved(pm_client, shipped):
    response = pm_client.post(_url("outcome", shipped), {**OUTCOME, "actual_finish": "2025-12-01"})
    assert response.status_code == 400
    assert "The finish is before the start" in response.context["form"].errors["actual_finish"][0]
    assert not ProjectOutcome.objects.exists() and not Change.objects.filter(field__startswith="outcome.").exists()


def test_negative_effort_and_a_future_date_are_refused_next_to_their_fields(pm_client, shipped):
    response = pm_client.post(
        _url("outcome", shipped), {**OUTCOME, "actual_effort": "-3", "actual_start": "2999-01-01", "actual_finish": ""}
    )
    errors = response.context["form"].errors
    assert response.status_code == 400 and set(errors) == {"actual_effort", "actual_start"}
    assert not ProjectOutcome.objects.exists()


def test_progress_on_a_project_not_being_built_is_refused_with_the_reason(em_client, shipped):
    response = em_client.post(_url("progress", shipped), PROGRESS)
    assert response.status_code == 400 and "being built" in response.content.decode()


def test_a_save_on_top_of_someone_elses_is_a_conflict_showing_their_values(pm_client, shipped):
    assert pm_client.get(_url("outcome", shipped)).context["form"]["version"].value() == 0  # none recorded yet
    OutcomeFactory(project=shipped, actual_effort=40.0)  # someone else recorded it meanwhile
    response = pm_client.post(_url("outcome", shipped), {**OUTCOME, "version": "0"})
    assert response.status_code == 409
    assert ProjectOutcome.objects.get().actual_effort == 40.0
    assert response.context["form"].instance.version == 1


def test_an_untouched_field_of_a_newer_version_is_no_conflict(em_client, building):
    progress = ProgressFactory(project=building)
    form = em_client.get(_url("progress", building)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({f"initial-{name}": form[name].value() for name in form._meta.fields})
    ProjectProgress.objects.filter(pk=progress.pk).update(note="seen by someone", version=2)
    response = em_client.post(_url("progress", building), {**data, "effort_spent": "9"})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert (progress.effort_spent, progress.version) == (9.0, 3)
