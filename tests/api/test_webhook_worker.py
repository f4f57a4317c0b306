"""A webhook delivery retried by a real Celery worker over Redis: the first attempt gets a 500, the task is retried
after its backoff and the second attempt is delivered, signed."""

import time

import pytest

from api.models import DeliveryStatus, WebhookDelivery
from api.webhooks import services, signing
from tests.factories import PortfolioFactory
from tests.roadmap.conftest import celery_processes, wait_for  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_retries_a_500_with_backoff_and_delivers(celery_processes, webhook_receiver):  # noqa: F811
    celery_processes.env["WEBHOOK_ALLOW_PRIVATE"] = "true"
    celery_processes.start_worker()
    portfolio = PortfolioFactory()
    hook = services.webhook_create(
        portfolio=portfolio,
        url=webhook_receiver.url,
        secret="s",
        events_wanted=["project.changed"],
        format="json",
        user=None,
    )
    webhook_receiver.answers([500])
    body, text = services.events.project_changed(
        portfolio, None, [{"id": 1, "name": "A", "action": "updated", "fields": [], "version": 2}]
    )
    [delivery] = services.event_emit(portfolio_id=portfolio.pk, event="project.changed", body=body, text=text)
    wait_for(
        lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DELIVERED).exists(),
        celery_processes,
        "the retried delivery",
    )
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (2, 200)
    assert len(webhook_receiver.requests) == 2
    # it waited before trying again: the worker stamped each attempt (whole seconds) when it made it, so the gap is
    # at least the backoff however busy the machine is (a slow machine only makes it longer)
    first, second = (int(h["X-Planner-Timestamp"]) for h, _ in webhook_receiver.requests)
    assert second - first >= services.backoff_seconds(1) - 1
    headers, sent = webhook_receiver.requests[1]
    assert signing.verify("s", headers["X-Planner-Timestamp"], sent, headers["X-Planner-Signature"], now=time.time())
    assert hook.deliveries.count() == 1
