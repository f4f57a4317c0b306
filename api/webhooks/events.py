"""The events a webhook receives, as JSON bodies and as one line of text for a team chat.

Every body has ``id`` (the event's, the same in each delivery of it), ``event``, ``occurred_at`` (ISO 8601) and
``portfolio`` ({slug, name}); then per event:

- ``snapshot.completed``: ``snapshot`` (input version, seed, trials, computed_at), ``previous_input_version``,
  ``rank_moves`` (projects whose rank changed: rank and expected ROI before and after), ``entered`` and ``left``
  (projects that gained or lost a rank). ``SNAPSHOT_SECTIONS`` adds more (funded-set changes, once funding exists:
  a function (previous, current snapshot) -> {key: value}).
- ``project.changed``: ``by`` (username or null) and ``projects``: [{id, name, action, fields, version}], every
  project one committed change touched (one edit, or a whole CSV import).
- ``assessment.recorded``: ``by`` and ``assessments``: [{id, project_id, project_name, tag, effort_low,
  effort_likely, effort_high, success_probability_override}].
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from portfolio.formatting import count_of
from roadmap.models import ProjectScore, RankingSnapshot

SNAPSHOT_COMPLETED = "snapshot.completed"
PROJECT_CHANGED = "project.changed"
ASSESSMENT_RECORDED = "assessment.recorded"
EVENTS = (SNAPSHOT_COMPLETED, PROJECT_CHANGED, ASSESSMENT_RECORDED)
EVENT_LABELS = {
    SNAPSHOT_COMPLETED: "A new ranking and roadmap are computed",
    PROJECT_CHANGED: "A project is created, changed or deleted",
    ASSESSMENT_RECORDED: "An assessment is recorded",
}
NAMES_IN_TEXT = 5  # a text summary names this many projects, then "and N more"

# Extra keys of snapshot.completed: each takes (previous snapshot or None, new snapshot) and returns a dict.
SNAPSHOT_SECTIONS: list[Callable[[RankingSnapshot | None, RankingSnapshot], dict]] = []


def envelope(event: str, portfolio, **fields) -> dict:
    """What every event body starts with."""
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "portfolio": {"slug": portfolio.slug, "name": portfolio.name},
        **fields,
    }


def _names(names: list[str]) -> str:
    shown = ", ".join(f"“{n}”" for n in names[:NAMES_IN_TEXT])
    return shown + (f" and {len(names) - NAMES_IN_TEXT} more" if len(names) > NAMES_IN_TEXT else "")


def _ranks(snapshot: RankingSnapshot | None) -> dict[int, tuple[str, int | None, float | None]]:
    if snapshot is None:
        return {}
    rows = ProjectScore.objects.filter(snapshot=snapshot, project__isnull=False)
    return {
        pk: (name, rank, roi) for pk, name, rank, roi in rows.values_list("project_id", "name", "rank", "expected_roi")
    }


def rank_moves(previous: RankingSnapshot | None, current: RankingSnapshot) -> dict:
    """Projects whose rank moved between two snapshots, and those that gained or lost a rank."""
    before, after = _ranks(previous), _ranks(current)
    moves: list[dict[str, Any]] = []
    entered: list[dict[str, Any]] = []
    left: list[dict[str, Any]] = []
    for pk, (name, rank, roi) in after.items():
        old = before.get(pk)
        old_rank, old_roi = (old[1], old[2]) if old else (None, None)
        if rank is not None and old_rank is None:
            entered.append({"project_id": pk, "name": name, "rank": rank})
        elif rank is None and old_rank is not None:
            left.append({"project_id": pk, "name": name, "rank_before": old_rank})
        elif rank != old_rank:
            moves.append(
                {"project_id": pk, "name": name, "rank_before": old_rank, "rank_after": rank}
                | {"expected_roi_before": old_roi, "expected_roi_after": roi}
            )
    left += [
        {"project_id": pk, "name": n, "rank_before": r} for pk, (n, r, _) in before.items() if pk not in after and r
    ]
    moves.sort(key=lambda m: m["rank_after"])
    return {"rank_moves": moves, "entered": entered, "left": left}


def snapshot_completed(snapshot: RankingSnapshot) -> tuple[dict, str]:
    """The body and text of ``snapshot.completed`` for a new snapshot, compared with the one before it."""
    previous = (
        RankingSnapshot.objects.filter(portfolio_id=snapshot.portfolio_id, input_version__lt=snapshot.input_version)
        .order_by("-input_version")
        .first()
    )
    moves = rank_moves(previous, snapshot)
    body = envelope(
        SNAPSHOT_COMPLETED,
        snapshot.portfolio,
        snapshot={
            "input_version": snapshot.input_version,
            "seed": snapshot.seed,
            "trials": snapshot.trials,
            "computed_at": snapshot.computed_at.isoformat(),
        },
        previous_input_version=previous.input_version if previous else None,
        **moves,
    )
    for section in SNAPSHOT_SECTIONS:
        body.update(section(previous, snapshot))
    moved = [f"{m['name']} {m['rank_before'] or '–'} → {m['rank_after']}" for m in moves["rank_moves"]]
    text = f"{snapshot.portfolio.name}: new ranking (input version {snapshot.input_version}). "
    more = "…" if len(moved) > NAMES_IN_TEXT else ""
    text += f"Moved: {'; '.join(moved[:NAMES_IN_TEXT])}{more}." if moved else "No rank moved."
    return body, text


def project_changed(portfolio, user, projects: list[dict]) -> tuple[dict, str]:
    """``project.changed`` for the projects one committed change touched ({id, name, action, fields, version})."""
    body = envelope(PROJECT_CHANGED, portfolio, by=_username(user), projects=projects)
    who = _username(user) or "Someone"
    if len(projects) == 1:
        p = projects[0]
        fields = f" ({', '.join(p['fields'])})" if p["fields"] else ""
        text = f"{who} {p['action']} “{p['name']}”{fields} in {portfolio.name}."
    else:
        names = _names([p["name"] for p in projects])
        text = f"{who} changed {count_of(len(projects), 'project')} in {portfolio.name}: {names}."
    return body, text


def assessment_recorded(portfolio, user, assessments: list[dict]) -> tuple[dict, str]:
    """``assessment.recorded`` for the assessments one committed change recorded."""
    body = envelope(ASSESSMENT_RECORDED, portfolio, by=_username(user), assessments=assessments)
    who = _username(user) or "Someone"
    if len(assessments) == 1:
        a = assessments[0]
        effort = f"{a['effort_low']:g}–{a['effort_high']:g} person-weeks"
        text = f"{who} assessed “{a['project_name']}” in {portfolio.name}: {a['tag']}, {effort}."
    else:
        names = _names([a["project_name"] for a in assessments])
        text = f"{who} recorded {count_of(len(assessments), 'assessment')} in {portfolio.name}: {names}."
    return body, text


def _username(user) -> str | None:
    return user.get_username() if user is not None and getattr(user, "is_authenticated", False) else None
