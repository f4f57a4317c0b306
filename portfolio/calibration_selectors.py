"""Reads for calibration: the resolved estimates and outcomes of a portfolio, and what the math makes of them.

Resolved (DESIGN.md, "Learning from delivery"): an effort estimate when the project has an actual effort and an
effort range; an impact estimate when it has a realised impact; a tag when ``succeeded`` is known. The range judged
is the one the decision was made on (``delivery_selectors.judged_estimates_in``: the range in force when the project
entered building, replayed from its history, else the range current when the outcome was recorded). The math is
``portfolio.calibration``.
"""

from dataclasses import dataclass

from . import calibration, delivery_selectors, estimates, judging
from .calibration import EstimatorRow, JudgedEstimate, TagOutcome, TagRow
from .estimator_fields import EFFORT, IMPACT, IMPORTED_ESTIMATOR
from .models import Portfolio, Project, Succeeded
from .selectors import _current_assessment_prefetch, current_assessment


def resolved_projects(*, portfolio: Portfolio, **filters) -> list[Project]:
    """The portfolio's projects that have an outcome, with it, their current assessment and their estimators
    (``filters``: more conditions on the projects, e.g. ``problem_type``)."""
    return list(
        Project.objects.filter(portfolio=portfolio, outcome__isnull=False, **filters)
        .select_related("outcome", "impact_estimated_by", "effort_estimated_by")
        .prefetch_related(_current_assessment_prefetch())
        .order_by("name", "pk")
    )


Judged = dict[int, dict[str, judging.JudgedEstimate | None]]  # project id -> kind -> the estimate judged


def _estimate(project: Project, judged: judging.JudgedEstimate | None, actual: float | None) -> JudgedEstimate | None:
    if judged is None or actual is None:
        return None
    r = judged.range
    who = judged.estimator or IMPORTED_ESTIMATOR
    return JudgedEstimate(judged.kind, who, r.low, r.likely, r.high, actual, project.name)


def judged_estimates(projects: list[Project], judged: Judged) -> list[JudgedEstimate]:
    """Every resolved estimate of ``projects`` (from ``resolved_projects``): the range judged (``judged``, from
    ``delivery_selectors.judged_estimates_in``) with the actual effort or realised impact."""
    found = []
    for project in projects:
        by_kind = judged.get(project.pk, {})
        for kind, actual in ((EFFORT, project.outcome.actual_effort), (IMPACT, project.outcome.realized_impact)):
            estimate = _estimate(project, by_kind.get(kind), actual)
            if estimate is not None:
                found.append(estimate)
    return found


def _resolved(portfolio: Portfolio) -> tuple[list[Project], list[JudgedEstimate]]:
    projects = resolved_projects(portfolio=portfolio)
    return projects, judged_estimates(projects, delivery_selectors.judged_estimates_in(portfolio))


def tag_outcomes(projects: list[Project]) -> list[TagOutcome]:
    """Whether each project of a feasibility tag succeeded, for those where it is known."""
    found = []
    for project in projects:
        assessment = current_assessment(project)
        if assessment is not None and project.outcome.succeeded != Succeeded.UNKNOWN:
            found.append(TagOutcome(assessment.tag, project.outcome.succeeded == Succeeded.YES))
    return found


@dataclass(frozen=True)
class CalibrationReport:
    """A portfolio's calibration: one row per (kind, estimator) and pooled, one per feasibility tag."""

    estimators: list[EstimatorRow]
    tags: list[TagRow]
    estimates: list[JudgedEstimate]

    def document(self) -> dict:
        """DESIGN.md's JSON document."""
        return {"estimators": [row.as_json() for row in self.estimators], "tags": [row.as_json() for row in self.tags]}


def calibration_report(*, portfolio: Portfolio) -> CalibrationReport:
    """Calibrate the portfolio's estimators and tag probabilities from its resolved projects (three queries)."""
    projects, judged = _resolved(portfolio)
    return CalibrationReport(
        estimators=calibration.estimator_rows(judged),
        tags=calibration.tag_rows(tag_outcomes(projects), estimates.tag_probabilities(portfolio)),
        estimates=judged,
    )


def range_corrections(*, portfolio: Portfolio) -> dict[tuple[str, str], calibration.Correction]:
    """(kind, estimator) -> bias and stretch for every estimator with >= 5 resolved estimates of that kind."""
    return calibration.corrections(_resolved(portfolio)[1])


@dataclass(frozen=True)
class ReferenceProject:
    """A past project of a reference class: its judged effort range and actual effort (person-weeks)."""

    project: Project
    tag: str
    effort: calibration.Range
    actual_effort: float

    @property
    def ratio(self) -> float | None:
        """Actual effort / the range's PERT mean (1.5 = took 50% more)."""
        return self.actual_effort / self.effort.mean if self.effort.mean else None


@dataclass(frozen=True)
class ReferenceClass:
    """Past projects like one being assessed, and the assessing EM's own effort calibration (None without any)."""

    projects: list[ReferenceProject]
    own: EstimatorRow | None


def reference_class(*, portfolio: Portfolio, project: Project, tag: str | None, estimator: str) -> ReferenceClass:
    """Resolved projects of ``project``'s problem type (and ``tag`` when given) with an actual effort, and the
    effort calibration of ``estimator`` (the EM entering the range) over all their resolved estimates."""
    projects = resolved_projects(portfolio=portfolio)
    judged = delivery_selectors.judged_estimates_in(portfolio)
    found = []
    for past in projects:
        assessment, estimate = (
            current_assessment(past),
            _estimate(past, judged[past.pk][EFFORT], past.outcome.actual_effort),
        )
        if estimate is None or past.pk == project.pk or past.problem_type != project.problem_type:
            continue
        if tag and (assessment is None or assessment.tag != tag):
            continue
        effort = calibration.Range(estimate.low, estimate.likely, estimate.high)
        found.append(ReferenceProject(past, assessment.tag if assessment else "", effort, estimate.actual))
    mine = [e for e in judged_estimates(projects, judged) if e.kind == EFFORT and e.estimator == estimator]
    return ReferenceClass(found, calibration.estimator_row(EFFORT, estimator, mine) if mine else None)
