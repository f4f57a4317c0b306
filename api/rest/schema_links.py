"""OpenAPI links between the API's operations (a drf-spectacular postprocessing hook): where the value of each path
parameter, and the If-Match a change needs, come from. A client (or a tester walking the API) follows them: the
portfolios list gives a ``slug``, a projects list or a created project an ``id``, a read of a versioned resource
the ``etag`` its change sends back."""

import re

# (operation that answers, its status, {parameter: runtime expression}); a link goes to every operation whose path
# parameters are exactly the given ones (and, for a header, that takes it).
FIRST = "$response.body#/results/0"
SOURCES = [
    ("GET", "/api/v1/portfolios/", "200", {"slug": f"{FIRST}/slug"}),
    ("GET", "/api/v1/portfolios/{slug}/projects/", "200", {"slug": "$request.path.slug", "id": f"{FIRST}/id"}),
    ("POST", "/api/v1/portfolios/{slug}/projects/", "201", {"slug": "$request.path.slug", "id": "$response.body#/id"}),
    ("GET", "/api/v1/portfolios/{slug}/links/", "200", {"slug": "$request.path.slug", "link_id": f"{FIRST}/id"}),
    (
        "POST",
        "/api/v1/portfolios/{slug}/links/",
        "201",
        {"slug": "$request.path.slug", "link_id": "$response.body#/id"},
    ),
    ("GET", "/api/v1/portfolios/{slug}/imports/", "200", {"slug": "$request.path.slug", "import_id": f"{FIRST}/id"}),
    (
        "POST",
        "/api/v1/portfolios/{slug}/imports/",
        "201",
        {"slug": "$request.path.slug", "import_id": "$response.body#/record/id"},
    ),
]
# A read of a versioned resource gives the ETag its changes need in If-Match.
ETAG_SOURCES = [
    ("GET", "/api/v1/portfolios/{slug}/projects/{id}/", ("slug", "id")),
    ("GET", "/api/v1/portfolios/{slug}/links/{link_id}/", ("slug", "link_id")),
    ("GET", "/api/v1/portfolios/{slug}/settings/", ("slug",)),
]
ETAG_TARGETS = {
    "/api/v1/portfolios/{slug}/projects/{id}/": ["/api/v1/portfolios/{slug}/projects/{id}/assessments/"],
}


def _path_parameters(path: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", path))


def _link(operation: dict, parameters: dict) -> dict:
    return {"operationId": operation["operationId"], "parameters": parameters}


def _takes_if_match(operation: dict) -> bool:
    return any(p["name"] == "If-Match" and p["in"] == "header" for p in operation.get("parameters", []))


def add_links(result: dict, generator, request, public) -> dict:
    """Add the links to the schema ``result`` (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    paths = result.get("paths", {})
    operations = [(method.upper(), path, op) for path, ops in paths.items() for method, op in ops.items()]
    for method, path, status, given in SOURCES:
        response = paths.get(path, {}).get(method.lower(), {}).get("responses", {}).get(status)
        if response is None:
            continue
        for target_method, target_path, target in operations:
            if _path_parameters(target_path) == set(given) and (target_method, target_path) != (method, path):
                name = target["operationId"]
                response.setdefault("links", {})[name] = _link(target, {f"path.{k}": v for k, v in given.items()})
    for method, path, names in ETAG_SOURCES:
        response = paths.get(path, {}).get(method.lower(), {}).get("responses", {}).get("200")
        if response is None:
            continue
        for target_path in [path, *ETAG_TARGETS.get(path, [])]:
            for target in paths.get(target_path, {}).values():
                if _takes_if_match(target):
                    parameters = {f"path.{k}": f"$request.path.{k}" for k in names}
                    parameters["header.If-Match"] = "$response.body#/etag"
                    name = f"{target['operationId']}_with_etag"
                    response.setdefault("links", {})[name] = _link(target, parameters)
    return result
