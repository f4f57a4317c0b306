"""Reads for calibration: the resolved estimates and outcomes of a portfolio, and what the math makes of them.

Resolved (DESIGN.md, "Learning from delivery"): an effort estimate when the project has an actual effort and an
effort range; an impact estimate when it has a realised impact; a tag when ``succeeded`` is known. The range judged
is the one the decision was made on (``judged_ranges``). The math is ``portfolio.calibration``.
"""

from dataclasses import dataclass

from . import calibration, estimates
from .calibration import EstimatorRow, JudgedEstimate, TagOutcome, TagRow
from .models import Portfolio, Project, Succeeded
from .selectors import _current_assessment_prefetch, current_assessment


@dataclass(frozen=True)
class JudgedRanges:
    """The impact range (value units per year) and effort range (person-weeks) a project was judged on."""

    impact: calibration.Range
    effort: calibration.Range | None


def judged_ranges(project: Project) -> JudgedRanges:
    """The ranges a decision was made on for ``project`` (its current assessment prefetched)."""
    effort = estimates.effort_in_force(project, current_assessment(project))
    return JudgedRanges(
        impact=calibration.Range(project.impact_low, project.impact_likely, project.impact_high),
        effort=effort.range if effort is not None else None,
    )


def resolved_projects(*, portfolio: Portfolio, **filters) -> list[Project]:
    """The portfolio's projects that have an outcome, with it, their current assessment and their estimators
    (``filters``: more conditions on the projects, e.g. ``problem_type``)."""
    return list(
        Project.objects.filter(portfolio=portfolio, outcome__isnull=False, **filters)
        .select_related("outcome", "impact_estimated_by", "effort_estimated_by")
        .prefetch_related(_current_assessment_prefetch())
        .order_by("name", "pk")
    )


def _judged(project: Project) -> list[JudgedEstimate]:
    outcome, ranges, found = project.outcome, judged_ranges(project), []
    if outcome.actual_effort is not None and ranges.effort is not None:
        r = ranges.effort
        found.append(
            JudgedEstimate(
                "effort", project.estimator("effort"), r.low, r.likely, r.high, outcome.actual_effort, project.name
            )
        )
    if outcome.realized_impact is not None:
        r = ranges.impact
        found.append(
            JudgedEstimate(
                "impact", project.estimator("impact"), r.low, r.likely, r.high, outcome.realized_impact, project.name
            )
        )
    return found


def judged_estimates(projects: list[Project]) -> list[JudgedEstimate]:
    """Every resolved estimate of ``projects`` (from ``resolved_projects``)."""
    return [estimate for project in projects for estimate in _judged(project)]


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
    projects = resolved_projects(portfolio=portfolio)
    judged = judged_estimates(projects)
    return CalibrationReport(
        estimators=calibration.estimator_rows(judged),
        tags=calibration.tag_rows(tag_outcomes(projects), estimates.tag_probabilities(portfolio)),
        estimates=judged,
    )


def range_corrections(*, portfolio: Portfolio) -> dict[tuple[str, str], calibration.Correction]:
    """(kind, estimator) -> bias and stretch for every estimator with >= 5 resolved estimates of that kind."""
    return calibration.corrections(judged_estimates(resolved_projects(portfolio=portfolio)))


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
    found = []
    for past in projects:
        assessment, effort = current_assessment(past), judged_ranges(past).effort
        if past.pk == project.pk or past.problem_type != project.problem_type or effort is None:
            continue
        if past.outcome.actual_effort is None or (tag and (assessment is None or assessment.tag != tag)):
            continue
        found.append(ReferenceProject(past, assessment.tag if assessment else "", effort, past.outcome.actual_effort))
    mine = [e for e in judged_estimates(projects) if e.kind == "effort" and e.estimator == estimator]
    return ReferenceClass(found, calibration.estimator_row("effort", estimator, mine) if mine else None)
