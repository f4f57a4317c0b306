"""The import's delivery columns: a project's outcome (``actual_effort``, ``actual_start``, ``actual_finish``,
``succeeded``, ``realized_impact``) and who estimated its ranges (``impact_estimated_by``, ``effort_estimated_by``).

A team loads its past projects this way and is calibrated on day one. An outcome cell empty leaves that field as it
is; an outcome needs the project (as the row leaves it) shipped, iterated on or parked. An estimator label naming an
existing user (their username) is linked to that user; any other label is kept as given. A range the row sets
without naming its estimator is credited to ``imported`` (DESIGN.md, "Learning from delivery").
"""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from ..delivery import OUTCOME_FIELDS, OUTCOME_STATUSES
from ..estimator_fields import ESTIMATE_KINDS
from ..models import Project, ProjectOutcome

OUTCOME_COLUMNS = OUTCOME_FIELDS  # the columns are named as the fields
ESTIMATOR_COLUMNS = {kind: f"{kind}_estimated_by" for kind in ESTIMATE_KINDS}
SUCCEEDED = {"yes": "yes", "true": "yes", "1": "yes", "no": "no", "false": "no", "0": "no", "unknown": "unknown"}
LABEL_MAX = 150
NOT_DONE = (
    "An outcome is recorded once a project has shipped, is iterated on or was stopped: set status to shipped, "
    "iterating or parked (this project would be {status})."
)


def _succeeded(c) -> str | None:
    raw = c.text("succeeded").strip().lower()
    if not raw:
        return None
    if raw not in SUCCEEDED:
        c.error("succeeded", f"“{c.text('succeeded')}” is not yes or no (also true/false, 1/0, or unknown).")
        return None
    return SUCCEEDED[raw]


def current_outcome(project: Project | None) -> ProjectOutcome | None:
    """The project's outcome (None: a new project, or none recorded)."""
    return getattr(project, "outcome", None) if project is not None else None


def plan_outcome(c, project: Project | None, status: str) -> dict | None:
    """The outcome fields the row sets (None: its outcome cells are empty or equal the outcome now); bad cells are
    reported on their columns. ``status`` is the project's as the row leaves it."""
    given = [column for column in OUTCOME_COLUMNS if c.text(column)]
    if not given:
        return None
    typed = {
        "actual_effort": c.number("actual_effort"),
        "actual_start": c.date("actual_start"),
        "actual_finish": c.date("actual_finish"),
        "succeeded": _succeeded(c),
        "realized_impact": c.number("realized_impact"),
    }
    fields = {column: typed[column] for column in given if column not in c.bad}
    current = current_outcome(project)
    if status not in OUTCOME_STATUSES:
        c.error(given[0], NOT_DONE.format(status=status))
        return None
    outcome = copy.copy(current) if current is not None else ProjectOutcome()
    for name, value in fields.items():
        setattr(outcome, name, value)
    try:
        outcome.full_clean(exclude=["project", *c.bad], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        c.model_errors(exc, {})
    if current is not None and all(getattr(current, f) == v for f, v in fields.items()):
        return None
    return fields


def plan_estimators(c) -> dict[str, str]:
    """The estimator labels the row gives, by kind (``impact``, ``effort``)."""
    labels = {}
    for kind, column in ESTIMATOR_COLUMNS.items():
        label = c.text(column).strip()
        if len(label) > LABEL_MAX:
            c.error(column, f"At most {LABEL_MAX} characters (this has {len(label):,}).")
        elif label:
            labels[kind] = label
    return labels


def users_named(labels) -> dict[str, object]:
    """The users whose username is one of ``labels`` (one query), by username."""
    wanted = set(labels)
    if not wanted:
        return {}
    model = get_user_model()
    return {u.get_username(): u for u in model.objects.filter(**{f"{model.USERNAME_FIELD}__in": wanted})}


def estimators_of(labels: dict[str, str], users: dict) -> dict[str, tuple]:
    """The services' ``estimators`` for a row's labels: kind -> (the user named, or None and the label kept)."""
    return {kind: (users[label], "") if label in users else (None, label) for kind, label in labels.items()}
