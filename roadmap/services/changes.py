"""The "Changes since" report: a baseline's figures against the current snapshot's, and the causes of every move.

``changes_request`` finds or creates the report of (baseline, current input version) and, when it is new, sends
one task; the worker's ``changes_compute`` claims it (so two workers never compute the same one), reads the two
snapshots' figures and input documents, attributes each project's change of expected ROI to the groups of input
changes (``portfolio.attribution``), says who changed what and when (the projects' history), and stores the report.
A second visit reads the stored one. The report is a JSON document:

- ``baseline`` / ``now``: input version and when computed; ``value_unit``;
- ``projects``: per project ``id``, ``name``, ``change`` ("moved", "added" or "removed"), ``before`` and ``after``
  (``rank``, ``expected_roi``, ``roi_se``, ``tied_with_above``, ``p_top_k``, ``finish_p50``, ``p_meet_target``; null
  when not in that snapshot),
  ``rank_move`` (places up, negative down; null unless ranked in both), ``causes`` (``group``, ``description``,
  ``effect`` on expected ROI, largest first) and ``interaction`` (the change minus the sum of the effects);
- ``groups``: every group evaluated, with its description and who changed it when.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portfolio import attribution, input_changes

from ..models import ChangesReport, InputDocument, ProjectScore, RankingSnapshot, ReviewBaseline, ScheduleRow
from ..selectors import baselines as baseline_selectors
from . import baselines

log = logging.getLogger(__name__)
NO_INPUTS = "The inputs of one of the two snapshots were not kept, so the causes cannot be worked out."


def changes_request(*, baseline: ReviewBaseline, snapshot: RankingSnapshot, retry: bool = False) -> ChangesReport:
    """The report of ``baseline`` against ``snapshot`` (the current one): the stored one, or a new one queued for
    the worker. With ``retry`` a failed report, or one whose worker died (running past the time limit), is queued
    again."""
    try:
        with transaction.atomic():
            report, created = ChangesReport.objects.get_or_create(
                baseline=baseline, input_version=snapshot.input_version
            )
    except IntegrityError:  # another request created it at the same moment
        report, created = ChangesReport.objects.get(baseline=baseline, input_version=snapshot.input_version), False
    if not created and retry:
        stale = timezone.now() - timedelta(seconds=settings.CHANGES_STALE_AFTER_SECONDS)
        again = ChangesReport.objects.filter(pk=report.pk, status=ChangesReport.Status.FAILED)
        again |= ChangesReport.objects.filter(pk=report.pk, status=ChangesReport.Status.RUNNING, started_at__lt=stale)
        created = bool(again.update(status=ChangesReport.Status.QUEUED, error="", groups_done=0))
    if created:
        _enqueue(report.pk)
        report.refresh_from_db()
    return report


def _enqueue(report_id: int) -> None:
    from ..tasks import compute_changes  # tasks import services; import here to keep the layers one-way

    try:
        compute_changes.apply_async(args=[report_id], retry=False)
    except Exception as exc:  # broker down: the page says so and a later visit asks again
        log.warning("Could not enqueue changes report %s: %s", report_id, exc)
        ChangesReport.objects.filter(pk=report_id, status=ChangesReport.Status.QUEUED).update(
            status=ChangesReport.Status.FAILED, error=f"Could not reach the task queue: {exc}"[:1000]
        )


def changes_compute(*, report_id: int) -> ChangesReport | None:
    """Compute a queued report (the worker's task calls this); None when another worker has it or it is gone."""
    claimed = ChangesReport.objects.filter(pk=report_id, status=ChangesReport.Status.QUEUED).update(
        status=ChangesReport.Status.RUNNING, started_at=timezone.now(), groups_done=0, groups_total=0
    )
    if not claimed:
        return None
    report = ChangesReport.objects.select_related("baseline__snapshot").get(pk=report_id)
    started = time.perf_counter()
    try:
        result = _report(report)
    except Exception as exc:
        ChangesReport.objects.filter(pk=report_id).update(
            status=ChangesReport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    duration_ms = int((time.perf_counter() - started) * 1000)
    ChangesReport.objects.filter(pk=report_id).update(
        status=ChangesReport.Status.DONE, result=result, duration_ms=duration_ms, error=""
    )
    report.refresh_from_db()
    return report


def changes_now(*, baseline: ReviewBaseline, snapshot: RankingSnapshot) -> ChangesReport:
    """The report computed in this process if it is not stored yet (the ``changes`` command)."""
    report = changes_request(baseline=baseline, snapshot=snapshot, retry=True)
    if report.status == ChangesReport.Status.QUEUED:
        changes_compute(report_id=report.pk)
        report.refresh_from_db()
    return report


def _figures(snapshot: RankingSnapshot, document: dict | None) -> dict[int, dict]:
    """Per project id: its name and figures in ``snapshot`` (two queries). A project deleted since keeps its rows
    without an id; its id is then the one ``document`` (the snapshot's inputs) gives its name."""
    ids = {p["name"]: int(p["id"]) for p in (document or {}).get("projects", [])}

    def key(pk: int | None, name: str) -> int | None:
        return pk if pk is not None else ids.get(name)

    schedule = ScheduleRow.objects.filter(snapshot=snapshot)
    finish = {
        key(pk, name): (f50, target)
        for pk, name, f50, target in schedule.values_list("project_id", "name", "finish_p50", "p_meet_target")
    }
    figures: dict[int, dict] = {}
    rows = ProjectScore.objects.filter(snapshot=snapshot)
    columns = ("project_id", "name", "rank", "expected_roi", "p_top_k", "roi_se", "tied_with_above")
    for pk, name, rank, roi, top_k, roi_se, tied in rows.values_list(*columns):
        project_key = key(pk, name)
        if project_key is None:
            continue
        f50, target = finish.get(project_key, (None, None))
        figures[project_key] = {
            "name": name,
            "rank": rank,
            "expected_roi": roi,
            "p_top_k": top_k,
            "roi_se": roi_se,
            "tied_with_above": tied,
            "finish_p50": f50.isoformat() if f50 else None,
            "p_meet_target": target,
        }
    return figures


def _documents(report: ChangesReport, now: RankingSnapshot) -> tuple[dict, dict] | None:
    """The baseline's and the current snapshot's input documents (None if either was not kept)."""
    baseline_snapshot = report.baseline.snapshot
    for snapshot in (baseline_snapshot, now):
        baselines.document_ensure(snapshot=snapshot)
    documents = dict(
        InputDocument.objects.filter(snapshot__in=[baseline_snapshot, now]).values_list("snapshot_id", "document")
    )
    if baseline_snapshot.pk not in documents or now.pk not in documents:
        return None
    return documents[baseline_snapshot.pk], documents[now.pk]


def _progress(report_id: int):
    def record(done: int, total: int) -> None:
        ChangesReport.objects.filter(pk=report_id).update(groups_done=done, groups_total=total)

    return record


def _report(report: ChangesReport) -> dict:
    """The report document (see the module doc) of a claimed report."""
    base_snapshot = report.baseline.snapshot
    now = RankingSnapshot.objects.get(portfolio_id=report.baseline.portfolio_id, input_version=report.input_version)
    documents = _documents(report, now)
    before = _figures(base_snapshot, documents[0] if documents else None)
    after = _figures(now, documents[1] if documents else None)
    if documents is None:
        found = attribution.Attribution(groups=(), base_roi={}, effects={})
    else:

        def priority(group: input_changes.ChangeGroup) -> float:  # the groups of the projects that moved most
            return max((_total(before, after, key) or 0.0 for key in group.projects), key=abs, default=0.0) ** 2

        base_document, now_document = documents
        found = attribution.attribute(base_document, now_document, priority=priority, progress=_progress(report.pk))
    history = _group_history(found.groups, base_snapshot, now)
    return {
        "baseline": {
            "input_version": base_snapshot.input_version,
            "computed_at": base_snapshot.computed_at.isoformat(),
        },
        "now": {"input_version": now.input_version, "computed_at": now.computed_at.isoformat()},
        "value_unit": now.value_unit,
        "causes_unavailable": NO_INPUTS if documents is None else "",
        "groups": [{"key": g.key, "description": g.description, **history.get(g.key, {})} for g in found.groups],
        "projects": _project_rows(before, after, found, history),
    }


def _total(before: dict, after: dict, key: int) -> float | None:
    """The change of a project's expected ROI between the snapshots (None unless ranked in both)."""
    old, new = before.get(key), after.get(key)
    if not old or not new or old["expected_roi"] is None or new["expected_roi"] is None:
        return None
    return new["expected_roi"] - old["expected_roi"]


def _project_rows(before: dict, after: dict, found: attribution.Attribution, history: dict) -> list[dict]:
    """One row per project in either snapshot, sorted by how far its rank moved (then by rank now, name)."""
    rows = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        change = "added" if old is None else "removed" if new is None else "moved"
        ranks = (old or {}).get("rank"), (new or {}).get("rank")
        move = ranks[0] - ranks[1] if ranks[0] is not None and ranks[1] is not None else None
        causes, interaction = attribution.project_causes(found, key, _total(before, after, key))
        rows.append(
            {
                "id": key,
                "name": (new or old or {})["name"],
                "change": change,
                "before": _shown(old),
                "after": _shown(new),
                "rank_move": move,
                "causes": [
                    {"group": c.group, "description": _described(c, history), "effect": c.effect} for c in causes
                ],
                "interaction": interaction,
            }
        )
    rows.sort(key=lambda r: (r["rank_move"] is None, -abs(r["rank_move"] or 0), _rank_now(r), r["name"], r["id"]))
    return rows


def _rank_now(row: dict) -> int:
    rank = (row["after"] or row["before"] or {}).get("rank")
    return rank if rank is not None else 10**9


def _shown(figures: dict | None) -> dict | None:
    return None if figures is None else {k: v for k, v in figures.items() if k != "name"}


def _described(cause: attribution.Cause, history: dict) -> str:
    """The cause's words with who changed it and when ("… by pat-pm on 3 Jan 2027")."""
    said = history.get(cause.group, {})
    if not said.get("by"):
        return cause.description
    return f"{cause.description} by {', '.join(said['by'])} on {said['on']}"


def _told_by(group: input_changes.ChangeGroup, row) -> bool:
    """Whether history ``row`` records a change of ``group``: a link's on its consumer, a project's own fields."""
    return row.project_id in group.history and row.field.startswith("link.") == (group.kind == input_changes.LINK)


def _group_history(groups, base: RankingSnapshot, now: RankingSnapshot) -> dict[str, dict]:
    """Per group key: who changed its inputs (usernames, in order) and the day of the last change, from the history
    of its projects between the two snapshots (one query). Settings have no history of their own."""
    flat = [m for g in groups for m in (g.members or (g,))]
    ids = sorted({pk for g in flat for pk in g.history})
    rows = baseline_selectors.input_history(project_ids=ids, after=base.computed_at, until=now.computed_at)
    found: dict[str, dict] = {}
    for group in groups:
        mine = [r for r in rows if any(_told_by(member, r) for member in (group.members or (group,)))]
        users = list(dict.fromkeys(r.user.get_username() if r.user else "someone" for r in mine))
        if mine:
            found[group.key] = {"by": users, "on": f"{mine[-1].at:%-d %b %Y}"}
    return found
