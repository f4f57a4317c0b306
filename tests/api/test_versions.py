"""Concurrency through the API: an ETag on every versioned resource, 428 for a change without If-Match, 412 with the
current representation for a stale one; and the same history, versions and recompute as the pages' writes."""

from portfolio.models import Change, FeasibilityAssessment, Portfolio, ReuseLink

from .conftest import api_url


def _project_url(world) -> str:
    return api_url(world["slug"], f"projects/{world['project'].pk}/")


def test_a_project_carries_an_etag_from_its_version_and_current_assessment(world, pm_api):
    response = pm_api.get(_project_url(world))
    project = world["project"]
    assert response.headers["ETag"] == f'"project-{project.pk}-v{project.version}-a0"'
    assert response.json()["etag"] == response.headers["ETag"]


def test_a_change_without_if_match_is_refused_with_428_and_nothing_changes(world, pm_api):
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Precondition required"
    world["project"].refresh_from_db()
    assert world["project"].owner == ""


def test_if_match_star_matches_any_version(world, pm_api):
    """RFC 9110: ``*`` asks only that the resource exists (the client says it does not mind overwriting)."""
    assert pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    world["project"].refresh_from_db()
    assert world["project"].owner == "Ana"


def test_a_stale_if_match_gets_412_with_the_project_as_it_is_now(world, pm_api):
    stale = pm_api.get(_project_url(world)).headers["ETag"]
    assert pm_api.patch(_project_url(world), {"owner": "Bo"}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    body = response.json()
    assert body["current"]["owner"] == "Bo"
    assert body["etag"] == response.headers["ETag"] == body["current"]["etag"] != stale
    world["project"].refresh_from_db()
    assert world["project"].owner == "Bo"


def test_an_assessment_recorded_meanwhile_makes_the_project_etag_stale(world, pm_api, em_api):
    seen = pm_api.get(_project_url(world)).headers["ETag"]
    assessments = api_url(world["slug"], f"projects/{world['project'].pk}/assessments/")
    body = {"tag": "hard", "effort_low": 2, "effort_likely": 4, "effort_high": 9}
    assert em_api.post(assessments, body, format="json", HTTP_IF_MATCH=seen).status_code == 201
    again = em_api.post(assessments, {**body, "tag": "easy"}, format="json", HTTP_IF_MATCH=seen)
    assert again.status_code == 412
    assert again.json()["current"]["feasibility"]["tag"] == "hard"
    delete = pm_api.delete(_project_url(world), HTTP_IF_MATCH=seen)
    assert delete.status_code == 412  # nobody deletes what they have not seen
    assert FeasibilityAssessment.objects.filter(project=world["project"], is_current=True).get().tag == "hard"


def test_an_api_edit_keeps_history_bumps_the_input_version_and_recomputes(
    world, pm_api, django_capture_on_commit_callbacks
):
    portfolio = world["portfolio"]
    before = Portfolio.objects.get(pk=portfolio.pk).input_version
    etag = pm_api.get(_project_url(world)).headers["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_api.patch(_project_url(world), {"impact_high": 250}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["version"] == world["project"].version + 1
    change = Change.objects.get(project=world["project"], field="impact_high")
    assert (change.old, change.new, change.user.username) == ("200.0", "250.0", "pat-pm")
    assert Portfolio.objects.get(pk=portfolio.pk).input_version == before + 1
    assert portfolio.ranking_snapshots.filter(input_version=before + 1).exists()  # the recompute ran (in-process)


def test_links_and_settings_are_versioned_too(world, pm_api):
    link_url = api_url(world["slug"], f"links/{world['link'].pk}/")
    stale = pm_api.get(link_url).headers["ETag"]
    assert pm_api.patch(link_url, {"fraction": 0.5}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    assert pm_api.delete(link_url, HTTP_IF_MATCH=stale).status_code == 412
    assert pm_api.delete(link_url).status_code == 428
    assert ReuseLink.objects.get(pk=world["link"].pk).fraction == 0.5
    settings_url = api_url(world["slug"], "settings/")
    stale = pm_api.get(settings_url).headers["ETag"]
    assert pm_api.patch(settings_url, {"capacity": 4}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    refused = pm_api.patch(settings_url, {"capacity": 5}, format="json", HTTP_IF_MATCH=stale)
    assert refused.status_code == 412 and refused.json()["current"]["capacity"] == 4


def test_a_pin_set_through_the_api_goes_through_the_pin_service(world, pm_api):
    etag = pm_api.get(_project_url(world)).headers["ETag"]
    response = pm_api.patch(_project_url(world), {"roadmap_pin": 1, "owner": "Ana"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert (response.json()["roadmap_pin"], response.json()["owner"]) == (1, "Ana")
    assert Change.objects.filter(project=world["project"], field="roadmap_pin", new="1").exists()


def test_an_if_match_that_is_not_an_entity_tag_is_bad_input(world, pm_api):
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH="{}")
    assert response.status_code == 400 and "If-Match" in response.json()["errors"]


def test_a_write_that_collides_at_the_database_is_a_409_problem_not_database_down(world, pm_api, monkeypatch):
    """A deadlock (or serialization failure) the database rolled back: the API says to try again (409 problem),
    not the 503 "database is not answering"."""
    import psycopg
    from django.db import OperationalError

    from portfolio import services

    def collides(**kwargs):
        error = OperationalError("deadlock detected")
        error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
        raise error

    monkeypatch.setattr(services, "project_update", collides)
    etag = pm_api.get(_project_url(world)).headers["ETag"]

    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Someone else was saving at the same moment; try again."
