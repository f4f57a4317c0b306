"""Writes of a project: add, edit (version-checked), delete, and its pin on the roadmap."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .. import crediting
from ..collisions import lock_portfolio
from ..models import PROJECT_NAME_TAKEN, Change, FeasibilityAssessment, Portfolio, Project, ReuseLink
from ..signals import project_changed
from .common import (
    RANKING_INPUT_FIELDS,
    TRACKED_PROJECT_FIELDS,
    ConflictError,
    portfolio_inputs_changed,
    record_changes,
)


def _save_named(project: Project, *, stored_name: str | None = None) -> None:
    """Save a project whose name ``full_clean`` found free; if another session took the name since, the unique
    constraint answers, and that is the same field error as ``full_clean``'s (not an IntegrityError, a 500).
    A project keeping its ``stored_name`` is saved as it is: the constraint cannot refuse the name it already has."""
    if project.name == stored_name:
        project.save()
        return
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction (an import's) stays usable
            project.save()
    except IntegrityError:
        taken = Project.objects.filter(portfolio_id=project.portfolio_id, name=project.name).exclude(pk=project.pk)
        if taken.exists():
            raise ValidationError({"name": [ValidationError(PROJECT_NAME_TAKEN, code="unique")]}) from None
        raise


def _clean_locked(project: Project, *, stored_name: str) -> None:
    """``full_clean`` of a project whose row this transaction has locked, without the questions whose answer the
    lock already gives: whether its portfolio and its estimators exist (the locked row refers to them, and the
    estimators are still the stored ones: ranges are credited after this) and, while its name is the stored one,
    whether another project of the portfolio has it (none can: the unique constraint holds for the stored rows).
    A changed name is still checked here, under the portfolio's lock: that is the check that counts."""
    exclude = ["impact_estimated_by", "effort_estimated_by"]
    if project.name == stored_name:
        exclude.append("portfolio")  # Django then leaves out the (portfolio, name) constraint's query too
    project.full_clean(exclude=exclude)


@transaction.atomic
def project_create(*, portfolio: Portfolio, user=None, estimators: dict | None = None, **fields: Any) -> Project:
    """Add a project to the backlog; its ranges are credited to ``user`` (or ``estimators``: see ``crediting``)."""
    # Creations queue on the portfolio like every write (portfolio.collisions): two PMs adding one name at once see
    # the field error.
    lock_portfolio(portfolio.pk)
    project = Project(portfolio=portfolio, **fields)
    project.full_clean()
    kinds = crediting.ranges_changed(project, {})
    credited = crediting.credit_ranges(project, kinds, user=user, estimators=estimators)
    _save_named(project)
    Change.objects.bulk_create(credited)
    Change.objects.create(
        project=project, user=user if user and user.is_authenticated else None, field="created", new=project.name
    )
    portfolio_inputs_changed(portfolio_id=portfolio.pk)
    project_changed.send(sender=Project, project=project, action="created", fields=sorted(fields), user=user)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    user=None,
    expected_version: int | None = None,
    estimators: dict | None = None,
) -> Project:
    """Change a project's fields; the history keeps every estimate change.

    With ``expected_version`` (the version the user's form was based on) a save on top of someone
    else's newer save is refused with ``ConflictError`` naming what they changed.
    """
    lock_portfolio(project.portfolio_id)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        theirs = {
            f: (getattr(project, f), getattr(current, f))
            for f in data
            if hasattr(current, f) and getattr(project, f) != getattr(current, f)
        }
        raise ConflictError(current, theirs)
    before = {f: getattr(current, f) for f in TRACKED_PROJECT_FIELDS}
    for field, value in data.items():
        setattr(current, field, value)
    _clean_locked(current, stored_name=before["name"])
    current.version += 1
    kinds = crediting.ranges_changed(current, before)
    credited = crediting.credit_ranges(current, kinds, user=user, estimators=estimators)
    _save_named(current, stored_name=before["name"])
    after = {f: getattr(current, f) for f in TRACKED_PROJECT_FIELDS}
    changed = record_changes(project=current, user=user, before=before, after=after, written_first=credited)
    if RANKING_INPUT_FIELDS.intersection(changed):
        portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=changed, user=user)
    return current


@transaction.atomic
def project_delete(
    *, project: Project, user=None, expected_version: int | None = None, expected_assessment_id: int | None = None
) -> None:
    """Remove a project (and its links and assessments) from the backlog.

    With ``expected_version`` and ``expected_assessment_id`` (what the PM saw when confirming: the project's
    version and its current assessment's id, 0 for none) a project someone changed or assessed since is not
    deleted: ``ConflictError``, so nobody deletes what they have not seen. Each project that reused its data
    loses that link: its history records it, as when a link is removed by hand.
    """
    lock_portfolio(project.portfolio_id)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {})
    if expected_assessment_id is not None:
        assessment = FeasibilityAssessment.objects.filter(project=current, is_current=True).first()
        if (assessment.pk if assessment else 0) != expected_assessment_id:
            raise ConflictError(current, {})
    project = current
    portfolio_id = project.portfolio_id
    for link in ReuseLink.objects.filter(producer=project).select_related("producer", "consumer"):
        before = {"reuses": str(link)}
        record_changes(project=link.consumer, user=user, before=before, after={"reuses": None}, prefix="link.")
    project_changed.send(sender=Project, project=project, action="deleted", fields=[], user=user)
    project.delete()
    portfolio_inputs_changed(portfolio_id=portfolio_id)


@transaction.atomic
def project_pin_set(
    *, project: Project, position: int | None, user=None, expected_version: int | None = None
) -> Project:
    """Pin a project to ``position`` on the roadmap list (1 = first), or unpin it with None (PM only).

    The pin overrides the rank's place on the roadmap; producers the project requires still come first.
    It is a roadmap input: the history records it and the input version goes up, so the plan is recomputed.
    """
    lock_portfolio(project.portfolio_id)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {"roadmap_pin": (project.roadmap_pin, current.roadmap_pin)})
    if current.roadmap_pin == position:
        return current
    before = {"roadmap_pin": current.roadmap_pin}
    current.roadmap_pin = position
    _clean_locked(current, stored_name=current.name)
    current.version += 1
    current.save()
    record_changes(project=current, user=user, before=before, after={"roadmap_pin": position})
    portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=["roadmap_pin"], user=user)
    return current


def project_pin_clear(*, project: Project, user=None, expected_version: int | None = None) -> Project:
    """Remove a project's roadmap pin: it goes back to its rank's place on the roadmap list."""
    return project_pin_set(project=project, position=None, user=user, expected_version=expected_version)
