"""What the backlog and the recompute announce, turned into webhook events: each project change and assessment of
a transaction gathered (``outbox``) and emitted after it commits; a completed snapshot handed to a task."""

import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from portfolio.models import Portfolio
from portfolio.signals import assessment_recorded, project_changed
from roadmap.signals import snapshot_completed

from . import events, outbox, services

log = logging.getLogger(__name__)


def _emit(portfolio_id: int, event: str, user, items: list[dict]) -> None:
    """Build the gathered event and emit it (after the change committed)."""
    portfolio = Portfolio.objects.filter(pk=portfolio_id).first()
    if portfolio is None:
        return
    build = events.project_changed if event == events.PROJECT_CHANGED else events.assessment_recorded
    body, text = build(portfolio, user, items)
    for delivery in services.event_emit(portfolio_id=portfolio_id, event=event, body=body, text=text):
        services.deliveries_prune(webhook_id=delivery.webhook_id)


def on_project_changed(sender, *, project, action: str, fields: list[str], user=None, **kwargs) -> None:
    if not services.subscribers(project.portfolio_id, events.PROJECT_CHANGED):
        return
    item = {"id": project.pk, "name": project.name, "action": action, "fields": list(fields)}
    item["version"] = project.version
    outbox.add(portfolio_id=project.portfolio_id, event=events.PROJECT_CHANGED, item=item, user=user, emit=_emit)


def on_assessment_recorded(sender, *, assessment, user=None, **kwargs) -> None:
    project = assessment.project
    if not services.subscribers(project.portfolio_id, events.ASSESSMENT_RECORDED):
        return
    item = {
        "id": assessment.pk,
        "project_id": project.pk,
        "project_name": project.name,
        "tag": assessment.tag,
        "effort_low": assessment.effort_low,
        "effort_likely": assessment.effort_likely,
        "effort_high": assessment.effort_high,
        "success_probability_override": assessment.success_probability_override,
    }
    outbox.add(portfolio_id=project.portfolio_id, event=events.ASSESSMENT_RECORDED, item=item, user=user, emit=_emit)


def on_snapshot_completed(sender, *, snapshot, **kwargs) -> None:
    """Hand the new snapshot to a task (the diff with the previous one is built there, off the recompute)."""
    if not services.subscribers(snapshot.portfolio_id, events.SNAPSHOT_COMPLETED):
        return
    from ..tasks import emit_snapshot_event

    try:
        emit_snapshot_event.apply_async(args=[snapshot.pk], retry=False)
    except Exception as exc:  # the snapshot stands whatever happens to its webhooks
        log.warning("could not enqueue the webhook event of snapshot %s: %s", snapshot.pk, exc)


CONNECTIONS: list[tuple[Signal, Callable[..., Any]]] = [
    (project_changed, on_project_changed),
    (assessment_recorded, on_assessment_recorded),
    (snapshot_completed, on_snapshot_completed),
]


def connect() -> None:
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"api-webhooks-{receiver.__name__}")
