"""API tokens: shown once, stored hashed, read-only or read-write, last use recorded, revocable on the profile
page; ``manage.py api_token``; a logged-in browser's session works too, with its CSRF token."""

import hashlib
import io

from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken

from .conftest import api_url


def test_a_token_is_stored_as_a_prefix_and_a_hash_only(pm_user):
    issued = tokens.token_create(user=pm_user, name="CI")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    prefix, secret = tokens.parse(issued.text)
    assert stored.prefix == prefix and stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get(pk=stored.pk))


def test_a_token_authenticates_records_its_use_and_stops_when_revoked(world, pm_user):
    issued = tokens.token_create(user=pm_user, name="CI")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.text}")
    assert client.get("/api/v1/portfolios/").status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None
    tokens.token_revoke(user=pm_user, token_id=issued.token.pk)
    response = client.get("/api/v1/portfolios/")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_or_an_inactive_user_is_401(world, pm_user):
    issued = tokens.token_create(user=pm_user, name="CI")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.text[:-2]}xx")
    assert client.get("/api/v1/portfolios/").status_code == 401
    pm_user.is_active = False
    pm_user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.text}")
    assert client.get("/api/v1/portfolios/").status_code == 401


def test_a_read_only_token_reads_and_writes_nothing(world, api_clients):
    read_only = api_clients["read_only"]
    url = api_url(world["slug"], f"projects/{world['project'].pk}/")
    etag = read_only.get(url).headers["ETag"]
    response = read_only.patch(url, {"owner": "Ana"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403 and "read-only" in response.json()["detail"]


def test_the_profile_page_creates_a_token_shown_once_and_revokes_it(pm_client, pm_user):
    response = pm_client.post("/accounts/api-tokens/", {"name": "Laptop", "read_only": "on"}, follow=True)
    token = ApiToken.objects.get(user=pm_user)
    assert token.read_only and response.context["new_token"].startswith(f"mlp_{token.prefix}_")
    assert "new_token" not in pm_client.get("/accounts/api-tokens/").content.decode().split('id="token-text"')[0][-5:]
    assert pm_client.get("/accounts/api-tokens/").context["new_token"] is None
    pm_client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_nobody_revokes_another_users_token(pm_user, em_client):
    token = tokens.token_create(user=pm_user, name="CI").token
    em_client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_command_prints_a_working_token_on_its_last_line(world, pm_user):
    out = io.StringIO()
    call_command("api_token", "pat-pm", "--read-only", stdout=out)
    text = out.getvalue().strip().splitlines()[-1]
    token = tokens.token_authenticate(text)
    assert token is not None and token.user == pm_user and token.read_only


def test_a_logged_in_browser_uses_the_api_with_its_csrf_token(world, pm_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pm_user)
    assert browser.get("/api/v1/portfolios/").status_code == 200
    url = api_url(world["slug"], f"projects/{world['project'].pk}/")
    etag = browser.get(url).headers["ETag"]
    refused = browser.patch(url, b'{"owner": "Ana"}', content_type="application/json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/accounts/api-tokens/")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    ok = browser.patch(
        url, b'{"owner": "Ana"}', content_type="application/json", HTTP_IF_MATCH=etag, HTTP_X_CSRFTOKEN=csrf
    )
    assert ok.status_code == 200
