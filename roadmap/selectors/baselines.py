"""Reads of review baselines: the list, one by id, the latest, the rank moves since it, a cached "Changes since"
report, and the history rows that say who changed an input and when."""

from django.db.models import Subquery
from django.utils.dateparse import parse_datetime

from portfolio.models import Change, Portfolio
from portfolio.parsing import whole_number

from ..models import ChangesReport, ProjectScore, RankingSnapshot, ReviewBaseline

NEW = "new"


def baseline_list(*, portfolio: Portfolio) -> list[ReviewBaseline]:
    """Every baseline of the portfolio, newest first, with its snapshot and who marked it (one query)."""
    return list(
        ReviewBaseline.objects.filter(portfolio=portfolio)
        .select_related("snapshot", "created_by")
        .order_by("-created_at", "-id")
    )


def baseline_get(*, portfolio: Portfolio, baseline_id: object) -> ReviewBaseline | None:
    """The portfolio's baseline ``baseline_id`` (a query-string value) with its snapshot, or None."""
    pk = whole_number(str(baseline_id))
    if pk is None:
        return None
    found = ReviewBaseline.objects.filter(portfolio=portfolio, pk=pk).select_related("snapshot", "created_by")
    return found.first()


def baseline_by_name(*, portfolio: Portfolio, name: str) -> ReviewBaseline | None:
    """The portfolio's baseline called ``name`` (exactly, else case-insensitively), or None."""
    found = ReviewBaseline.objects.filter(portfolio=portfolio).select_related("snapshot", "created_by")
    return found.filter(name=name).first() or found.filter(name__iexact=name).first()


def latest_baseline(*, portfolio: Portfolio) -> ReviewBaseline | None:
    """The baseline marked last, or None."""
    return ReviewBaseline.objects.filter(portfolio=portfolio).select_related("snapshot", "created_by").first()


def rank_moves(*, portfolio: Portfolio, scores: dict[int, ProjectScore]) -> dict[int, str]:
    """How far each project of ``scores`` (the current snapshot's rows by project id) moved in rank since the latest
    baseline, at a glance: "▲3" (up three places), "▼2", "=" or "new" (ranked now, not then); nothing for a project
    not ranked now, or when there is no baseline. One query: the baseline snapshot's ranks of these projects."""
    if not scores:
        return {}
    latest = ReviewBaseline.objects.filter(portfolio=portfolio).order_by("-created_at", "-id").values("snapshot_id")
    then_rows = ProjectScore.objects.filter(snapshot_id=Subquery(latest[:1]), project_id__in=list(scores))
    then = dict(then_rows.values_list("project_id", "rank")[: len(scores)])  # one row per project at most
    if not then:
        return {}
    moves = {}
    for project_id, score in scores.items():
        if score.rank is None:
            continue
        moves[project_id] = move_label(then.get(project_id), score.rank)
    return moves


def move_label(before: int | None, now: int) -> str:
    """A rank move at a glance: "▲3" (up three places), "▼2", "=" or "new" (not ranked ``before``)."""
    if before is None:
        return NEW
    if before == now:
        return "="
    return f"▲{before - now}" if now < before else f"▼{now - before}"


def changes_report(*, baseline: ReviewBaseline, snapshot: RankingSnapshot) -> ChangesReport | None:
    """The stored "Changes since" report of ``baseline`` against ``snapshot``'s input version, if any."""
    return ChangesReport.objects.filter(baseline=baseline, input_version=snapshot.input_version).first()


def input_history(*, project_ids: list[int], after: object, until: object) -> list[Change]:
    """The history rows of ``project_ids`` written after ``after`` and up to ``until`` (datetimes or ISO strings),
    oldest first, with who wrote them (one query)."""
    after = parse_datetime(after) if isinstance(after, str) else after
    until = parse_datetime(until) if isinstance(until, str) else until
    rows = Change.objects.filter(project_id__in=project_ids, at__gt=after, at__lte=until).select_related("user")
    return list(rows.order_by("at", "id"))
