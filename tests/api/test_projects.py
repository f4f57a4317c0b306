"""Projects through the API: the backlog's filters, sort and search, paging, creation and refused input as problem
documents naming each field."""

import pytest

from portfolio.models import Project
from tests.factories import AssessmentFactory, ProjectFactory

from .conftest import api_url


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def test_list_filters_sorts_and_searches_like_the_backlog(world, pm_api):
    url = api_url(world["slug"], "projects/")
    Project.objects.filter(pk=world["spare"].pk).update(status="building", impact_likely=150, impact_high=300)
    assert _names(pm_api.get(url, {"sort": "name"})) == [
        "Language identification",
        "Machine translation",
        "Spam filter",
    ]
    assert _names(pm_api.get(url, {"sort": "impact", "dir": "desc"}))[0] == "Spam filter"
    assert _names(pm_api.get(url, {"status": "building"})) == ["Spam filter"]
    assert _names(pm_api.get(url, {"tag": "easy"})) == ["Language identification"]
    assert _names(pm_api.get(url, {"tag": "none", "sort": "name"})) == ["Machine translation", "Spam filter"]
    assert _names(pm_api.get(url, {"q": "transl"})) == ["Machine translation"]
    assert _names(pm_api.get(url, {"status": ["idea", "building"], "sort": "name", "dir": "desc"}))[0] == "Spam filter"


@pytest.mark.parametrize("query", [{"sort": "price"}, {"status": "done"}, {"tag": "trivial"}, {"dir": "up"}])
def test_a_bad_filter_is_refused_naming_it(world, pm_api, query):
    response = pm_api.get(api_url(world["slug"], "projects/"), query)
    assert response.status_code == 400
    assert {name.split(".")[0] for name in response.json()["errors"]} == {next(iter(query))}  # "status.0": its 1st


def test_lists_are_paged_with_next_and_previous(world, pm_api):
    for i in range(5):
        ProjectFactory(portfolio=world["portfolio"], name=f"Extra {i}")
    url = api_url(world["slug"], "projects/")
    first = pm_api.get(url, {"sort": "name", "limit": 3}).json()
    assert first["count"] == 8 and len(first["results"]) == 3 and first["previous"] is None
    second = pm_api.get(first["next"]).json()
    assert [p["name"] for p in second["results"]] == ["Extra 3", "Extra 4", "Language identification"]
    assert second["previous"] and second["next"]


def test_the_list_runs_a_fixed_number_of_queries(world, pm_api, django_assert_max_num_queries):
    for i in range(30):
        AssessmentFactory(project=ProjectFactory(portfolio=world["portfolio"], name=f"Bulk {i:02d}"))
    with django_assert_max_num_queries(14):
        assert pm_api.get(api_url(world["slug"], "projects/"), {"limit": 40}).status_code == 200


def test_a_project_is_created_through_the_service(world, pm_api):
    body = {"name": "Toxicity scores", "impact_low": 10, "impact_likely": 20, "impact_high": 40, "status": "discovery"}
    response = pm_api.post(api_url(world["slug"], "projects/"), body, format="json")
    assert response.status_code == 201
    project = Project.objects.get(portfolio=world["portfolio"], name="Toxicity scores")
    assert response.headers["Location"].endswith(f"/projects/{project.pk}/")
    assert response.headers["ETag"] == response.json()["etag"]
    assert project.changes.filter(field="created", user__username="pat-pm").exists()


RANGE = {"impact_low": 1, "impact_likely": 2, "impact_high": 3}


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        # A field the schema describes, and the value breaks: 400.
        ({"name": "X", "impact_low": 1, "impact_likely": 2, "impact_high": "NaN"}, "impact_high", 400),
        ({"name": "X", "impact_low": -1, "impact_likely": 2, "impact_high": 3}, "impact_low", 400),
        ({"name": "X" * 300, "impact_low": 1, "impact_likely": 2, "impact_high": 3}, "name", 400),
        ({"name": "X", "impact_low": 1, "impact_likely": 2, "impact_high": 3, "status": "done"}, "status", 400),
        ({"name": "X", "impact_low": 1, "impact_likely": 2}, "impact_high", 400),
        # A rule across fields no schema can state: 422; a name the portfolio has: 409 (a clash with what is stored).
        ({"name": "X", "impact_low": 30, "impact_likely": 20, "impact_high": 40}, "impact_likely", 422),
        ({"name": "X", "provisional_effort_low": 2, **RANGE}, "provisional_effort_low", 422),
        ({"name": "Machine translation", "impact_low": 1, "impact_likely": 2, "impact_high": 3}, "name", 409),
    ],
)
def test_bad_data_is_refused_as_a_problem_naming_the_field(world, pm_api, body, field, status):
    response = pm_api.post(api_url(world["slug"], "projects/"), body, format="json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)
    assert field in problem["errors"] and problem["status"] == status
    assert not Project.objects.filter(portfolio=world["portfolio"], name="X").exists()


def test_a_json_nan_literal_is_refused(world, pm_api):
    body = b'{"name": "X", "impact_low": 1, "impact_likely": 2, "impact_high": NaN}'
    response = pm_api.post(api_url(world["slug"], "projects/"), body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_deleted_project_is_gone_with_its_links(world, pm_api):
    url = api_url(world["slug"], f"projects/{world['producer'].pk}/")
    etag = pm_api.get(url).headers["ETag"]
    assert pm_api.delete(url, HTTP_IF_MATCH=etag).status_code == 204
    assert pm_api.get(url).status_code == 404
    assert not world["project"].links_in.exists()


def test_unknown_addresses_under_the_api_are_problems_too(pm_api, world):
    response = pm_api.get("/api/v1/portfolios/trust-safety/projects/abc/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert pm_api.get(response.json()["type"]).status_code == 200  # the type names a page that explains it


def test_json_types_are_taken_as_json_says_them(world, pm_api):
    body = {"name": "X", "impact_low": 1, "impact_likely": 2, "impact_high": False}
    assert pm_api.post(api_url(world["slug"], "projects/"), body, format="json").status_code == 400
    body = {"name": "X", "impact_low": "1", "impact_likely": 2, "impact_high": 3}
    assert pm_api.post(api_url(world["slug"], "projects/"), body, format="json").status_code == 400


@pytest.mark.parametrize("query", [{"limit": 1001}, {"limit": 0}, {"offset": -1}, {"offset": "abc"}, {"sort": ""}])
def test_paging_and_sort_parameters_out_of_range_are_refused(world, pm_api, query):
    assert pm_api.get(api_url(world["slug"], "projects/"), query).status_code == 400
