"""Reads for calibration: the resolved estimates and outcomes of a portfolio, and what the math makes of them.

Resolved (DESIGN.md, "Learning from delivery"): an effort estimate when the project has an actual effort and an
effort range; an impact estimate when it has a realised impact; a tag when ``succeeded`` is known. The range judged
is the one the decision was made on (``delivery_selectors.delivery_records_in``: the range in force when the project
entered building, replayed from its history, else the range current when the outcome was recorded). The math is
``portfolio.calibration``.
"""

from dataclasses import dataclass

from . import calibration, estimates, judging
from .calibration import EstimatorRow, JudgedEstimate, TagOutcome, TagRow
from .delivery_selectors import DeliveryRecord, delivery_records_in
from .estimator_fields import EFFORT, IMPORTED_ESTIMATOR
from .models import Portfolio, Project, Succeeded


def _estimate(record: DeliveryRecord, judged: judging.JudgedEstimate | None, actual: float | None):
    """The resolved estimate of one kind, or None when there is no range judged or no actual."""
    if judged is None or actual is None:
        return None
    r = judged.range
    who = judged.estimator or IMPORTED_ESTIMATOR
    return JudgedEstimate(judged.kind, who, r.low, r.likely, r.high, actual, record.project.name)


def judged_estimates(records: list[DeliveryRecord]) -> list[JudgedEstimate]:
    """Every resolved estimate of ``records`` (``delivery_selectors.delivery_records_in``): the range judged with
    the actual effort (person-weeks) or the realised impact (value units per year)."""
    found = []
    for record in records:
        for judged, actual in (
            (record.effort, record.outcome.actual_effort),
            (record.impact, record.outcome.realized_impact),
        ):
            estimate = _estimate(record, judged, actual)
            if estimate is not None:
                found.append(estimate)
    return found


def tag_outcomes(records: list[DeliveryRecord]) -> list[TagOutcome]:
    """Whether each project of a feasibility tag succeeded, for those where it is known."""
    return [
        TagOutcome(r.tag, r.outcome.succeeded == Succeeded.YES)
        for r in records
        if r.tag is not None and r.outcome.succeeded != Succeeded.UNKNOWN
    ]


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
    records = delivery_records_in(portfolio)
    judged = judged_estimates(records)
    return CalibrationReport(
        estimators=calibration.estimator_rows(judged),
        tags=calibration.tag_rows(tag_outcomes(records), estimates.tag_probabilities(portfolio)),
        estimates=judged,
    )


def range_corrections(*, portfolio: Portfolio) -> dict[tuple[str, str], calibration.Correction]:
    """(kind, estimator) -> bias and stretch for every estimator with >= 5 resolved estimates of that kind."""
    return calibration.corrections(judged_estimates(delivery_records_in(portfolio)))


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
    records = delivery_records_in(portfolio)
    found = []
    for record in records:
        past = record.project
        estimate = _estimate(record, record.effort, record.outcome.actual_effort)
        if estimate is None or past.pk == project.pk or past.problem_type != project.problem_type:
            continue
        if tag and record.tag != tag:
            continue
        effort = calibration.Range(estimate.low, estimate.likely, estimate.high)
        found.append(ReferenceProject(past, record.tag or "", effort, estimate.actual))
    mine = [e for e in judged_estimates(records) if e.kind == EFFORT and e.estimator == estimator]
    return ReferenceClass(found, calibration.estimator_row(EFFORT, estimator, mine) if mine else None)
