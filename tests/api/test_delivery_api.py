"""Progress and outcomes through the API: the same services as the pages, ETag / If-Match, roles, bad input."""

import pytest

from portfolio.models import Change, ProjectOutcome, ProjectProgress
from tests.api.conftest import api_url
from tests.factories import ProjectFactory

PROGRESS = {"effort_spent": 6.0, "remaining_low": 2.0, "remaining_likely": 4.0, "remaining_high": 9.0}
OUTCOME = {"actual_effort": 12.0, "actual_start": "2026-01-05", "actual_finish": "2026-03-02", "succeeded": "yes"}


@pytest.fixture
def building(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Toxicity v2", status="building")


@pytest.fixture
def shipped(portfolio):
    return ProjectFactory(portfolio=portfolio, name="Spam filter", status="shipped")


def _url(project, what):
    return api_url(project.portfolio.slug, f"projects/{project.pk}/{what}/")


def test_progress_is_read_with_version_zero_then_recorded_with_if_match(em_api, building):
    first = em_api.get(_url(building, "progress"))
    assert first.status_code == 200 and first.json()["version"] == 0 and first.json()["effort_spent"] is None
    assert em_api.put(_url(building, "progress"), PROGRESS, format="json").status_code == 428
    saved = em_api.put(_url(building, "progress"), PROGRESS, format="json", HTTP_IF_MATCH=first["ETag"])
    assert saved.status_code == 200 and saved.json()["version"] == 1 and saved.json()["recorded_by"] == "erin-em"
    assert saved["ETag"] == f'"progress-{building.pk}-v1"'
    stale = em_api.put(_url(building, "progress"), PROGRESS, format="json", HTTP_IF_MATCH=first["ETag"])
    assert stale.status_code == 412
    assert Change.objects.filter(project=building, field="progress.remaining_high").count() == 1


@pytest.mark.parametrize(("role", "status"), [("em", 200), ("pm", 403), ("leadership", 403), ("outsider", 404)])
def test_only_an_em_records_progress_through_the_api(api_clients, building, role, status):
    client = api_clients[role]
    etag = f'"progress-{building.pk}-v0"'
    assert client.put(_url(building, "progress"), PROGRESS, format="json", HTTP_IF_MATCH=etag).status_code == status
    assert ProjectProgress.objects.exists() == (status == 200)


@pytest.mark.parametrize(("role", "status"), [("em", 200), ("pm", 200), ("owner", 200), ("leadership", 403)])
def test_a_pm_or_an_em_records_an_outcome_through_the_api(api_clients, shipped, role, status):
    etag = f'"outcome-{shipped.pk}-v0"'
    response = api_clients[role].put(_url(shipped, "outcome"), OUTCOME, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == status
    assert ProjectOutcome.objects.exists() == (status == 200)


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"actual_finish": "2025-12-01"}, "actual_finish", 422),  # each field fine, together they break a rule
        ({"actual_start": "2999-01-01", "actual_finish": None}, "actual_start", 422),
        ({"actual_effort": -2.0}, "actual_effort", 400),
        ({"succeeded": "maybe"}, "succeeded", 400),
        ({"actual_effort": "12"}, "actual_effort", 400),
    ],
)
def test_bad_outcome_input_is_refused_naming_the_field_and_saves_nothing(pm_api, shipped, change, field, status):
    etag = f'"outcome-{shipped.pk}-v0"'
    response = pm_api.put(_url(shipped, "outcome"), {**OUTCOME, **change}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == status and field in response.json()["errors"]
    assert not ProjectOutcome.objects.exists()
