"""Reads of the computed plan: the latest ranking snapshot, its roadmap, and the recompute status."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink
from portfolio.scoring import DELIVERED_STATUSES, MAX_SAVING_FRACTION

from .models import ProjectScore, RankingSnapshot, RecomputeState, ScheduleRow, ValueCurvePoint

SCORE_SORT_FIELDS = {"rank": "rank", "roi": "expected_roi", "ptopk": "p_top_k"}  # backlog column -> score field


def latest_snapshot(*, portfolio: Portfolio) -> RankingSnapshot | None:
    """The newest complete ranking snapshot (snapshots are only visible once fully written)."""
    return RankingSnapshot.objects.filter(portfolio=portfolio).order_by("-input_version").first()


def snapshot_scores(*, snapshot: RankingSnapshot | None) -> list[ProjectScore]:
    """All rows of a snapshot: ranked ones in rank order, then the excluded ones by name."""
    if snapshot is None:
        return []
    rows = list(ProjectScore.objects.filter(snapshot=snapshot).order_by("rank", "name"))
    return [r for r in rows if r.rank is not None] + [r for r in rows if r.rank is None]


def ranking_tables(*, snapshot: RankingSnapshot | None, limit: int | None) -> dict:
    """The rows listed under the ROI chart: the first ``limit`` ranked ones by rank and the first ``limit``
    unranked ones by name (all of them when ``limit`` is None), with how many of each there are in all.
    Three queries, whatever the size of the snapshot."""
    if snapshot is None:
        return {"ranked_shown": [], "ranked_count": 0, "excluded_shown": [], "excluded_count": 0}
    rows = ProjectScore.objects.filter(snapshot=snapshot)
    counts = rows.aggregate(ranked=Count("pk", filter=Q(rank__isnull=False)), excluded=Count("pk", filter=Q(rank=None)))
    ranked = rows.filter(rank__isnull=False).order_by("rank", "name")
    excluded = rows.filter(rank=None).order_by("name", "pk")
    return {
        "ranked_shown": list(ranked if limit is None else ranked[:limit]) if counts["ranked"] else [],
        "ranked_count": counts["ranked"],
        "excluded_shown": list(excluded if limit is None else excluded[:limit]) if counts["excluded"] else [],
        "excluded_count": counts["excluded"],
    }


def scores_by_project(*, snapshot: RankingSnapshot | None) -> dict[int, ProjectScore]:
    """The snapshot's rows keyed by project id."""
    return {s.project_id: s for s in snapshot_scores(snapshot=snapshot) if s.project_id is not None}


def score_sort_keys(*, snapshot: RankingSnapshot | None) -> dict[str, Subquery]:
    """The backlog's figure columns (rank, expected ROI, P(top-K)) as expressions over a project: its
    value in ``snapshot``, NULL when it has none there. No snapshot, no figure columns to sort by."""
    if snapshot is None:
        return {}
    score = ProjectScore.objects.filter(snapshot_id=snapshot.pk, project_id=OuterRef("pk")).order_by()
    return {key: Subquery(score.values(field)[:1]) for key, field in SCORE_SORT_FIELDS.items()}


def scores_for_projects(*, snapshot: RankingSnapshot | None, project_ids: list[int]) -> dict[int, ProjectScore]:
    """The snapshot's rows of some projects (a page of the backlog) keyed by project id, in one query."""
    if snapshot is None or not project_ids:
        return {}
    return {s.project_id: s for s in ProjectScore.objects.filter(snapshot=snapshot, project_id__in=project_ids)}


@dataclass(frozen=True)
class FiguresStatus:
    """What a page says about its figures: when computed, whether out of date, whether a run failed."""

    snapshot: RankingSnapshot | None
    input_version: int
    state: RecomputeState | None

    @property
    def snapshot_version(self) -> int:
        return self.snapshot.input_version if self.snapshot else 0

    @property
    def out_of_date(self) -> bool:
        return self.snapshot_version < self.input_version

    @property
    def failed(self) -> bool:
        return bool(self.state and self.state.last_outcome == RecomputeState.Outcome.FAILED and self.out_of_date)

    @property
    def broker_unreachable(self) -> bool:
        return bool(self.state and self.state.broker_unreachable_since and self.out_of_date)

    @property
    def running(self) -> bool:
        return bool(self.state and (self.state.running_since or self.state.queued))


def figures_status(*, portfolio: Portfolio) -> FiguresStatus:
    """Fresh status of a portfolio's figures (re-reads the input version)."""
    version = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio.pk)
    return FiguresStatus(
        snapshot=latest_snapshot(portfolio=portfolio),
        input_version=version,
        state=RecomputeState.objects.filter(portfolio=portfolio).first(),
    )


# --- Added for the ROI chart, "How scores are computed", export and the management commands. ---


def portfolio_by_name_or_slug(value: str) -> Portfolio | None:
    """The portfolio whose slug is ``value`` or whose name is ``value`` (case-insensitive), else None."""
    value = (value or "").strip()
    if not value:
        return None
    return Portfolio.objects.filter(slug=value).first() or Portfolio.objects.filter(name__iexact=value).first()


def export_projects(*, portfolio: Portfolio) -> list[Project]:
    """Every project of the portfolio by name, with ``current_assessments`` and ``links_in`` (producers joined).

    Three queries whatever the number of projects.
    """
    return list(
        Project.objects.filter(portfolio=portfolio)
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=FeasibilityAssessment.objects.filter(is_current=True),
                to_attr="current_assessments",
            ),
            Prefetch("links_in", queryset=ReuseLink.objects.select_related("producer").order_by("producer__name")),
        )
        .order_by("name")
    )


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
    effort_source: str  # "assessment" | "provisional"
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


def pert_shape(low: float, likely: float, high: float) -> tuple[float, float, float]:
    """PERT (alpha, beta, mean) of a range; a constant range (low == high) gives alpha = beta = 1."""
    mean = (low + 4 * likely + high) / 6
    if high <= low:
        return 1.0, 1.0, mean
    return 1 + 4 * (likely - low) / (high - low), 1 + 4 * (high - likely) / (high - low), mean


def worked_example(*, portfolio: Portfolio, snapshot: RankingSnapshot | None) -> WorkedExample | None:
    """The snapshot's top-ranked project that still exists, with its current inputs; None when there is none."""
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
    assessment = project.assessments.filter(is_current=True).first()
    if assessment is not None:
        effort, source = (assessment.effort_low, assessment.effort_likely, assessment.effort_high), "assessment"
        override = assessment.success_probability_override
        p = override if override is not None else portfolio.success_probability_for(assessment.tag)
    elif project.has_provisional_effort:
        effort = (project.provisional_effort_low, project.provisional_effort_likely, project.provisional_effort_high)
        source, p = "provisional", portfolio.success_probability_for(None)
    else:
        return None  # inputs changed since the snapshot: no effort any more
    impact = (project.impact_low, project.impact_likely, project.impact_high)
    shipped = ReuseLink.objects.filter(consumer=project, producer__status__in=DELIVERED_STATUSES)
    saving = min(MAX_SAVING_FRACTION, sum(shipped.values_list("fraction", flat=True)))
    consumers = {
        s.project_id: s
        for s in ProjectScore.objects.filter(snapshot=snapshot, rank__isnull=False, project__links_in__producer=project)
    }
    credits = []
    if project.status not in DELIVERED_STATUSES:
        for link in ReuseLink.objects.filter(producer=project).select_related("consumer").order_by("consumer__name"):
            consumer = consumers.get(link.consumer_id)
            if consumer is not None and consumer.expected_effort is not None:
                credit = p * link.fraction * consumer.expected_effort * portfolio.cost_per_person_week
                credits.append(CreditLine(link.consumer.name, link.fraction, consumer.expected_effort, credit))
    impact_alpha, impact_beta, impact_mean = pert_shape(*impact)
    effort_alpha, effort_beta, effort_mean = pert_shape(*effort)
    return WorkedExample(
        score=score,
        project=project,
        assessment=assessment,
        impact=impact,
        effort=effort,
        effort_source=source,
        p=p,
        impact_alpha=impact_alpha,
        impact_beta=impact_beta,
        impact_mean=impact_mean,
        effort_alpha=effort_alpha,
        effort_beta=effort_beta,
        effort_mean=effort_mean,
        saving=saving,
        horizon_years=portfolio.horizon_years,
        cost_per_person_week=portfolio.cost_per_person_week,
        credits=tuple(credits),
    )


# --- the roadmap ------------------------------------------------------------------------------------------------


def schedule_rows(*, snapshot: RankingSnapshot | None) -> list[ScheduleRow]:
    """A snapshot's roadmap rows: scheduled ones in schedule order, then the left-off ones by rank (one query)."""
    if snapshot is None:
        return []
    rows = list(ScheduleRow.objects.filter(snapshot=snapshot))
    return sorted(rows, key=lambda r: (r.position is None, r.position or 0, r.rank or 0, r.name))


def value_curve_points(*, snapshot: RankingSnapshot | None) -> list[ValueCurvePoint]:
    """A snapshot's cumulative value curve, by date (one query)."""
    if snapshot is None:
        return []
    return list(ValueCurvePoint.objects.filter(snapshot=snapshot).order_by("date"))


@dataclass(frozen=True)
class ProjectSchedule:
    """One project on the latest roadmap: its row (None if not on it), and the producers it waits for."""

    snapshot: RankingSnapshot | None
    row: ScheduleRow | None
    waits_for: list[ScheduleRow]


def project_schedule(*, project: Project) -> ProjectSchedule:
    """The project's place on the latest roadmap and the rows of the producers it requires (three queries)."""
    snapshot = latest_snapshot(portfolio=project.portfolio)
    row = ScheduleRow.objects.filter(snapshot=snapshot, project=project).first() if snapshot else None
    waits_for = []
    if row is not None and row.requires:
        waits_for = list(ScheduleRow.objects.filter(snapshot=snapshot, project_id__in=row.requires))
        known = {r.project_id for r in waits_for}
        others = Project.objects.filter(pk__in=set(row.requires) - known).values_list("pk", "name", "status")
        for pk, name, status in sorted(others, key=lambda item: item[1]):  # delivered, or off the roadmap
            waits_for.append(ScheduleRow(project_id=pk, name=name, status=status, staffing=0))
    return ProjectSchedule(snapshot=snapshot, row=row, waits_for=waits_for)
