"""Celery tasks: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .charts import roi_cache
from .services import changes, recompute


@shared_task(
    bind=True,
    name="roadmap.recompute_portfolio",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.RECOMPUTE_SOFT_TIME_LIMIT,
    time_limit=settings.RECOMPUTE_SOFT_TIME_LIMIT + 60,
)
def recompute_portfolio(self, portfolio_id: int) -> int | None:
    """Recompute one portfolio's ranking; returns the input version of the snapshot now current.

    The new snapshot's ROI chart is drawn here too, into the cache before the snapshot commits, so no page view finds
    the snapshot without its chart and draws it itself (a saving only)."""
    try:
        snapshot = recompute.portfolio_recompute(portfolio_id=portfolio_id, before_commit=_draw_chart)
    except Exception as exc:
        retryable = isinstance(exc, self.autoretry_for)
        if not retryable or self.request.retries >= self.max_retries:
            recompute.recompute_failed(portfolio_id=portfolio_id, error=f"{type(exc).__name__}: {exc}")
        raise
    if snapshot is None:
        return None
    roi_cache.draw_for_pages(snapshot_id=snapshot.pk)  # a snapshot another run wrote: drawn there, or now
    return snapshot.input_version


def _draw_chart(snapshot) -> None:
    roi_cache.draw_for_pages(snapshot_id=snapshot.pk)


@shared_task(name="roadmap.sweep_dirty_portfolios", acks_late=True, time_limit=120)
def sweep_dirty_portfolios() -> list[int]:
    """Periodic (beat): recompute every portfolio whose figures are out of date."""
    return recompute.sweep_dirty_portfolios()


@shared_task(
    name="roadmap.compute_changes",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CHANGES_STALE_AFTER_SECONDS,
    time_limit=settings.CHANGES_STALE_AFTER_SECONDS + 60,
)
def compute_changes(report_id: int) -> str | None:
    """Compute one "Changes since" report (a baseline against the current snapshot); returns its status."""
    report = changes.changes_compute(report_id=report_id)
    return None if report is None else report.status
