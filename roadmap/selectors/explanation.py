"""The explanation of the figures ("How scores are computed"): a snapshot's top-ranked project worked through
from its inputs to its figures, with the settings the snapshot was computed with, and the Monte Carlo error of its
two top-ranked projects (standard error, the tie test, P(loss))."""

import math
from dataclasses import dataclass, replace

from django.db.models import Count, Q

from portfolio import estimates, mc_error, sampling, scoring
from portfolio.models import FeasibilityAssessment, Project, ReuseLink

from ..models import ProjectScore, RankingSnapshot


@dataclass(frozen=True)
class CreditLine:
    """Reuse credit the example project earns from one consumer: p x fraction x consumer effort x cost."""

    consumer: str
    fraction: float
    consumer_effort: float  # expected person-weeks, after savings from shipped producers
    credit: float  # expected value units over the horizon


@dataclass(frozen=True)
class WorkedExample:
    """The top-ranked project's inputs and the arithmetic from them to its figures (value units, person-weeks)."""

    score: ProjectScore
    project: Project
    assessment: FeasibilityAssessment | None
    impact: tuple[float, float, float]
    effort: tuple[float, float, float]
    effort_source: str  # "progress" (a building project's remaining range) | "assessment" | "provisional"
    p: float
    impact_alpha: float
    impact_beta: float
    impact_mean: float
    effort_alpha: float
    effort_beta: float
    effort_mean: float
    saving: float  # share of the effort saved by shipped producers (0..0.9)
    horizon_years: float
    cost_per_person_week: float
    credits: tuple[CreditLine, ...]

    @property
    def effort_after_saving(self) -> float:
        """PERT mean effort x (1 - saving from shipped producers), person-weeks."""
        return self.effort_mean * (1 - self.saving)

    @property
    def value_without_credit(self) -> float:
        """p x mean impact x horizon, in value units."""
        return self.p * self.impact_mean * self.horizon_years

    @property
    def credit_total(self) -> float:
        return sum(c.credit for c in self.credits)

    @property
    def value_of_means(self) -> float:
        return self.value_without_credit + self.credit_total

    @property
    def cost_of_means(self) -> float:
        """Expected effort (the snapshot's, after savings) x cost per person-week, in value units."""
        effort = self.score.expected_effort if self.score.expected_effort is not None else self.effort_mean
        return effort * self.cost_per_person_week

    @property
    def roi_of_means(self) -> float:
        return (self.value_of_means - self.cost_of_means) / self.cost_of_means


def worked_example(*, snapshot: RankingSnapshot | None) -> WorkedExample | None:
    """The snapshot's top-ranked project that still exists, with its current inputs, worked through with the
    settings the snapshot was computed with (horizon, cost per person-week, success probabilities); None when
    there is none, or when the project has no effort estimate any more."""
    if snapshot is None:
        return None
    score = (
        ProjectScore.objects.filter(snapshot=snapshot, rank__isnull=False, project__isnull=False)
        .select_related("project")
        .order_by("rank")
        .first()
    )
    if score is None:
        return None
    project = score.project
    if project is None:  # the query asks for a row with a project
        return None
    assessment = project.assessments.filter(is_current=True).first()
    effort = estimates.effort_in_force(project, assessment)
    if effort is None:
        return None  # inputs changed since the snapshot: no effort any more
    p = estimates.success_probability(snapshot, assessment)
    impact = scoring.Range(project.impact_low, project.impact_likely, project.impact_high)
    if snapshot.calibrated_ranges:  # the ranges the math used: corrected ones, as the snapshot's inputs hold them
        impact, corrected = _calibrated_ranges(snapshot, project.pk, impact, effort.range)
        effort = replace(effort, range=corrected)
    impact_shape = sampling.pert_shape(impact.low, impact.likely, impact.high)
    effort_shape = sampling.pert_shape(effort.range.low, effort.range.likely, effort.range.high)
    return WorkedExample(
        score=score,
        project=project,
        assessment=assessment,
        impact=(impact.low, impact.likely, impact.high),
        effort=(effort.range.low, effort.range.likely, effort.range.high),
        effort_source=effort.source,
        p=p,
        impact_alpha=impact_shape.alpha,
        impact_beta=impact_shape.beta,
        impact_mean=impact_shape.mean,
        effort_alpha=effort_shape.alpha,
        effort_beta=effort_shape.beta,
        effort_mean=effort_shape.mean,
        saving=_shipped_saving(project),
        horizon_years=snapshot.horizon_years,
        cost_per_person_week=snapshot.cost_per_person_week,
        credits=_credits(snapshot, project, p),
    )


def _calibrated_ranges(
    snapshot: RankingSnapshot, key: int, impact: scoring.Range, effort: scoring.Range
) -> tuple[scoring.Range, scoring.Range]:
    """The project's impact and effort ranges as the snapshot's input document holds them (calibrated ranges);
    the ones given when the snapshot has no document or no entry for it."""
    document = getattr(getattr(snapshot, "input_document", None), "document", None) or {}
    for entry in document.get("projects", ()):
        if entry.get("id") == key and entry.get("effort"):
            return scoring.Range(*entry["impact"]), scoring.Range(*entry["effort"])
    return impact, effort


def _shipped_saving(project: Project) -> float:
    """The share of the project's effort saved by its shipped producers' output (0..0.9)."""
    shipped = ReuseLink.objects.filter(consumer=project, producer__status__in=scoring.DELIVERED_STATUSES)
    return min(scoring.MAX_SAVING_FRACTION, sum(shipped.values_list("fraction", flat=True)))


def _credits(snapshot: RankingSnapshot, project: Project, p: float) -> tuple[CreditLine, ...]:
    """The reuse credit the project earns from each ranked consumer of the snapshot, at the snapshot's cost per
    person-week; none once it is delivered (its consumers' effort is cut instead)."""
    if project.status in scoring.DELIVERED_STATUSES:
        return ()
    consumers = {
        s.project_id: s
        for s in ProjectScore.objects.filter(snapshot=snapshot, rank__isnull=False, project__links_in__producer=project)
    }
    credits = []
    for link in ReuseLink.objects.filter(producer=project).select_related("consumer").order_by("consumer__name"):
        consumer = consumers.get(link.consumer_id)
        if consumer is not None and consumer.expected_effort is not None:
            credit = p * link.fraction * consumer.expected_effort * snapshot.cost_per_person_week
            credits.append(CreditLine(link.consumer.name, link.fraction, consumer.expected_effort, credit))
    return tuple(credits)


def _ranked_figure(value: float | None) -> float:
    """A figure of a ranked row, which always has its figures (None only on an excluded project's row)."""
    if value is None:
        raise ValueError("a ranked project's row has every figure")
    return value


@dataclass(frozen=True)
class ErrorExample:
    """Monte Carlo error on a snapshot's two top-ranked projects: ROIs and standard errors are ratios.

    ``tied_count`` ranked projects are marked "≈" (tied with the one above), ``losing_count`` lose money in at
    least half of the trials, out of ``ranked_count``."""

    first: ProjectScore
    second: ProjectScore | None
    trials: int
    ranked_count: int
    tied_count: int
    losing_count: int
    tie_standard_errors: float = mc_error.TIE_STANDARD_ERRORS

    @property
    def first_sd(self) -> float:
        """The standard deviation of the top project's roi_t over the trials: SE x sqrt(trials)."""
        return _ranked_figure(self.first.roi_se) * math.sqrt(self.trials)

    @property
    def difference(self) -> float | None:
        if self.second is None:
            return None
        return _ranked_figure(self.first.expected_roi) - _ranked_figure(self.second.expected_roi)

    @property
    def threshold(self) -> float | None:
        """2 x sqrt(SE_1² + SE_2²): the difference below which the two are tied."""
        if self.second is None:
            return None
        return self.tie_standard_errors * math.hypot(
            _ranked_figure(self.first.roi_se), _ranked_figure(self.second.roi_se)
        )


def error_example(*, snapshot: RankingSnapshot | None) -> ErrorExample | None:
    """The snapshot's Monte Carlo error explained on its top two ranked projects (two queries); None without a
    ranked project, or for a snapshot computed before standard errors were stored."""
    if snapshot is None:
        return None
    ranked = ProjectScore.objects.filter(snapshot=snapshot, rank__isnull=False)
    top = list(ranked.order_by("rank")[:2])
    if not top or top[0].roi_se is None or top[0].expected_roi is None:
        return None
    counts = ranked.aggregate(
        ranked=Count("pk"),
        tied=Count("pk", filter=Q(tied_with_above=True)),
        losing=Count("pk", filter=Q(p_loss__gte=0.5)),
    )
    second = top[1] if len(top) > 1 and top[1].roi_se is not None and top[1].expected_roi is not None else None
    return ErrorExample(
        first=top[0],
        second=second,
        trials=snapshot.trials,
        ranked_count=counts["ranked"],
        tied_count=counts["tied"],
        losing_count=counts["losing"],
    )
