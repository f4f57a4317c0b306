"""Writes of an EM's feasibility assessment: recorded (the earlier one kept), or only if nothing shown changed."""

from typing import Any

from django.db import transaction

from .. import crediting
from ..collisions import lock_portfolio
from ..estimator_fields import EFFORT
from ..models import FeasibilityAssessment, Project
from ..signals import assessment_recorded
from .common import TRACKED_ASSESSMENT_FIELDS, ConflictError, portfolio_inputs_changed, record_changes


@transaction.atomic
def assessment_record(
    *, project: Project, user=None, estimators: dict | None = None, **fields: Any
) -> FeasibilityAssessment:
    """Record an EM's feasibility assessment; it becomes current and the earlier one is kept. Its effort range is
    credited to ``user`` (or ``estimators``: see ``crediting``)."""
    lock_portfolio(project.portfolio_id)
    locked = Project.objects.select_for_update().get(pk=project.pk)  # serialise concurrent assessments
    previous = FeasibilityAssessment.objects.filter(project=project, is_current=True).first()
    return _record(project, locked, previous, user=user, estimators=estimators, fields=fields)


def _record(
    project: Project,
    locked: Project,
    previous: FeasibilityAssessment | None,
    *,
    user,
    estimators: dict | None,
    fields: dict[str, Any],
) -> FeasibilityAssessment:
    """Write the assessment of ``project`` (``locked``: its row as this transaction locked it, after the portfolio's;
    ``previous``: its current assessment, read under that lock)."""
    assessment = FeasibilityAssessment(
        project=project,
        assessed_by=user if user and user.is_authenticated else None,
        impact_low_seen=project.impact_low,
        impact_likely_seen=project.impact_likely,
        impact_high_seen=project.impact_high,
        **fields,
    )
    # Neither reference is typed by anyone: the project is locked, the assessor is the user saving (the database
    # still checks both), so Django is not asked to read them again.
    assessment.full_clean(exclude=["project", "assessed_by"])
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    assessment.save()
    before = {f: getattr(previous, f) if previous else None for f in TRACKED_ASSESSMENT_FIELDS}
    record_changes(
        project=project,
        user=user,
        before=before,
        after={f: getattr(assessment, f) for f in TRACKED_ASSESSMENT_FIELDS},
        prefix="feasibility.",
    )
    crediting.credit_saved(locked, [EFFORT], user=user, estimators=estimators)
    portfolio_inputs_changed(portfolio_id=project.portfolio_id)
    assessment_recorded.send(sender=FeasibilityAssessment, assessment=assessment, user=user)
    return assessment


@transaction.atomic
def assessment_record_if_current(
    *, project: Project, expected_project_version: int, expected_assessment_id: int | None, user=None, **fields: Any
) -> FeasibilityAssessment:
    """Record an assessment only if nothing the EM was shown has changed since the form was loaded.

    Refused with ``ConflictError`` when the project changed (its impact, say; ``obj`` is the project and
    ``changes`` is empty: the caller knows what the EM was shown) or when someone else recorded an
    assessment meanwhile (``obj`` is that assessment; ``changes`` compares it with the one the EM saw).
    """
    lock_portfolio(project.portfolio_id)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.version != expected_project_version:
        raise ConflictError(current, {})
    latest = FeasibilityAssessment.objects.filter(project=current, is_current=True).first()
    if (latest.pk if latest else None) != expected_assessment_id:
        seen = None
        if expected_assessment_id is not None:
            seen = FeasibilityAssessment.objects.filter(pk=expected_assessment_id, project=current).first()
        then = {f: getattr(seen, f) if seen else None for f in TRACKED_ASSESSMENT_FIELDS}
        now = {f: getattr(latest, f) if latest else None for f in TRACKED_ASSESSMENT_FIELDS}
        raise ConflictError(latest, {f: (then[f], now[f]) for f in TRACKED_ASSESSMENT_FIELDS if then[f] != now[f]})
    return _record(current, current, latest, user=user, estimators=None, fields=fields)
