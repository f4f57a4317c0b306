"""Reads of a ranking snapshot: the latest one, its ranking rows (whole, by project, as backlog sort keys)
and the status of a portfolio's figures (when computed, out of date, recompute failed or queue unreachable)."""

from dataclasses import dataclass
from typing import cast

from django.db.models import Count, F, Q, QuerySet

from portfolio.models import Portfolio
from portfolio.selectors import ExtraSortKeys

from ..models import ProjectScore, RankingSnapshot, RecomputeState

UNREAD = object()  # figures_status(latest=...) not given: it reads the latest snapshot itself
# The columns the tables under the ROI chart (and the shared chart page) show of a ranked row, and of a row that is
# not ranked: ``ranking_tables`` reads these alone (a field left out here would be read by a query per row).
RANKED_LISTED_FIELDS = tuple(
    "project_id name rank tied_with_above tag needs_feasibility success_probability expected_value expected_effort"
    " expected_roi roi_se roi_p10 roi_p50 roi_p90 p_loss p_top_k funded funding_reason p_funded_if_known".split()
)
EXCLUDED_LISTED_FIELDS = ("project_id", "name", "tag", "excluded_reason")
FUNDED = Q(funded=True)  # a snapshot's rows funded by its funding decision
SCORE_SORT_FIELDS = {"rank": "rank", "roi": "expected_roi", "ptopk": "p_top_k"}  # backlog column -> score field


def latest_snapshot(*, portfolio: Portfolio) -> RankingSnapshot | None:
    """The newest complete ranking snapshot (snapshots are only visible once fully written)."""
    return RankingSnapshot.objects.filter(portfolio=portfolio).order_by("-input_version").first()


def latest_or_given(*, portfolio: Portfolio, latest: RankingSnapshot | None | object) -> RankingSnapshot | None:
    """``latest`` when the caller has just read the portfolio's latest snapshot (``latest_snapshot``), so it is not
    read twice; read here when it is ``UNREAD``."""
    return latest_snapshot(portfolio=portfolio) if latest is UNREAD else cast(RankingSnapshot | None, latest)


def snapshot_scores(*, snapshot: RankingSnapshot | None) -> list[ProjectScore]:
    """All rows of a snapshot: ranked ones in rank order, then the excluded ones by name."""
    if snapshot is None:
        return []
    rows = list(ProjectScore.objects.filter(snapshot=snapshot).order_by("rank", "name"))
    return [r for r in rows if r.rank is not None] + [r for r in rows if r.rank is None]


def ranking_tables(*, snapshot: RankingSnapshot | None, limit: int | None) -> dict:
    """The rows listed under the ROI chart: the first ``limit`` ranked ones by rank and the first ``limit``
    unranked ones by name (all of them when ``limit`` is None), with how many of each there are in all, and how many
    rows are funded (``funded_count``, counted with the others for the funding section: ``funding_summary``).
    Three queries, whatever the size of the snapshot. The rows come with the columns the tables show alone
    (``RANKED_LISTED_FIELDS``, ``EXCLUDED_LISTED_FIELDS``): not the project page's information-value figures (EVPPI
    and tornado: JSON decoded for nothing here), nor the chart's whiskers."""
    if snapshot is None:
        return {"ranked_shown": [], "ranked_count": 0, "excluded_shown": [], "excluded_count": 0, "funded_count": 0}
    rows = ProjectScore.objects.filter(snapshot=snapshot)
    counts = rows.aggregate(
        ranked=Count("pk", filter=Q(rank__isnull=False)),
        excluded=Count("pk", filter=Q(rank=None)),
        funded=Count("pk", filter=FUNDED),
    )
    ranked = rows.only(*RANKED_LISTED_FIELDS).filter(rank__isnull=False).order_by("rank", "name")
    excluded = rows.only(*EXCLUDED_LISTED_FIELDS).filter(rank=None).order_by("name", "pk")
    return {
        "ranked_shown": list(ranked if limit is None else ranked[:limit]) if counts["ranked"] else [],
        "ranked_count": counts["ranked"],
        "excluded_shown": list(excluded if limit is None else excluded[:limit]) if counts["excluded"] else [],
        "excluded_count": counts["excluded"],
        "funded_count": counts["funded"],
    }


def scores_by_project(*, snapshot: RankingSnapshot | None) -> dict[int, ProjectScore]:
    """The snapshot's rows keyed by project id."""
    return {s.project_id: s for s in snapshot_scores(snapshot=snapshot) if s.project_id is not None}


SNAPSHOT_SCORE = "snapshot_score"  # the alias of a project's row in the snapshot whose figures the backlog sorts by


def score_sort_keys(*, snapshot: RankingSnapshot | None) -> ExtraSortKeys | None:
    """The backlog's figure columns (rank, expected ROI, P(top-K)) as expressions over a project: its value in
    ``snapshot``, NULL when it has none there. No snapshot, no figure columns to sort by.

    The rows are joined (the unique (snapshot, project) index) rather than looked up per project: a correlated
    subquery per project is what a planner with stale statistics made slow."""
    if snapshot is None:
        return None
    keys = {key: F(f"{SNAPSHOT_SCORE}__{field}") for key, field in SCORE_SORT_FIELDS.items()}
    return ExtraSortKeys(keys=keys, joins={SNAPSHOT_SCORE: ("scores", Q(scores__snapshot_id=snapshot.pk))})


def figure_ordered_ids(*, snapshot: RankingSnapshot, sort: str, direction: str) -> QuerySet[ProjectScore, int] | None:
    """The ids of the snapshot's projects ordered by a figure column of the backlog (``SCORE_SORT_FIELDS``) as the
    backlog orders them (no value last in both directions, ties by the project's name as it is now), read from the
    snapshot's rows: the first page of the rank order walks 50 entries of an index instead of sorting every
    project. None for another column.

    This is the backlog's order only while the snapshot is of the portfolio's current inputs: adding and removing a
    project are input changes, so its rows are then the portfolio's projects. (A rename is not: the tie-break reads
    the project's name, not the row's.)"""
    field = SCORE_SORT_FIELDS.get(sort)
    if field is None:
        return None
    value = F(field).desc(nulls_last=True) if direction == "desc" else F(field).asc(nulls_last=True)
    rows = ProjectScore.objects.filter(snapshot=snapshot, project__isnull=False)
    return rows.order_by(value, "project__name").values_list("project_id", flat=True)


def scores_for_projects(*, snapshot: RankingSnapshot | None, project_ids: list[int]) -> dict[int, ProjectScore]:
    """The snapshot's rows of some projects (a page of the backlog) keyed by project id, in one query."""
    if snapshot is None or not project_ids:
        return {}
    rows = ProjectScore.objects.filter(snapshot=snapshot, project_id__in=project_ids)
    return {s.project_id: s for s in rows if s.project_id is not None}


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


def figures_status(*, portfolio: Portfolio, latest: RankingSnapshot | None | object = UNREAD) -> FiguresStatus:
    """Fresh status of a portfolio's figures (re-reads the input version; one query once it has a recompute state).

    ``latest`` is the portfolio's latest snapshot when the caller has just read it (``latest_snapshot``), so it is
    not read twice."""
    state = (
        RecomputeState.objects.filter(portfolio=portfolio)
        .annotate(portfolio_input_version=F("portfolio__input_version"))  # the version alone, not the whole row
        .first()
    )
    if state is not None:
        version = state.portfolio_input_version
    else:
        version = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio.pk)
    snapshot = latest_or_given(portfolio=portfolio, latest=latest)
    return FiguresStatus(snapshot=snapshot, input_version=version, state=state)
