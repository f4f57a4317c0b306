"""Reads of what delivery taught: a project's progress and outcome, and the judged estimates (``judging``).

``judged_estimates_in`` reads a whole portfolio in a fixed number of queries (projects with their estimators and
current assessments, and every history row), for the calibration pages and commands built on it.
"""

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
    """A value as the history keeps it (``services._record_changes``): "" for none, else ``str``."""
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
    current = project.current_assessments[0] if project.current_assessments else None
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


def judged_estimates_in(portfolio: Portfolio) -> dict[int, dict[str, judging.JudgedEstimate | None]]:
    """The judged estimates of every project of ``portfolio`` that has an outcome, by project id (four queries)."""
    projects = list(_projects().filter(portfolio=portfolio, outcome__isnull=False).order_by("name"))
    history = _history(project__in=[p.pk for p in projects])
    return {p.pk: _judged(p, history.get(p.pk, [])) for p in projects}


def outcomes_in(portfolio: Portfolio) -> list[ProjectOutcome]:
    """Every outcome recorded in ``portfolio``, with its project (one query), by project name."""
    return list(
        ProjectOutcome.objects.filter(project__portfolio=portfolio).select_related("project").order_by("project__name")
    )
