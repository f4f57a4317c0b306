"""The upload page's imports, kept server-side (``ImportRecord``): an upload is checked and stored with what it
was checked against, shown as a preview, and applied only when the same user confirms it; an applied import can
be undone. The file never travels back through the browser, so a confirmation cannot change what is applied."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..collisions import collisions_retried, lock_portfolio, retry_collisions
from ..models import ImportRecord, ImportStatus, Portfolio
from .apply import PreviewStale, import_apply
from .planning import may_record_assessments, plan_import, read_rows
from .preview import ImportPreview, preview_of
from .results import ImportErrors
from .state import backlog_state
from .undo import undo_changes


class PreviewGone(Exception):
    """No preview of that id waits for this user in this portfolio (expired, applied already, someone else's)."""


def preview_upload(*, portfolio: Portfolio, user, filename: str, data: bytes) -> tuple[ImportRecord, ImportPreview]:
    """Check ``data`` against the portfolio as it is and keep it, unapplied, for ``user`` to confirm; ImportErrors
    (nothing kept) when a row is wrong."""
    _purge_expired()
    rows = read_rows(data)
    with transaction.atomic():  # one consistent read of the backlog for the plan and its state
        state = backlog_state(portfolio.pk)
        preview = preview_of(plan_import(portfolio, rows, may_assess=may_record_assessments(portfolio, user)))
        record = ImportRecord.objects.create(
            portfolio=portfolio, user=user, filename=filename[:255], data=data, backlog_state=state
        )
    return record, preview


def preview_again(*, record: ImportRecord) -> ImportPreview:
    """The preview of a kept upload against the backlog as it is now, which its confirmation will be checked
    against from here on (after a refused confirmation). ImportErrors when the file no longer fits."""
    rows = read_rows(bytes(record.data))
    with transaction.atomic():
        state = backlog_state(record.portfolio_id)
        preview = preview_of(
            plan_import(record.portfolio, rows, may_assess=may_record_assessments(record.portfolio, record.user))
        )
        ImportRecord.objects.filter(pk=record.pk).update(backlog_state=state, previewed_at=timezone.now())
    return preview


def pending_preview(*, portfolio: Portfolio, user, record_id: int) -> ImportRecord:
    """The user's unexpired, unconfirmed upload of that id in that portfolio; PreviewGone otherwise."""
    record = ImportRecord.objects.filter(
        pk=record_id, portfolio=portfolio, user=user, status=ImportStatus.PREVIEWED, previewed_at__gte=_cutoff()
    ).first()
    if record is None:
        raise PreviewGone
    return record


def confirm_preview(*, record: ImportRecord, user) -> ImportRecord:
    """Apply a kept upload, checked against what its preview showed (ImportErrors when a row no longer holds); the
    record then keeps what changed, for an undo, and drops the file. A collision with another write is retried
    (``portfolio.collisions``), from the file as it was kept.

    PreviewStale when the backlog changed since the preview, carrying the file previewed again (``preview``: the
    next confirmation is checked against that), or, when it no longer fits, its ``errors`` (the upload is dropped)."""
    data, expected_state = bytes(record.data), record.backlog_state

    def apply() -> ImportRecord:
        with transaction.atomic():
            applied = import_apply(portfolio=record.portfolio, data=data, user=user, expected_state=expected_state)
            record.status, record.applied_at, record.data = ImportStatus.APPLIED, timezone.now(), b""
            record.summary, record.changes = str(applied.result)[:500], applied.changes
            record.save()
        return record

    try:
        return retry_collisions(apply)
    except PreviewStale as stale:
        try:
            stale.preview = preview_again(record=record)
        except ImportErrors as errors:
            record.delete()
            stale.errors = errors
        raise


@collisions_retried
def undo_import(*, portfolio: Portfolio, user, record_id: int) -> ImportRecord:
    """Undo an applied import of the portfolio (UndoRefused when something newer touched its projects;
    PermissionDenied when it recorded assessments and ``user`` may not record them)."""
    with transaction.atomic():
        lock_portfolio(portfolio.pk)  # the portfolio first, as every writer (portfolio.collisions)
        record = (
            ImportRecord.objects.select_for_update()
            .filter(pk=record_id, portfolio=portfolio, status=ImportStatus.APPLIED)
            .first()
        )
        if record is None:
            raise PreviewGone
        if record.changes.get("assessed") and not may_record_assessments(portfolio, user):
            raise PermissionDenied(
                "This import recorded feasibility assessments: only an engineering manager undoes it."
            )
        record.summary = undo_changes(portfolio=portfolio, changes=record.changes, user=user)[:500]
        record.status, record.undone_at, record.undone_by = ImportStatus.UNDONE, timezone.now(), user
        record.save()
    return record


def recent_imports(*, portfolio: Portfolio, limit: int = 5) -> list[ImportRecord]:
    """The portfolio's latest applied or undone imports, newest first (the import page lists them)."""
    done = ImportRecord.objects.filter(portfolio=portfolio).exclude(status=ImportStatus.PREVIEWED)
    return list(done.select_related("user", "undone_by").defer("data", "changes", "backlog_state")[:limit])


def _cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.IMPORT_PREVIEW_MINUTES)


def _purge_expired() -> None:
    """Previews nobody confirmed in time hold whole files: delete them (any portfolio, any user)."""
    ImportRecord.objects.filter(status=ImportStatus.PREVIEWED, previewed_at__lt=_cutoff()).delete()
