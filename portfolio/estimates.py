"""Which of a project's estimates are in force: the effort range the math uses and its success probability.

The one place these rules read a project and its current feasibility assessment; the recompute's inputs,
the export, the "How scores are computed" example and the backlog's effort column all ask here. The pure
parts (the PERT shape, the probability rule, the statuses) live in ``portfolio.sampling`` and
``portfolio.scoring_inputs``.

- Effort in force (person-weeks): for a project in ``building`` with a progress report, the EM's remaining range
  (counted from the day it was recorded: the roadmap schedules it from then, not from the project's start); else
  the current assessment's range, else the PM's provisional one, else none (the project is then left out of the
  ranking).
- Success probability: the EM's override, else the tag's probability in the settings given (a portfolio's
  now, or those a snapshot was computed with), else the 'hard' one for a project not assessed yet.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, F, FilteredRelation, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import scoring, scoring_inputs
from .models import FeasibilityAssessment, Project, ProjectProgress, Status

ASSESSMENT = "assessment"  # the effort range is the current assessment's (the EM's)
PROVISIONAL = "provisional"  # the effort range is the PM's provisional one, until an EM assesses the project
PROGRESS = "progress"  # the effort range is the remaining effort of a project being built (the EM's progress report)


class TagProbabilities(Protocol):
    """Anything that holds a success probability per feasibility tag: a Portfolio, or a RankingSnapshot
    (the probabilities it was computed with)."""

    p_easy: float
    p_hard: float
    p_impossible: float


@dataclass(frozen=True)
class EffortInForce:
    """The effort range the math uses for a project (person-weeks) and where it comes from (``PROGRESS``,
    ``ASSESSMENT`` or ``PROVISIONAL``); ``since`` is the day a remaining range counts from (None otherwise)."""

    range: scoring.Range
    source: str
    since: datetime.date | None = None


def building_progress(project: Project) -> ProjectProgress | None:
    """The progress report that is in force for ``project``: its own while it is in ``building``, else None.
    (Select ``progress`` with the project when reading many: this reads it only for projects being built.)"""
    if project.status != Status.BUILDING:
        return None
    try:
        return project.progress
    except ObjectDoesNotExist:
        return None


def effort_in_force(project: Project, assessment: FeasibilityAssessment | None) -> EffortInForce | None:
    """The project's effort range in force: the remaining range of a project being built that has a progress
    report, else its current ``assessment``'s (None when it has none), else the PM's provisional range, else None
    (no effort estimate: the project gets no rank)."""
    progress = building_progress(project)
    if progress is not None:
        remaining = scoring.Range(progress.remaining_low, progress.remaining_likely, progress.remaining_high)
        return EffortInForce(remaining, PROGRESS, timezone.localdate(progress.recorded_at))
    return effort_estimate(project, assessment)


def effort_estimate(project: Project, assessment: FeasibilityAssessment | None) -> EffortInForce | None:
    """The project's estimated (whole) effort range: its current ``assessment``'s, else the PM's provisional range,
    else None. What ``effort_in_force`` uses unless a progress report gives the remaining range; what an estimator
    is judged on and what the CSV's effort columns hold."""
    if assessment is not None:
        effort = scoring.Range(assessment.effort_low, assessment.effort_likely, assessment.effort_high)
        return EffortInForce(effort, ASSESSMENT)
    low, likely = project.provisional_effort_low, project.provisional_effort_likely
    high = project.provisional_effort_high
    if low is not None and likely is not None and high is not None:  # the model's clean() keeps all three or none
        return EffortInForce(scoring.Range(low, likely, high), PROVISIONAL)
    return None


CURRENT_ASSESSMENT = "current_assessment"  # the alias of ``current_assessment_join`` in a query over projects


def current_assessment_join() -> FilteredRelation:
    """A project's current assessment as a join (LEFT OUTER: NULLs without one), to alias as ``CURRENT_ASSESSMENT``:
    one hash or merge join over the backlog instead of a subquery per project (and per use) in the sort."""
    return FilteredRelation("assessments", condition=Q(assessments__is_current=True))


def effort_likely_in_force() -> Coalesce:
    """``effort_in_force``'s likely effort (person-weeks) as an expression over a project, for ordering in the
    database: a building project's remaining one, else the current assessment's, else the provisional one, NULL
    when the project has none. The query needs ``current_assessment_join()`` aliased as ``CURRENT_ASSESSMENT``."""
    remaining = Case(When(status=Status.BUILDING, then=F("progress__remaining_likely")))
    return Coalesce(remaining, F(f"{CURRENT_ASSESSMENT}__effort_likely"), F("provisional_effort_likely"))


def tag_probabilities(settings: TagProbabilities) -> dict[str, float]:
    """The success probability of each feasibility tag under ``settings``."""
    return {"easy": settings.p_easy, "hard": settings.p_hard, "impossible": settings.p_impossible}


def success_probability(settings: TagProbabilities, assessment: FeasibilityAssessment | None) -> float:
    """The project's effective success probability under ``settings``, given its current ``assessment``
    (None: not assessed yet, counted as hard): see ``scoring_inputs.success_probability``."""
    return scoring_inputs.success_probability(
        tag=assessment.tag if assessment is not None else None,
        override=assessment.success_probability_override if assessment is not None else None,
        by_tag=tag_probabilities(settings),
    )
