"""Reads of the computed plan: the latest ranking snapshot and the recompute status."""

from dataclasses import dataclass

from portfolio.models import Portfolio

from .models import ProjectScore, RankingSnapshot, RecomputeState


def latest_snapshot(*, portfolio: Portfolio) -> RankingSnapshot | None:
    """The newest complete ranking snapshot (snapshots are only visible once fully written)."""
    return RankingSnapshot.objects.filter(portfolio=portfolio).order_by("-input_version").first()


def snapshot_scores(*, snapshot: RankingSnapshot | None) -> list[ProjectScore]:
    """All rows of a snapshot: ranked ones in rank order, then the excluded ones by name."""
    if snapshot is None:
        return []
    rows = list(ProjectScore.objects.filter(snapshot=snapshot).order_by("rank", "name"))
    return [r for r in rows if r.rank is not None] + [r for r in rows if r.rank is None]


def scores_by_project(*, snapshot: RankingSnapshot | None) -> dict[int, ProjectScore]:
    """The snapshot's rows keyed by project id."""
    return {s.project_id: s for s in snapshot_scores(snapshot=snapshot) if s.project_id is not None}


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
