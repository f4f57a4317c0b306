"""A what-if run and a CSV import through the API: the same services as the pages (nothing saved by a what-if; the
import previews first, is confirmed by its uploader, and can be undone), and their limits."""

from portfolio.models import ImportRecord, Project
from roadmap.services.recompute import portfolio_recompute
from tests.factories import ProjectFactory

from .conftest import api_url

CSV = b"name,impact_low,impact_likely,impact_high\nMachine translation,60,120,240\nNew from CSV,1,2,3\n"


def test_a_what_if_returns_the_scenario_beside_the_plan_and_saves_nothing(world, pm_api):
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    version = world["portfolio"].input_version
    producer = world["producer"].pk
    body = {"capacity": 1, "drop": [world["spare"].pk], "pins": {str(producer): 1}}
    response = pm_api.post(api_url(world["slug"], "what-if/"), body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["scenario"]["capacity"] == 1 and result["plan"]["capacity"] == 10
    assert result["seed"] == world["portfolio"].seed and result["trials"] == 2000 and not result["reduced"]
    assert world["portfolio"].__class__.objects.get(pk=world["portfolio"].pk).input_version == version


def test_a_what_if_names_projects_it_cannot_take(world, pm_api):
    Project.objects.filter(pk=world["spare"].pk).update(status="shipped")
    body = {"drop": [world["spare"].pk], "add": [world["project"].pk], "pins": {"abc": 1}}
    response = pm_api.post(api_url(world["slug"], "what-if/"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"drop", "add", "pins"}


def test_a_what_if_pin_keyed_by_4301_digits_is_refused_not_a_crash(world, pm_api):
    body = {"pins": {"9" * 4301: 1}}
    response = pm_api.post(api_url(world["slug"], "what-if/"), body, format="json")
    assert response.status_code == 404  # no project with that id here (a refusal, as for any unknown id)
    assert set(response.json()["errors"]) == {"pins"}


def test_what_if_runs_are_rate_limited_with_the_page(world, pm_api, pm_client, settings):
    settings.WHATIF_RATE_LIMIT = 2
    pm_client.get(f"/p/{world['slug']}/roadmap/what-if/", {"capacity": 3})  # the page's run counts too
    url = api_url(world["slug"], "what-if/")
    assert pm_api.post(url, {}, format="json").status_code == 200
    refused = pm_api.post(url, {}, format="json")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused["Content-Type"] == "application/problem+json"


def test_the_api_rate_limit_counts_per_token(world, api_clients, settings):
    settings.API_RATE_LIMIT = "3/hour"  # a window that does not end during the test
    pm, lead = api_clients["pm"], api_clients["leadership"]
    statuses = [pm.get("/api/v1/portfolios/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert lead.get("/api/v1/portfolios/").status_code == 200  # another token, another count
    assert 1 <= int(pm.get("/api/v1/portfolios/").headers["Retry-After"]) <= 3600


def test_an_import_is_previewed_then_confirmed_then_undone(world, pm_api):
    url = api_url(world["slug"], "imports/")
    dry = pm_api.post(url + "?dry_run=true", CSV, content_type="text/csv")
    assert dry.status_code == 200 and dry.json()["record"] is None
    assert [p["name"] for p in dry.json()["preview"]["created"]] == ["New from CSV"]
    assert not ImportRecord.objects.exists() and not Project.objects.filter(name="New from CSV").exists()
    upload = pm_api.post(url, CSV, content_type="text/csv")
    assert upload.status_code == 201
    record = upload.json()["record"]
    assert record["status"] == "previewed" and record["expires_at"]
    updated = upload.json()["preview"]["updated"][0]
    assert (
        updated["name"] == "Machine translation"
        and {"column": "impact_low", "old": "50", "new": "60"} in updated["fields"]
    )
    confirmed = pm_api.post(url + f"{record['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "applied"
    assert Project.objects.filter(portfolio=world["portfolio"], name="New from CSV").exists()
    undone = pm_api.post(url + f"{record['id']}/undo/")
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert not Project.objects.filter(name="New from CSV").exists()


def test_a_confirmation_after_the_backlog_changed_is_a_409_with_a_fresh_preview(world, pm_api):
    url = api_url(world["slug"], "imports/")
    record = pm_api.post(url, CSV, content_type="text/csv").json()["record"]
    Project.objects.filter(pk=world["project"].pk).update(version=9)
    response = pm_api.post(url + f"{record['id']}/confirm/")
    assert response.status_code == 409 and response.json()["preview"]["updated"]
    assert not Project.objects.filter(name="New from CSV").exists()


def test_a_confirmation_the_file_no_longer_fits_is_a_409_naming_the_cell(world, pm_api):
    """The row requires a project deleted since the preview: the cell at fault, no fresh preview, upload dropped."""
    url = api_url(world["slug"], "imports/")
    producer = ProjectFactory(portfolio=world["portfolio"], name="Spell check")
    data = b"name,impact_low,impact_likely,impact_high,requires\nNew from CSV,50,80,120,Spell check:0.3\n"
    record = pm_api.post(url, data, content_type="text/csv").json()["record"]
    producer.delete()
    response = pm_api.post(url + f"{record['id']}/confirm/")
    body = response.json()
    assert response.status_code == 409 and "preview" not in body
    assert (
        list(body["errors"]) == ["row 2, column requires"]
        and "Spell check" in body["errors"]["row 2, column requires"][0]
    )
    assert not Project.objects.filter(name="New from CSV").exists()
    assert not ImportRecord.objects.filter(pk=record["id"]).exists()


def test_a_bad_file_names_each_cell_and_saves_nothing(world, pm_api):
    """The upload is well formed; its content breaks the import's rules: 422, naming each cell."""
    bad = b"name,impact_low,impact_likely,impact_high\nBroken,5,4,3\n"
    response = pm_api.post(api_url(world["slug"], "imports/"), bad, content_type="text/csv")
    assert response.status_code == 422 and response.json()["status"] == 422
    assert "row 2, column impact_likely" in response.json()["errors"]
    assert not ImportRecord.objects.exists()


def test_a_multipart_upload_works_as_the_page_does(world, pm_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("backlog.csv", CSV, content_type="text/csv")
    response = pm_api.post(api_url(world["slug"], "imports/"), {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["record"]["filename"] == "backlog.csv"


def test_an_oversized_file_is_413(world, pm_api, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = pm_api.post(api_url(world["slug"], "imports/"), CSV, content_type="text/csv")
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
