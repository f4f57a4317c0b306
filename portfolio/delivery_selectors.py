"""Reads of what delivery taught: a project's progress and outcome, and the judged estimates (``judging``).

``delivery_records_in`` reads a whole portfolio in a fixed number of queries (projects with their estimators and
current assessments, and every history row), for the calibration built on it.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from . import judging
from .estimator_fields import EFFORT, IMPACT
from .models import Change, FeasibilityAssessment, Portfolio, Project, ProjectOutcome

JUDGED_FIELDS = (
    *judging.IMPACT_FIELDS,
    *judging.ASSESSED_FIELDS,
    *judging.PROVISIONAL_FIELDS,
    "status",
    "created",
    "impact_estimated_by",
    "effort_estimated_by",
)


def _text(value) -> str:
    """A value as the history keeps it (``services.record_changes``): "" for none, else ``str``."""
    return "" if value is None else str(value)


def values_now(project: Project, assessment: FeasibilityAssessment | None) -> dict[str, str]:
    """Today's values of the fields the judged estimate replays, as text by history field."""
    now = {f: _text(getattr(project, f)) for f in (*judging.IMPACT_FIELDS, *judging.PROVISIONAL_FIELDS)}
    for part in judging.PARTS:
        now[f"feasibility.effort_{part}"] = _text(getattr(assessment, f"effort_{part}") if assessment else None)
    now["impact_estimated_by"] = project.estimator(IMPACT)
    now["effort_estimated_by"] = project.estimator(EFFORT)
    return now


def _judged(project: Project, rows: list[judging.HistoryRow]) -> dict[str, judging.JudgedEstimate | None]:
    prefetched: list[FeasibilityAssessment] = getattr(project, "current_assessments")  # noqa: B009 (to_attr)
    current = prefetched[0] if prefetched else None
    return judging.judged_estimates(rows, now=values_now(project, current), status_now=project.status)


def _projects():
    return Project.objects.select_related("impact_estimated_by", "effort_estimated_by", "outcome").prefetch_related(
        Prefetch("assessments", FeasibilityAssessment.objects.filter(is_current=True), to_attr="current_assessments")
    )


def _history(**filters) -> dict[int, list[judging.HistoryRow]]:
    rows: dict[int, list[judging.HistoryRow]] = {}
    judged = Q(field__in=JUDGED_FIELDS) | Q(field__startswith="outcome.")
    found = Change.objects.filter(judged, **filters).order_by("id")
    for project_id, pk, field, old, new in found.values_list("project_id", "id", "field", "old", "new"):
        rows.setdefault(project_id, []).append(judging.HistoryRow(pk, field, old, new))
    return rows


def judged_estimates_for(project: Project) -> dict[str, judging.JudgedEstimate | None]:
    """The judged impact and effort estimates of one project (``judging.judged_estimates``), keyed by kind."""
    fresh = _projects().get(pk=project.pk)
    return _judged(fresh, _history(project_id=project.pk).get(project.pk, []))


@dataclass(frozen=True)
class DeliveryRecord:
    """A project with an outcome, as calibration reads it: the outcome, the judged impact and effort estimates
    (None when there is none of that kind) and the project's feasibility tag now (None: not assessed)."""

    project: Project
    outcome: ProjectOutcome
    impact: judging.JudgedEstimate | None
    effort: judging.JudgedEstimate | None
    tag: str | None


def delivery_records_in(portfolio: Portfolio) -> list[DeliveryRecord]:
    """Every project of ``portfolio`` with an outcome, by name, with its judged estimates (three queries)."""
    projects = list(_projects().filter(portfolio=portfolio, outcome__isnull=False).order_by("name", "pk"))
    history = _history(project__in=[p.pk for p in projects])
    records = []
    for project in projects:
        judged = _judged(project, history.get(project.pk, []))
        tag = project.current_assessments[0].tag if project.current_assessments else None
        records.append(DeliveryRecord(project, project.outcome, judged[IMPACT], judged[EFFORT], tag))
    return records


def judged_estimates_in(portfolio: Portfolio) -> dict[int, dict[str, judging.JudgedEstimate | None]]:
    """The judged estimates of every project of ``portfolio`` that has an outcome, by project id and kind."""
    return {r.project.pk: {IMPACT: r.impact, EFFORT: r.effort} for r in delivery_records_in(portfolio)}

