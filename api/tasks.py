"""Celery tasks of the open planner: thin wrappers that take ids and call one service."""

from celery import shared_task

from .webhooks import services


@shared_task(bind=True, name="api.deliver_webhook", acks_late=True, max_retries=None, time_limit=120)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one delivery; a failed attempt is retried with exponential backoff (``services.backoff_seconds``),
    up to ``WEBHOOK_MAX_ATTEMPTS`` attempts. Run in-process (no broker), it is attempted once."""
    wait = services.delivery_attempt(delivery_id=delivery_id, may_retry=not self.request.is_eager)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="api.emit_snapshot_event", acks_late=True, time_limit=120)
def emit_snapshot_event(snapshot_id: int) -> None:
    """Build ``snapshot.completed`` (rank moves since the previous snapshot) and queue its deliveries."""
    services.snapshot_event_emit(snapshot_id=snapshot_id)
