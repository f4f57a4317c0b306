"""Webhooks: signed deliveries to a real HTTP server on 127.0.0.1, retried after a 500, gathered per transaction,
with rank moves on snapshot.completed; URLs to loopback or private addresses refused unless allowed."""

import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from api.models import DeliveryStatus, WebhookDelivery
from api.webhooks import services, signing
from portfolio import services as portfolio_services
from roadmap.services.recompute import portfolio_recompute

from .conftest import api_url

SECRET = "s3cret-for-tests"


def _hook(world, receiver, events=("project.changed", "assessment.recorded", "snapshot.completed"), fmt="json"):
    return services.webhook_create(
        portfolio=world["portfolio"], url=receiver.url, secret=SECRET, events_wanted=list(events), format=fmt, user=None
    )


def test_a_signature_verifies_and_a_changed_body_or_old_timestamp_does_not():
    body = b'{"event": "project.changed"}'
    signed = signing.signature(SECRET, 1_700_000_000, body)
    assert signing.verify(SECRET, "1700000000", body, signed, now=1_700_000_100)
    assert not signing.verify(SECRET, "1700000000", body + b" ", signed, now=1_700_000_100)
    assert not signing.verify("other", "1700000000", body, signed, now=1_700_000_100)
    assert not signing.verify(SECRET, "1700000000", body, signed, now=1_700_001_000)  # replayed later


def test_a_project_change_is_delivered_signed_after_commit(
    world, pm_api, webhook_receiver, django_capture_on_commit_callbacks
):
    hook = _hook(world, webhook_receiver)
    url = api_url(world["slug"], f"projects/{world['project'].pk}/")
    etag = pm_api.get(url).headers["ETag"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pm_api.patch(url, {"impact_high": 300}, format="json", HTTP_IF_MATCH=etag)
    assert webhook_receiver.requests == []  # nothing is sent from inside the request's transaction
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    headers, body = next((h, b) for h, b in webhook_receiver.requests if h["X-Planner-Event"] == "project.changed")
    assert signing.verify(SECRET, headers["X-Planner-Timestamp"], body, headers["X-Planner-Signature"], now=time.time())
    event = json.loads(body)
    assert event["event"] == "project.changed" and event["by"] == "pat-pm"
    assert event["projects"] == [
        {
            "id": world["project"].pk,
            "name": "Machine translation",
            "action": "updated",
            "fields": ["impact_high"],
            "version": 2,
        }
    ]
    delivery = WebhookDelivery.objects.get(webhook=hook, event="project.changed")
    assert (delivery.status, delivery.response_status, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 1)


def test_a_500_is_retried_with_backoff_then_delivered(world, webhook_receiver, django_capture_on_commit_callbacks):
    _hook(world, webhook_receiver, events=["assessment.recorded"])
    webhook_receiver.answers([500])
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.assessment_record(
            project=world["project"], tag="hard", effort_low=1, effort_likely=2, effort_high=4
        )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == (DeliveryStatus.FAILED, 500)  # in-process: tried once
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, attempts=0)
    webhook_receiver.answers([500])
    assert services.delivery_attempt(delivery_id=delivery.pk) == services.backoff_seconds(1) == 10
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 2)
    assert [services.backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 80, 160]
    first, second = webhook_receiver.requests[-2:]
    assert first[1] == second[1] and json.loads(first[1])["id"] == json.loads(second[1])["id"]


def test_the_retries_stop_after_the_last_attempt(world, webhook_receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = _hook(world, webhook_receiver, events=["project.changed"])
    delivery = WebhookDelivery.objects.create(webhook=hook, event="project.changed", event_id="e", body="{}")
    webhook_receiver.answers([500, 500])
    assert services.delivery_attempt(delivery_id=delivery.pk) == 10
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


def test_one_transaction_is_one_event_and_a_rolled_back_one_is_none(
    world, webhook_receiver, django_capture_on_commit_callbacks
):
    _hook(world, webhook_receiver, events=["project.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for name in ("Alpha", "Beta"):
                portfolio_services.project_create(
                    portfolio=world["portfolio"], name=name, impact_low=1, impact_likely=2, impact_high=3
                )
    events = [json.loads(b) for _, b in webhook_receiver.requests]
    assert len(events) == 1 and [p["name"] for p in events[0]["projects"]] == ["Alpha", "Beta"]
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            portfolio_services.project_create(
                portfolio=world["portfolio"], name="Gamma", impact_low=1, impact_likely=2, impact_high=3
            )
            raise RuntimeError("rolled back")
        portfolio_services.project_create(
            portfolio=world["portfolio"], name="Delta", impact_low=1, impact_likely=2, impact_high=3
        )
    names = [p["name"] for _, b in webhook_receiver.requests for p in json.loads(b)["projects"]]
    assert names == ["Alpha", "Beta", "Delta"]


def test_snapshot_completed_lists_rank_moves(world, webhook_receiver, django_capture_on_commit_callbacks):
    _hook(world, webhook_receiver, events=["snapshot.completed"], fmt="text")
    for project in (world["project"], world["spare"]):
        portfolio_services.assessment_record(project=project, tag="easy", effort_low=4, effort_likely=8, effort_high=16)
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    spare = world["spare"]
    portfolio_services.project_update(
        project=spare, data={"impact_low": 900, "impact_likely": 1000, "impact_high": 1100}
    )
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = portfolio_recompute(portfolio_id=world["portfolio"].pk)
    body = json.loads(webhook_receiver.requests[-1][1])
    assert set(body) == {"text"} and "Spam filter" in body["text"] and "→ 1" in body["text"]
    json_event, _ = services.events.snapshot_completed(snapshot)
    moved = {m["name"]: (m["rank_before"], m["rank_after"]) for m in json_event["rank_moves"]}
    assert moved["Spam filter"][1] == 1 and moved["Spam filter"][0] > 1
    assert json_event["snapshot"]["input_version"] == snapshot.input_version


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/x",
        "ftp://93.184.216.34/x",
    ],
)
def test_urls_to_private_addresses_are_refused_at_registration(world, url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        services.webhook_create(
            portfolio=world["portfolio"],
            url=url,
            secret="",
            events_wanted=["project.changed"],
            format="json",
            user=None,
        )
    assert "url" in refused.value.message_dict


def test_a_public_address_is_accepted_and_a_secret_made(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    hook = services.webhook_create(
        portfolio=world["portfolio"],
        url="https://93.184.216.34/hook",
        secret="",
        events_wanted=["project.changed"],
        format="json",
        user=None,
    )
    assert len(hook.secret) >= 40


def test_an_address_that_became_private_is_refused_at_delivery(world, webhook_receiver, settings):
    hook = _hook(world, webhook_receiver, events=["project.changed"])
    settings.WEBHOOK_ALLOW_PRIVATE = False
    delivery = WebhookDelivery.objects.create(webhook=hook, event="project.changed", event_id="e", body="{}")
    services.delivery_attempt(delivery_id=delivery.pk, may_retry=False)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "private" in delivery.error
    assert webhook_receiver.requests == []


def test_the_webhooks_page_registers_logs_and_sends_again(
    world, pm_client, em_client, webhook_receiver, django_capture_on_commit_callbacks
):
    url = f"/p/{world['slug']}/webhooks/"
    assert em_client.get(url).status_code == 403
    response = pm_client.post(
        url, {"url": webhook_receiver.url, "events": ["project.changed"], "format": "text"}, follow=True
    )
    assert response.status_code == 200 and response.context["new_secret"]
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.project_update(project=world["spare"], data={"owner": "Ana"})
    delivery = WebhookDelivery.objects.get()
    page = pm_client.get(url).content.decode()
    assert "Delivered" in page and "Send again" in page
    with django_capture_on_commit_callbacks(execute=True):
        pm_client.post(f"/p/{world['slug']}/webhooks/deliveries/{delivery.pk}/resend/")
    assert WebhookDelivery.objects.filter(resent_from=delivery, status=DeliveryStatus.DELIVERED).exists()
    assert (
        len(webhook_receiver.requests) == 2
        and json.loads(webhook_receiver.requests[1][1])["text"] == "Someone updated “Spam filter” in Trust & Safety ML."
    )
