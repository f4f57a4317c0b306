"""Reads of a snapshot's roadmap: its schedule rows, its value curve, and one project's place on the latest one."""

from dataclasses import dataclass

from portfolio.models import Project

from ..models import RankingSnapshot, ScheduleRow, ValueCurvePoint
from .snapshots import UNREAD, latest_or_given


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


def project_schedule(*, project: Project, latest: RankingSnapshot | None | object = UNREAD) -> ProjectSchedule:
    """The project's place on the latest roadmap and the rows of the producers it requires (three queries).

    ``latest`` is the portfolio's latest snapshot when the caller has just read it (``latest_snapshot``), so it is
    not read twice."""
    snapshot = latest_or_given(portfolio=project.portfolio, latest=latest)
    row = ScheduleRow.objects.filter(snapshot=snapshot, project=project).first() if snapshot else None
    waits_for = []
    if row is not None and row.requires:
        waits_for = list(ScheduleRow.objects.filter(snapshot=snapshot, project_id__in=row.requires))
        known = {r.project_id for r in waits_for}
        others = Project.objects.filter(pk__in=set(row.requires) - known).values_list("pk", "name", "status")
        for pk, name, status in sorted(others, key=lambda item: item[1]):  # delivered, or off the roadmap
            waits_for.append(ScheduleRow(project_id=pk, name=name, status=status, staffing=0))
    return ProjectSchedule(snapshot=snapshot, row=row, waits_for=waits_for)
