"""Every API endpoint x every role: owner, PM, EM, leadership, an outsider (a member of another portfolio),
anonymous, and a read-only token. Non-members get 404, the wrong role 403, anonymous 401, as on the pages."""

import pytest

from .conftest import api_url

# (method, path under the portfolio, body) -> who may: the status each role gets.
READ = {"owner": 200, "pm": 200, "em": 200, "leadership": 200, "outsider": 404, "anonymous": 401, "read_only": 200}
PM_WRITE = {"owner": 2, "pm": 2, "em": 403, "leadership": 403, "outsider": 404, "anonymous": 401, "read_only": 403}
EM_WRITE = {"owner": 403, "pm": 403, "em": 2, "leadership": 403, "outsider": 404, "anonymous": 401, "read_only": 403}
ANY_MEMBER_POST = {"owner": 200, "pm": 200, "em": 200, "leadership": 200, "outsider": 404, "anonymous": 401}
ANY_MEMBER_POST["read_only"] = 403
PM_READ = {"owner": 200, "pm": 200, "em": 403, "leadership": 403, "outsider": 404, "anonymous": 401, "read_only": 200}
CSV = b"name,impact_low,impact_likely,impact_high\nNew from CSV,1,2,3\n"


def endpoints(world) -> list[tuple[str, str, object, dict, bool]]:
    """(method, path, body, expected statuses, needs If-Match) for every endpoint of the portfolio."""
    project, link, spare = world["project"].pk, world["link"].pk, world["spare"].pk
    return [
        ("get", "", None, READ, False),
        ("get", "settings/", None, READ, False),
        ("patch", "settings/", {"top_k": 5}, PM_WRITE, True),
        ("get", "projects/", None, READ, False),
        ("post", "projects/", {"name": "New", "impact_low": 1, "impact_likely": 2, "impact_high": 3}, PM_WRITE, False),
        ("get", f"projects/{project}/", None, READ, False),
        ("patch", f"projects/{project}/", {"owner": "Ana"}, PM_WRITE, True),
        ("get", f"projects/{project}/assessments/", None, READ, False),
        (
            "post",
            f"projects/{project}/assessments/",
            {"tag": "hard", "effort_low": 1, "effort_likely": 2, "effort_high": 3},
            EM_WRITE,
            True,
        ),
        ("get", "links/", None, READ, False),
        (
            "post",
            "links/",
            {"producer": spare, "consumer": project, "kind": "benefits", "fraction": 0.1},
            PM_WRITE,
            False,
        ),
        ("get", f"links/{link}/", None, READ, False),
        ("patch", f"links/{link}/", {"note": "shared labels"}, PM_WRITE, True),
        ("delete", f"links/{link}/", None, PM_WRITE, True),
        ("get", "ranking/", None, READ, False),
        ("get", "roadmap/", None, READ, False),
        ("post", "what-if/", {"capacity": 3}, ANY_MEMBER_POST, False),
        ("get", "imports/", None, PM_READ, False),
        ("get", "export/", None, READ, False),
        ("get", "export.csv", None, READ, False),
        ("delete", f"projects/{spare}/", None, PM_WRITE, True),
    ]


def _if_match(client, path: str) -> dict:
    """The If-Match a caller who read the resource first would send (the PM reads it for the others)."""
    return {"HTTP_IF_MATCH": client.get(path).headers.get("ETag", '"none"')}


@pytest.mark.parametrize("role", list(READ))
def test_every_endpoint_answers_each_role_as_the_pages_do(world, api_clients, role):
    reader = api_clients["pm"]
    for method, rest, body, expected, conditional in endpoints(world):
        path = api_url(world["slug"], rest)
        etag_path = path.rsplit("assessments/", 1)[0] if "assessments" in path else path
        headers = _if_match(reader, etag_path) if conditional else {}
        response = getattr(api_clients[role], method)(path, body, format="json", **headers)
        want = expected[role]
        got = response.status_code // 100 if want == 2 else response.status_code
        assert got == want, f"{role} {method.upper()} {rest}: {response.status_code} {response.content[:300]!r}"


@pytest.mark.parametrize("role", list(READ))
def test_csv_upload_is_for_importers_only(world, api_clients, role):
    response = api_clients[role].post(api_url(world["slug"], "imports/"), CSV, content_type="text/csv")
    expected = {**PM_WRITE, "read_only": 403}[role]
    assert (response.status_code // 100 if expected == 2 else response.status_code) == expected


def test_the_portfolio_list_shows_only_the_callers_portfolios(world, api_clients):
    assert [p["slug"] for p in api_clients["pm"].get("/api/v1/portfolios/").json()["results"]] == ["trust-safety"]
    assert [p["slug"] for p in api_clients["outsider"].get("/api/v1/portfolios/").json()["results"]] == ["elsewhere"]
    assert api_clients["anonymous"].get("/api/v1/portfolios/").status_code == 401


def test_a_superuser_token_sees_every_portfolio(world, api_clients):
    from tests.factories import UserFactory

    from .conftest import client_with_token

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    slugs = {p["slug"] for p in client_with_token(admin).get("/api/v1/portfolios/").json()["results"]}
    assert slugs == {"trust-safety", "elsewhere"}
