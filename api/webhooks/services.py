"""Webhooks: register one (its URL checked), emit an event to every webhook of the portfolio that takes it (one
delivery each, sent by a Celery task after commit), attempt a delivery (retried with exponential backoff by the
task), send one again."""

import functools
import json
import logging
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import DeliveryStatus, Webhook, WebhookDelivery, WebhookFormat
from . import addresses, events, sending, signing

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10  # the wait before the n-th retry is BACKOFF_BASE_SECONDS x 2^(n-1), at most an hour
BACKOFF_MAX_SECONDS = 3600
DELIVERIES_KEPT = 200  # per webhook; older ones are deleted as new ones come


def new_secret() -> str:
    """A signing secret for a webhook whose PM gave none (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def webhook_create(*, portfolio, url: str, secret: str, events_wanted: list[str], format: str, user) -> Webhook:
    """Register a webhook; its URL must resolve to public addresses only (``addresses``), unless allowed."""
    webhook = Webhook(
        portfolio=portfolio,
        url=url.strip(),
        secret=secret or new_secret(),
        events=[e for e in events.EVENTS if e in events_wanted],
        format=format,
        created_by=user if user and user.is_authenticated else None,
    )
    webhook.full_clean()
    if not webhook.events:
        raise ValidationError({"events": "Choose at least one event."})
    try:
        addresses.resolve(webhook.url)
    except addresses.UnsafeAddress as exc:
        raise ValidationError({"url": str(exc)}) from None
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    """Remove a webhook and its delivery log."""
    webhook.delete()


def webhook_set_active(*, webhook: Webhook, active: bool) -> Webhook:
    """Pause (nothing is sent) or resume a webhook."""
    webhook.active = active
    webhook.save(update_fields=["active"])
    return webhook


def subscribers(portfolio_id: int, event: str) -> list[Webhook]:
    """The portfolio's active webhooks that take ``event``."""
    hooks = Webhook.objects.filter(portfolio_id=portfolio_id, active=True)
    return [hook for hook in hooks if event in hook.events]


def event_emit(*, portfolio_id: int, event: str, body: dict, text: str) -> list[WebhookDelivery]:
    """One delivery of the event to each webhook that takes it, each sent by a task once this commits."""
    deliveries = []
    for hook in subscribers(portfolio_id, event):
        payload = body if hook.format == WebhookFormat.JSON else {"text": text}
        delivery = WebhookDelivery.objects.create(
            webhook=hook, event=event, event_id=body["id"], body=json.dumps(payload, ensure_ascii=False)
        )
        deliveries.append(delivery)
        transaction.on_commit(functools.partial(enqueue, delivery.pk))
    return deliveries


def enqueue(delivery_id: int) -> None:
    """Send the delivery's task; a broker that cannot be reached leaves it pending (the log says so)."""
    from ..tasks import deliver_webhook  # tasks import services

    try:
        deliver_webhook.apply_async(args=[delivery_id], retry=False)
    except Exception as exc:  # the change that caused the event must stand
        log.warning("could not enqueue webhook delivery %s: %s", delivery_id, exc)
        WebhookDelivery.objects.filter(pk=delivery_id).update(error=f"Could not reach the task queue: {exc}"[:500])


def backoff_seconds(attempts: int) -> int:
    """The wait before the next attempt after ``attempts`` failed ones: 10 s, 20 s, 40 s, ... at most an hour."""
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))


def delivery_attempt(*, delivery_id: int, may_retry: bool = True) -> int | None:
    """POST the delivery once, signed now, and record the outcome. Returns the seconds to wait before the next
    attempt when it failed and may be retried (``WEBHOOK_MAX_ATTEMPTS`` in all), else None."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return None
    hook = delivery.webhook
    if not hook.active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, error="Webhook paused.")
        return None
    body = delivery.body.encode()
    stamp = int(time.time())
    headers = signing.headers(hook.secret, stamp, body, event=delivery.event, delivery_id=delivery.pk)
    outcome = sending.post(hook.url, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    attempts = delivery.attempts + 1
    retry = not outcome.delivered and may_retry and attempts < settings.WEBHOOK_MAX_ATTEMPTS
    status = (
        DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.RETRYING if retry else DeliveryStatus.FAILED
    )
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status=status,
        attempts=attempts,
        response_status=outcome.status,
        response_excerpt=outcome.excerpt[:500],
        error=outcome.error[:500],
        last_attempt_at=now,
        delivered_at=now if outcome.delivered else None,
    )
    return backoff_seconds(attempts) if retry else None


def delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's body again, as a new delivery (the log keeps both)."""
    again = WebhookDelivery.objects.create(
        webhook=delivery.webhook,
        event=delivery.event,
        event_id=delivery.event_id,
        body=delivery.body,
        resent_from=delivery,
    )
    transaction.on_commit(lambda: enqueue(again.pk))
    return again


def deliveries_prune(*, webhook_id: int) -> None:
    """Keep the newest ``DELIVERIES_KEPT`` deliveries of a webhook."""
    old = WebhookDelivery.objects.filter(webhook_id=webhook_id).values_list("pk", flat=True)[DELIVERIES_KEPT:]
    WebhookDelivery.objects.filter(pk__in=list(old)).delete()


def snapshot_event_emit(*, snapshot_id: int) -> None:
    """``snapshot.completed`` of a snapshot, to the webhooks that take it."""
    from roadmap.models import RankingSnapshot

    snapshot = RankingSnapshot.objects.select_related("portfolio").filter(pk=snapshot_id).first()
    if snapshot is None or not subscribers(snapshot.portfolio_id, events.SNAPSHOT_COMPLETED):
        return
    body, text = events.snapshot_completed(snapshot)
    for delivery in event_emit(
        portfolio_id=snapshot.portfolio_id, event=events.SNAPSHOT_COMPLETED, body=body, text=text
    ):
        deliveries_prune(webhook_id=delivery.webhook_id)
