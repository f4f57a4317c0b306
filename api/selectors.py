"""Reads the API needs beyond the pages' selectors: a snapshot's rows as querysets that the database counts and
slices to a page (a constant number of queries whatever the size of the snapshot)."""

from django.db.models import F, QuerySet

from roadmap.models import ProjectScore, RankingSnapshot, ScheduleRow


def ranking_rows(*, snapshot: RankingSnapshot) -> QuerySet[ProjectScore]:
    """The snapshot's ranking: ranked projects by rank, then those not ranked by name (as the chart page lists)."""
    return ProjectScore.objects.filter(snapshot=snapshot).order_by(F("rank").asc(nulls_last=True), "name", "pk")


def schedule_rows(*, snapshot: RankingSnapshot) -> QuerySet[ScheduleRow]:
    """The snapshot's roadmap: scheduled projects in schedule order, then those left off by rank and name (as
    ``roadmap.selectors.schedule.schedule_rows`` orders them)."""
    return ScheduleRow.objects.filter(snapshot=snapshot).order_by(
        F("position").asc(nulls_last=True), F("rank").asc(nulls_first=True), "name", "pk"
    )
