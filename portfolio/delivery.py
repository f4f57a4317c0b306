"""Writes of what delivery taught: an EM's progress on a project being built, and a project's outcome.

Both are versioned like every other input (a save based on an older version is refused with ``ConflictError``
naming what the other person changed; ``expected_version`` 0 means "there was none yet"), validated whole before
anything is written, kept in the project's history (``Change`` rows ``progress.<field>`` and ``outcome.<field>``)
and part of the planning inputs: each save bumps the portfolio's input version, so the ranking and the roadmap are
recomputed (a building project's remaining range is its effort in force, ``estimates.effort_in_force``).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .collisions import lock_portfolio
from .models import Project, ProjectOutcome, ProjectProgress, Status
from .services import ConflictError, portfolio_inputs_changed, record_changes
from .signals import project_changed

PROGRESS_FIELDS = ("effort_spent", "remaining_low", "remaining_likely", "remaining_high")
OUTCOME_FIELDS = ("actual_effort", "actual_start", "actual_finish", "succeeded", "realized_impact")
# A project has an outcome once it ships, is iterated on or is stopped (parked).
OUTCOME_STATUSES = frozenset({Status.SHIPPED, Status.ITERATING, Status.PARKED})
NOT_BUILDING = "Progress is recorded on a project being built; this one is {status}."
NO_OUTCOME_YET = (
    "An outcome is recorded once a project has shipped, is iterated on or was stopped; this one is {status}."
)


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _versioned_write(model, project: Project, fields: tuple[str, ...], data: dict[str, Any], **how: Any):
    """Create or update ``project``'s ``model`` row (progress or outcome) from ``data`` (its ``fields`` and a
    note), refusing a stale ``expected_version`` (``how``: user, expected_version, seen); returns (row, names of the
    tracked fields that changed)."""
    user, expected_version, seen = how["user"], how["expected_version"], how.get("seen") or {}
    stored = model.objects.select_for_update().filter(project=project).first()
    version = stored.version if stored is not None else 0
    if expected_version is not None and version != expected_version:
        now = {f: getattr(stored, f) if stored is not None else None for f in fields}
        raise ConflictError(stored or project, {f: (seen.get(f), now[f]) for f in fields if seen.get(f) != now[f]})
    row = stored or model(project=project)
    before = {f: getattr(stored, f) if stored is not None else None for f in fields}
    for field, value in data.items():
        if field in fields or field == "note":
            setattr(row, field, value)
    row.recorded_by = _user(user)
    row.recorded_at = timezone.now()
    row.full_clean(exclude=["project"])
    row.version = version + 1
    row.save()
    prefix = "progress." if model is ProjectProgress else "outcome."
    after = {f: getattr(row, f) for f in fields}
    return row, record_changes(project=project, user=user, before=before, after=after, prefix=prefix)


@transaction.atomic
def progress_record(
    *, project: Project, data: dict[str, Any], user=None, expected_version: int | None = None, seen: dict | None = None
) -> ProjectProgress:
    """Record an EM's progress on a project in ``building``: person-weeks spent so far and the remaining range.

    The roadmap then schedules the remaining range from the day it was recorded. Refused (ValidationError, nothing
    written) for a project not being built or a bad value; ``ConflictError`` when someone recorded progress since
    ``expected_version`` (0: none recorded yet), saying which of the values ``seen`` (field -> value the user's
    form showed) they changed.
    """
    lock_portfolio(project.portfolio_id)  # the first lock of every backlog write (see collisions)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.status != Status.BUILDING:
        raise ValidationError(NOT_BUILDING.format(status=current.get_status_display().lower()), code="not_building")
    progress, changed = _versioned_write(
        ProjectProgress, current, PROGRESS_FIELDS, data, user=user, expected_version=expected_version, seen=seen
    )
    portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=changed, user=user)
    return progress


@transaction.atomic
def outcome_record(
    *, project: Project, data: dict[str, Any], user=None, expected_version: int | None = None, seen: dict | None = None
) -> ProjectOutcome:
    """Record (or correct, or complete later with the realised impact) a project's outcome: actual effort in
    person-weeks, actual start and finish, whether it succeeded, realised impact per year.

    Refused (ValidationError next to the field, nothing written) for a finish before the start, a negative effort, a
    date in the future, or a project that has not shipped, is not iterated on and was not stopped; ``ConflictError``
    when someone recorded it since ``expected_version`` (0: none yet).
    """
    lock_portfolio(project.portfolio_id)  # the first lock of every backlog write (see collisions)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.status not in OUTCOME_STATUSES:
        raise ValidationError(NO_OUTCOME_YET.format(status=current.get_status_display().lower()), code="no_outcome")
    outcome, changed = _versioned_write(
        ProjectOutcome, current, OUTCOME_FIELDS, data, user=user, expected_version=expected_version, seen=seen
    )
    portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=changed, user=user)
    return outcome


@transaction.atomic
def outcome_set_back(*, project: Project, before: dict[str, Any] | None, user=None) -> None:
    """Put a project's outcome back as it was (``before``: its fields, None when it had none, which deletes it),
    with history rows: how an undone import takes back the outcome it recorded."""
    lock_portfolio(project.portfolio_id)  # the first lock of every backlog write (see collisions)
    current = Project.objects.select_for_update().get(pk=project.pk)
    stored = ProjectOutcome.objects.select_for_update().filter(project=current).first()
    if before is not None:
        _versioned_write(ProjectOutcome, current, OUTCOME_FIELDS, before, user=user, expected_version=None)
    elif stored is not None:
        record_changes(
            project=current,
            user=user,
            before={f: getattr(stored, f) for f in OUTCOME_FIELDS},
            after={},
            prefix="outcome.",
        )
        stored.delete()
    else:
        return
    portfolio_inputs_changed(portfolio_id=current.portfolio_id)
