"""The OpenAPI schema validates, and the documentation pages work under the app's Content-Security-Policy: vendored
files only, no inline script."""

import re

import pytest
from django.core.management import call_command

from api.rest.views.docs import RedocView


def test_the_schema_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/portfolios/{slug}/projects/{id}/" in text and "bearerAuth" in text


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200 and response.json()["info"]["title"] == "ML portfolio planner API"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_have_no_inline_script_and_no_outside_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(re.search(r'src="/[^/]', attrs) and not body.strip() for attrs, body in scripts)
    assert "<style" not in html and "http" not in re.sub(r'(href|src)="/[^"]*"', "", html.split("<body")[1])
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_swagger_ui_start_up_script_is_a_same_origin_file(client):
    response = client.get("/api/docs/?script")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_only_the_redoc_page_allows_inline_styles(client):
    assert "'unsafe-inline'" not in client.get("/api/docs/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in client.get("/api/redoc/").headers["Content-Security-Policy"]
    assert RedocView.template_name == "api/redoc.html"
