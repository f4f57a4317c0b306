"""What every backlog write shares: the fields it tracks, its errors, the input-version bump and the history."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from ..models import Change, Portfolio, Project
from ..signals import inputs_changed

# Fields whose changes are kept in a project's history (the estimates and what the math reads). The status comes
# last: an estimate changed in the same save as the move to building is in force when it entered building.
TRACKED_PROJECT_FIELDS = (
    "name",
    "staffing",
    "target_date",
    "impact_low",
    "impact_likely",
    "impact_high",
    "provisional_effort_low",
    "provisional_effort_likely",
    "provisional_effort_high",
    "status",
)
# Fields that feed the ranking: a change to any of them makes the figures out of date.
RANKING_INPUT_FIELDS = frozenset(TRACKED_PROJECT_FIELDS) - {"name"}
TRACKED_ASSESSMENT_FIELDS = ("tag", "success_probability_override", "effort_low", "effort_likely", "effort_high")
PORTFOLIO_SETTING_FIELDS = (
    "name",
    "description",
    "value_unit",
    "cost_per_person_week",
    "horizon_years",
    "trials",
    "top_k",
    "p_easy",
    "p_hard",
    "p_impossible",
    "capacity",
    "planning_window_weeks",
    "roadmap_start",
    "seed",
    "calibrated_ranges",
)


class ConflictError(Exception):
    """A save was based on an older version of the object than the one stored.

    ``changes`` maps each field the other person changed to (value in the form's version, value now).
    """

    def __init__(self, obj: Any, changes: dict[str, tuple[Any, Any]]):
        self.obj = obj
        self.changes = changes
        super().__init__(f"{obj} was changed by someone else meanwhile.")


class CycleError(Exception):
    """A reuse link would close a cycle; ``path`` names the projects around it."""

    def __init__(self, path: list[str]):
        self.path = path
        super().__init__("This link would close a cycle: " + " → ".join(path) + ".")


def portfolio_inputs_changed(*, portfolio_id: int) -> None:
    """Bump the input version (inside the caller's transaction) and announce it after commit."""
    Portfolio.objects.filter(pk=portfolio_id).update(input_version=F("input_version") + 1)
    transaction.on_commit(lambda: inputs_changed.send(sender=Portfolio, portfolio_id=portfolio_id))


def record_changes(
    *, project: Project, user, before: dict, after: dict, prefix: str = "", written_first: Iterable[Change] = ()
) -> list[str]:
    """Write a Change row per field that differs, after ``written_first`` (other rows of the same save: one insert
    for all); return the names of the changed fields."""
    changed = [field for field, old in before.items() if old != after.get(field)]
    rows = (
        Change(
            project=project,
            user=user if user and user.is_authenticated else None,
            field=prefix + field,
            old="" if before[field] is None else str(before[field])[:500],
            new="" if after.get(field) is None else str(after[field])[:500],
        )
        for field in changed
    )
    Change.objects.bulk_create([*written_first, *rows])
    return changed
