"""What a property-based API tester checks, pinned down with the test client: every answer under ``/api/`` is a
problem document; ``If-Match`` takes RFC 9110's list of entity tags and ``*``, as its schema pattern says; the body
is checked before the precondition; refused input gets the status that says why (400 a field, 404 an id this
portfolio does not have, 409 a clash with what is stored, 422 a rule across fields or a file's content); and the
schema states the rules the server applies (name characters, the latest date) and every problem it answers."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from api.rest.conditional import IF_MATCH_PATTERN, if_match_tags
from api.rest.schema import latest_date_pattern
from portfolio import names
from portfolio.field_rules import LATEST_ROADMAP_START
from portfolio.models import Portfolio, Project, ReuseLink

from .conftest import api_url

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/portfolios/%0C/"),  # a slug with a control character
        ("get", "/api/v1/portfolios/{slug}/projects/-6469693230/"),  # a negative id
        ("patch", "/api/v1/portfolios/%C2%A3/links/8/"),
        ("post", "/api/v1/portfolios/{slug}/imports/null%2Cnull/confirm/"),
        ("delete", "/api/v1/no-such-thing"),
        ("get", "/api/problems/not%20a%20slug/"),
    ],
)
def test_an_address_under_api_that_matches_nothing_is_a_problem_document(world, pm_api, debug, method, path):
    with override_settings(DEBUG=debug):
        response = getattr(pm_api, method)(path.format(slug=world["slug"]))
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404 and response.json()["title"] == "Not found"


def test_addresses_outside_api_keep_the_site_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_method_the_resource_does_not_take_is_a_problem_document(world, pm_api):
    response = pm_api.put(api_url(world["slug"], f"projects/{world['project'].pk}/"), {}, format="json")
    assert response.status_code == 405 and response["Content-Type"] == PROBLEM


def test_an_unacceptable_accept_or_content_type_is_a_problem_document(world, pm_api):
    response = pm_api.get(api_url(world["slug"], "projects/"), HTTP_ACCEPT="text/html")
    assert response.status_code == 406 and response["Content-Type"] == PROBLEM
    response = pm_api.post(api_url(world["slug"], "projects/"), "<x/>", content_type="application/xml")
    assert response.status_code == 415 and response["Content-Type"] == PROBLEM


def _project_url(world) -> str:
    return api_url(world["slug"], f"projects/{world['project'].pk}/")


def test_if_match_with_a_list_proceeds_when_any_tag_is_current(world, pm_api):
    current = pm_api.get(_project_url(world)).headers["ETag"]
    header = f'"project-1-v0-a0" ,\t"with,a,comma"\t, {current}'
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 200
    world["project"].refresh_from_db()
    assert world["project"].owner == "Ana"


def test_if_match_with_a_list_of_other_versions_is_412(world, pm_api):
    current = pm_api.get(_project_url(world)).headers["ETag"]
    header = f'"old-1", "old-2", W/{current}'  # a weak tag never matches: If-Match compares strongly
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 412 and response.headers["ETag"] == current
    world["project"].refresh_from_db()
    assert world["project"].owner == ""


@pytest.mark.parametrize("header", ['"a" "b"', "project-1", '"a", b', '"a b"', '"a\tb"', "{}", "*, *"])
def test_an_if_match_that_is_not_a_list_of_entity_tags_is_400_naming_it(world, pm_api, header):
    response = pm_api.patch(_project_url(world), {"owner": "Ana"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 400 and "If-Match" in response.json()["errors"]


@pytest.mark.parametrize(
    "header",
    ['"a"', "*", 'W/"a"', '""', '"a","b"', '"a" , "b"', '"a"\t,\t"b"', '"x,y", "!#$%&\'()*+-./:;<=>?@[\\]^_`{|}~"'],
)
def test_what_the_schema_pattern_allows_the_server_takes(header):
    assert re.search(IF_MATCH_PATTERN, header)
    assert if_match_tags(header)


def test_a_bad_body_is_400_before_the_precondition_is_looked_at(world, pm_api, em_api):
    for headers in ({}, {"HTTP_IF_MATCH": '"stale"'}):
        response = pm_api.patch(_project_url(world), {"staffing": "many"}, format="json", **headers)
        assert response.status_code == 400 and "staffing" in response.json()["errors"]
    settings_url = api_url(world["slug"], "settings/")
    response = pm_api.patch(settings_url, {"trials": {}}, format="json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 400 and "trials" in response.json()["errors"]
    link_url = api_url(world["slug"], f"links/{world['link'].pk}/")
    response = pm_api.patch(link_url, {"fraction": 2}, format="json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 400 and "fraction" in response.json()["errors"]
    assessments = api_url(world["slug"], f"projects/{world['project'].pk}/assessments/")
    response = em_api.post(assessments, {"tag": "sure"}, format="json")
    assert response.status_code == 400 and "tag" in response.json()["errors"]


def test_a_link_to_a_project_this_portfolio_does_not_have_is_404_naming_it(world, pm_api, secret_project):
    body = {"producer": secret_project.pk, "consumer": world["spare"].pk}
    response = pm_api.post(api_url(world["slug"], "links/"), body, format="json")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["producer"]
    assert not ReuseLink.objects.filter(consumer=world["spare"]).exists()


@pytest.mark.parametrize(
    "ends",
    [
        ("spare", "spare"),  # a project reusing its own output: the shortest cycle
        ("project", "producer"),  # closes producer -> project -> producer
        ("producer", "project"),  # the pair is linked already
    ],
)
def test_a_link_that_clashes_with_the_stored_ones_is_409(world, pm_api, ends):
    before = ReuseLink.objects.count()
    body = {"producer": world[ends[0]].pk, "consumer": world[ends[1]].pk}
    response = pm_api.post(api_url(world["slug"], "links/"), body, format="json")
    assert response.status_code == 409 and response.json()["errors"]
    assert ReuseLink.objects.count() == before


def test_a_link_change_keeps_its_ends_whatever_is_sent(world, pm_api):
    link_url = api_url(world["slug"], f"links/{world['link'].pk}/")
    etag = pm_api.get(link_url).headers["ETag"]
    body = {"producer": world["spare"].pk, "consumer": 0, "fraction": 0.25}
    response = pm_api.patch(link_url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    world["link"].refresh_from_db()
    assert (world["link"].producer, world["link"].fraction) == (world["producer"], 0.25)


def test_a_what_if_naming_ids_this_portfolio_does_not_have_is_404(world, pm_api, secret_project):
    response = pm_api.post(api_url(world["slug"], "what-if/"), {"drop": [secret_project.pk, -3]}, format="json")
    assert response.status_code == 404 and "drop" in response.json()["errors"]
    response = pm_api.post(api_url(world["slug"], "what-if/"), {"pins": {"abc": 1}}, format="json")
    assert response.status_code == 404 and "pins" in response.json()["errors"]


def test_a_what_if_naming_a_project_in_another_state_is_409(world, pm_api):
    Project.objects.filter(pk=world["spare"].pk).update(status="shipped")
    response = pm_api.post(api_url(world["slug"], "what-if/"), {"drop": [world["spare"].pk]}, format="json")
    assert response.status_code == 409 and "drop" in response.json()["errors"]
    response = pm_api.post(api_url(world["slug"], "what-if/"), {"add": [world["project"].pk]}, format="json")
    assert response.status_code == 409 and "add" in response.json()["errors"]


def test_a_settings_name_another_portfolio_has_is_409(world, pm_api):
    Portfolio.objects.create(name="Taken name", slug="taken")
    settings_url = api_url(world["slug"], "settings/")
    etag = pm_api.get(settings_url).headers["ETag"]
    response = pm_api.patch(settings_url, {"name": "Taken name"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 409 and "name" in response.json()["errors"]


def test_a_file_that_is_not_utf8_text_is_422_and_saves_nothing(world, pm_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("file.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff", content_type="image/png")
    response = pm_api.post(api_url(world["slug"], "imports/"), {"file": png}, format="multipart")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM and response.json()["errors"]
    response = pm_api.post(api_url(world["slug"], "imports/"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_an_empty_csv_body_is_an_empty_file_422(world, pm_api):
    response = pm_api.post(api_url(world["slug"], "imports/") + "?dry_run=true", b"", content_type="text/csv")
    assert response.status_code == 422 and response.json()["errors"]


NAMES = [
    "Spam filter",
    " Spam filter ",
    "a;b",
    ";",
    " ",
    "\u00a0\u3000",
    "\u200b",
    "\u200bx",
    "x\n",
    "x\ny",
    "\u202eevil",
    "x\ufffe",
    "\U000e0001",
    "\U000e0001x",
    "\U0001fffe",
    "\x85",
    "k$",
    "عربي\u200c",
    "0",
    "\t",
    "x\t",
]


@pytest.mark.parametrize(
    ("validator", "pattern"),
    [
        (names.validate_project_name, names.one_line_pattern(semicolon=False)),
        (names.validate_portfolio_name, names.one_line_pattern()),
        (names.validate_xml_safe_text, names.multi_line_pattern()),
    ],
)
def test_the_schema_patterns_state_the_name_rules(validator, pattern):
    assert names.pattern_of(validator) == pattern
    for value in NAMES:
        try:
            validator(value)
            accepted = True
        except ValidationError:
            accepted = False
        assert bool(re.search(pattern, value)) == accepted, repr(value)


def test_the_latest_date_pattern_allows_the_dates_up_to_it():
    from django.core.validators import MaxValueValidator

    pattern = latest_date_pattern(MaxValueValidator(LATEST_ROADMAP_START))
    assert all(re.search(pattern, f"{year:04d}-01-01") for year in (1, 999, 2026, 2999))
    assert not any(re.search(pattern, f"{year:04d}-01-01") for year in (3000, 9999))


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    import yaml

    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_every_operation_documents_429_with_retry_after(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            too_many = operation["responses"]["429"]
            assert "Retry-After" in too_many["headers"], (method, path)
            assert PROBLEM in too_many["content"]


def test_every_conditional_change_documents_if_match_412_and_428(schema):
    conditional = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if_match = [p for p in operation.get("parameters", []) if p["name"] == "If-Match"]
            if if_match:
                conditional.append(f"{method.upper()} {path}")
                assert if_match[0]["required"] and if_match[0]["schema"]["pattern"] == IF_MATCH_PATTERN
                assert {"400", "412", "428"} <= set(operation["responses"]), (method, path)
                assert "ETag" in operation["responses"]["412"]["headers"]
            elif method in ("post", "patch", "delete"):
                assert "422" in operation["responses"] and "412" not in operation["responses"], (method, path)
    assert "PATCH /api/v1/portfolios/{slug}/settings/" in conditional
    assert "POST /api/v1/portfolios/{slug}/projects/{id}/assessments/" in conditional
    assert "PUT /api/v1/portfolios/{slug}/projects/{id}/progress/" in conditional
    assert "PUT /api/v1/portfolios/{slug}/projects/{id}/outcome/" in conditional
    assert len(conditional) == 8


def test_the_schema_states_the_name_and_date_rules(schema):
    properties = schema["components"]["schemas"]["ProjectRequest"]["properties"]
    assert properties["name"]["pattern"] == names.one_line_pattern(semicolon=False)
    settings = schema["components"]["schemas"]["PatchedSettingsRequest"]["properties"]
    assert settings["roadmap_start"]["pattern"] == latest_date_pattern(
        next(v for v in Portfolio._meta.get_field("roadmap_start").validators if hasattr(v, "limit_value"))
    )
    assert "producer" not in schema["components"]["schemas"]["PatchedLinkUpdateRequest"]["properties"]


def test_the_schema_links_say_where_slugs_ids_and_etags_come_from(schema):
    paths = schema["paths"]
    portfolios = paths["/api/v1/portfolios/"]["get"]["responses"]["200"]["links"]
    settings_change = portfolios["portfolios_settings_partial_update"]
    assert settings_change["parameters"] == {"path.slug": "$response.body#/results/0/slug"}
    created = paths["/api/v1/portfolios/{slug}/projects/"]["post"]["responses"]["201"]["links"]
    assert created["portfolios_projects_partial_update"]["parameters"]["path.id"] == "$response.body#/id"
    read = paths["/api/v1/portfolios/{slug}/projects/{id}/"]["get"]["responses"]["200"]
    assert read["links"]["portfolios_projects_partial_update_with_etag"]["parameters"]["header.If-Match"] == (
        "$response.body#/etag"
    )
    assert "portfolios_projects_assessments_create_with_etag" in read["links"] and "ETag" in read["headers"]
    every_target = {
        link["operationId"]
        for ops in paths.values()
        for op in ops.values()
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    }
    operation_ids = {op["operationId"] for ops in paths.values() for op in ops.values()}
    assert every_target <= operation_ids and len(every_target) >= 20
