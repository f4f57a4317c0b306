"""What an import would do, in words a PM checks before confirming: projects created, projects updated field by
field (old -> new), assessments recorded, reuse links added, changed and removed. The upload page shows it and
``import_projects --dry-run`` prints it; nothing is written to make it."""

import datetime
from dataclasses import dataclass

from .columns import ASSESSMENT_COLUMN, ASSESSMENT_FIELDS, PROJECT_COLUMN
from .outcomes import ESTIMATOR_COLUMNS, OUTCOME_COLUMNS, current_outcome
from .planning import ImportPlan
from .results import ImportResult
from .rows import _current_assessment

TEXT_SHOWN = 80  # characters of a summary shown in a preview; the whole text is imported


@dataclass(frozen=True)
class FieldChange:
    """One field of a project (named by its CSV column), before -> after, as shown."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class ProjectChange:
    """A project the file creates (``old`` empty) or updates, with the fields that change."""

    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Change:
    """An assessment recorded for ``subject`` (a project) or a reuse link (``subject`` "A → B"): before -> after,
    each empty when there is none."""

    subject: str
    old: str
    new: str


@dataclass(frozen=True)
class ImportPreview:
    """Everything the import would change; ``result`` gives the same counts the import reports once applied."""

    created: tuple[ProjectChange, ...]
    updated: tuple[ProjectChange, ...]
    unchanged: int
    assessments: tuple[Change, ...]
    links_added: tuple[Change, ...]
    links_changed: tuple[Change, ...]
    links_removed: tuple[Change, ...]
    outcomes: tuple[Change, ...] = ()  # an outcome recorded or changed for ``subject``
    estimators: tuple[Change, ...] = ()  # "<project>: impact_estimated_by", the estimator named now -> by the file

    @property
    def result(self) -> ImportResult:
        return ImportResult(
            created=len(self.created),
            updated=len(self.updated),
            unchanged=self.unchanged,
            assessed=len(self.assessments),
            links_set=len(self.links_added) + len(self.links_changed),
            links_removed=len(self.links_removed),
            outcomes=len(self.outcomes),
        )

    def lines(self) -> list[str]:
        """The preview as text, one change a line (the command line's ``--dry-run``)."""
        lines = [f"Create “{p.name}”: " + "; ".join(f"{f.column}={f.new}" for f in p.fields) for p in self.created]
        lines += [
            f"Update “{p.name}”: "
            + "; ".join(f"{f.column} {f.old or '(empty)'} -> {f.new or '(empty)'}" for f in p.fields)
            for p in self.updated
        ]
        lines += [f"Record an assessment of “{a.subject}”: {a.new} (now: {a.old or 'none'})" for a in self.assessments]
        lines += [f"Record the outcome of “{o.subject}”: {o.new} (now: {o.old or 'none'})" for o in self.outcomes]
        lines += [f"Credit {e.subject} to {e.new} (now: {e.old})" for e in self.estimators]
        lines += [f"Add the reuse link {lk.subject} ({lk.new})" for lk in self.links_added]
        lines += [f"Change the reuse link {lk.subject}: {lk.old} -> {lk.new}" for lk in self.links_changed]
        lines += [f"Remove the reuse link {lk.subject} ({lk.old})" for lk in self.links_removed]
        return [*lines, str(self.result)]


def preview_of(plan: ImportPlan) -> ImportPreview:
    """The changes a checked file would make, read from its plan."""
    created, updated, unchanged = [], [], 0
    for row in plan.rows:
        changed = row.changed_fields()
        old = {} if row.existing is None else {f: getattr(row.existing, f) for f in changed}
        fields = tuple(FieldChange(PROJECT_COLUMN.get(f, f), _shown(old.get(f)), _shown(v)) for f, v in changed.items())
        if row.existing is None:
            created.append(ProjectChange(row.name, fields))
        elif fields:
            updated.append(ProjectChange(row.name, fields))
        else:
            unchanged += 1
    assessments = tuple(
        Change(row.name, _assessment_shown(_current_assessment(row.existing)), _assessment_shown(row.assessment))
        for row in plan.rows
        if row.assessment is not None
    )
    ops = plan.links
    return ImportPreview(
        created=tuple(created),
        updated=tuple(updated),
        unchanged=unchanged,
        assessments=assessments,
        links_added=tuple(Change(f"{p} → {c}", "", _link_shown(k, f)) for p, c, k, f in ops.create),
        links_changed=tuple(
            Change(_link_name(link), _link_shown(link.kind, link.fraction), _link_shown(kind, fraction))
            for link, kind, fraction in ops.update
        ),
        links_removed=tuple(Change(_link_name(link), _link_shown(link.kind, link.fraction), "") for link in ops.delete),
        outcomes=tuple(_outcome_change(row) for row in plan.rows if row.outcome is not None),
        estimators=tuple(change for row in plan.rows for change in _estimator_changes(row)),
    )


def _outcome_change(row) -> Change:
    """The outcome of a row's project now -> as the import leaves it."""
    now = current_outcome(row.existing)
    before = {f: getattr(now, f) for f in OUTCOME_COLUMNS} if now is not None else None
    after = {**(before or dict.fromkeys(OUTCOME_COLUMNS)), **row.outcome}
    after["succeeded"] = after["succeeded"] or "unknown"
    return Change(row.name, _outcome_shown(before), _outcome_shown(after))


def _outcome_shown(values: dict | None) -> str:
    """ "actual_effort 12; actual_start 2026-01-05; succeeded yes" (the fields that have a value)."""
    if values is None:
        return ""
    return "; ".join(f"{f} {_shown(values[f])}" for f in OUTCOME_COLUMNS if values.get(f) is not None)


def _estimator_changes(row) -> list[Change]:
    """The estimators a row names that differ from who is credited now (a new project: every one it names)."""
    changes = []
    for kind, label in row.estimators.items():
        now = row.existing.estimator(kind) if row.existing is not None else ""
        if label != now:
            changes.append(Change(f"{row.name}: {ESTIMATOR_COLUMNS[kind]}", now, label))
    return changes


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def _assessment_shown(assessment) -> str:
    """ "hard, effort 12–20–40 person-weeks, success probability 0.4" from a model or the plan's fields."""
    if assessment is None:
        return ""
    get = assessment.get if isinstance(assessment, dict) else lambda f: getattr(assessment, f)
    text = f"{get('tag')}, effort " + "–".join(f"{get(f):g}" for f in ASSESSMENT_FIELDS[2:]) + " person-weeks"
    override = get("success_probability_override")
    label = ASSESSMENT_COLUMN["success_probability_override"].replace("_", " ")
    return text + (f", {label} {override:g}" if override is not None else "")


def _link_name(link) -> str:
    return f"{link.producer.name} → {link.consumer.name}"


def _link_shown(kind: str, fraction: float) -> str:
    return f"{kind}, {fraction:g} of the effort saved"
