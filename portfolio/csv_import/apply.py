"""Applying: the import's transaction, then every validated row and link change written through the services,
with a record of what changed (``AppliedImport.changes``, what ``csv_import.undo`` needs to take it back)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import crediting, delivery, services
from ..collisions import lock_portfolio
from ..models import Portfolio, Project, ReuseLink
from .columns import ASSESSMENT_COLUMN, COLUMNS, LINK_COLUMNS, PROJECT_COLUMN
from .outcomes import OUTCOME_COLUMNS, current_outcome, estimators_of, users_named
from .planning import ImportPlan, may_record_assessments, plan_import, read_rows
from .preview import ImportPreview
from .results import CellError, ImportErrors, ImportResult
from .rows import _current_assessment, _RowPlan
from .state import backlog_state, state_differences


class PreviewStale(Exception):
    """The backlog changed since the preview was computed: ``differences`` says how (nothing was saved).

    A kept upload's confirmation (``confirm_preview``) adds what to show next: ``preview``, the file previewed
    again against the backlog as it is now, or ``errors`` when it no longer fits (the upload is then dropped)."""

    def __init__(self, differences: list[str]):
        self.differences = differences
        self.preview: ImportPreview | None = None
        self.errors: ImportErrors | None = None
        super().__init__("Since the preview: " + "; ".join(differences) + ".")


@dataclass(frozen=True)
class AppliedImport:
    """What an import did: the counts, and the changes as JSON (ids, the fields' earlier values) for an undo."""

    result: ImportResult
    changes: dict


def import_csv(*, portfolio: Portfolio, data: bytes, user=None) -> ImportResult:
    """Create or update the portfolio's projects from CSV ``data``; raise ImportErrors and save nothing
    when any row is wrong. ``user`` None is the operator (the command line), who may set every column."""
    return import_apply(portfolio=portfolio, data=data, user=user).result


def import_apply(*, portfolio: Portfolio, data: bytes, user=None, expected_state: dict | None = None) -> AppliedImport:
    """``import_csv``, and what it changed. With ``expected_state`` (``state.backlog_state`` when the file was
    previewed) it is refused with PreviewStale if any project, assessment, link or setting changed since."""
    rows = read_rows(data)
    with transaction.atomic():
        # Hold the portfolio (on PostgreSQL), the first lock of every writer (portfolio.collisions): no other write
        # lands between checking and writing; each update below is still checked against the version planned.
        lock_portfolio(portfolio.pk)
        if expected_state is not None and (
            differences := state_differences(expected_state, backlog_state(portfolio.pk))
        ):
            raise PreviewStale(differences)
        plan = plan_import(portfolio, rows, may_assess=may_record_assessments(portfolio, user))
        return _apply(plan, user)


def _apply(plan: ImportPlan, user) -> AppliedImport:
    """Write the validated rows through the services (history, input versions), then the link changes."""
    counts = dict.fromkeys(("created", "updated", "unchanged", "assessed", "links_set", "links_removed"), 0)
    counts["outcomes"] = 0
    changes: dict = {"created": [], "updated": {}, "assessed": {}, "links_created": [], "links_updated": {}}
    changes.update(outcomes={}, credits={})
    projects: dict[str, Project] = {}
    users = users_named(label for row in plan.rows for label in row.estimators.values())
    for row in plan.rows:
        try:
            projects[row.name] = _apply_row(plan.portfolio, row, user, counts, changes, users)
        except ValidationError as exc:  # a concurrent edit made the row invalid after validation (took its name)
            raise ImportErrors(_row_errors(row.row, exc)) from None
        except services.ConflictError:  # edited after it was planned (project edits do not wait for the import)
            raise ImportErrors([CellError(row.row, "", EDITED_MEANWHILE)]) from None
    changes["links_deleted"] = [_link_fields(link) for link in plan.links.delete]
    for link in plan.links.delete:
        services.link_delete(link=link, user=user)
        counts["links_removed"] += 1
    for link, kind, fraction in plan.links.update:
        changes["links_updated"][str(link.pk)] = {"kind": link.kind, "fraction": link.fraction}
        services.link_update(link=link, data={"kind": kind, "fraction": fraction}, user=user)
        counts["links_set"] += 1
    created = _links_create(plan, {**plan.existing, **projects}, user)
    changes["links_created"] = [link.pk for link in created]
    counts["links_set"] += len(created)
    touched = {p.pk for p in projects.values() if _touched(p, changes)} | _link_ends(plan, created)
    changes["after"] = backlog_state(plan.portfolio.pk, project_ids=touched)
    return AppliedImport(ImportResult(**counts), changes)


EDITED_MEANWHILE = "This project was changed by someone else while the file was being imported; nothing was saved."


def _apply_row(portfolio: Portfolio, plan: _RowPlan, user, counts: dict[str, int], changes: dict, users) -> Project:
    changed = plan.changed_fields()
    estimators = estimators_of(plan.estimators, users)
    if plan.existing is not None:
        changes["credits"][str(plan.existing.pk)] = crediting.credit_fields(plan.existing)
    if plan.existing is None:
        project = services.project_create(
            portfolio=portfolio, user=user, estimators=estimators, name=plan.name, **plan.fields
        )
        changes["created"].append(project.pk)
        counts["created"] += 1
    elif changed:
        before = {f: _json(getattr(plan.existing, f)) for f in changed}
        project = services.project_update(
            project=plan.existing,
            data=changed,
            user=user,
            expected_version=plan.existing.version,
            estimators=estimators,
        )
        changes["updated"][str(project.pk)] = before
        counts["updated"] += 1
    else:
        project = plan.existing
        counts["unchanged"] += 1
    if plan.assessment is not None:
        previous = _current_assessment(plan.existing)
        assessment = services.assessment_record(project=project, user=user, estimators=estimators, **plan.assessment)
        changes["assessed"][str(project.pk)] = {"new": assessment.pk, "previous": previous.pk if previous else None}
        counts["assessed"] += 1
    _apply_delivery(project, plan, user, estimators, counts, changes)
    return project


def _apply_delivery(project: Project, plan: _RowPlan, user, estimators: dict, counts: dict, changes: dict) -> None:
    """The row's outcome and the estimators it names for ranges it left as they were."""
    if plan.outcome is not None:
        before = current_outcome(plan.existing)
        kept = {f: _json(getattr(before, f)) for f in OUTCOME_COLUMNS} if before is not None else None
        changes["outcomes"][str(project.pk)] = kept
        delivery.outcome_record(project=project, data=plan.outcome, user=user)
        counts["outcomes"] += 1
    project.refresh_from_db()
    named = [
        kind
        for kind, (person, label) in estimators.items()
        if project.estimator(kind) != (person.get_username() if person is not None else label)
    ]
    crediting.credit_saved(project, named, user=user, estimators=estimators)


def _touched(project: Project, changes: dict) -> bool:
    key = str(project.pk)
    touched = key in changes["updated"] or key in changes["assessed"] or key in changes["outcomes"]
    return project.pk in changes["created"] or touched


def _link_ends(plan: ImportPlan, created: list[ReuseLink]) -> set[int]:
    """The projects at either end of every link the import created, changed or removed."""
    links = [*plan.links.delete, *(link for link, _, _ in plan.links.update), *created]
    return {pk for link in links for pk in (link.producer_id, link.consumer_id)}


def _link_fields(link: ReuseLink) -> dict:
    return {
        "producer": link.producer_id,
        "consumer": link.consumer_id,
        "kind": link.kind,
        "fraction": link.fraction,
        "note": link.note,
    }


def _json(value):
    """A field's value as JSON keeps it (dates as ISO text; the model's field reads them back)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row_errors(row: int, exc: ValidationError) -> list[CellError]:
    """A model's messages on a row, each under its CSV column where it has one."""
    if not hasattr(exc, "error_dict"):
        return [CellError(row, "", m) for m in exc.messages]
    columns = {**PROJECT_COLUMN, **ASSESSMENT_COLUMN}
    return [
        CellError(row, columns.get(f, f) if columns.get(f, f) in COLUMNS else "", m)
        for f, messages in exc.message_dict.items()
        for m in messages
    ]


def _links_create(plan: ImportPlan, projects: dict[str, Project], user) -> list[ReuseLink]:
    """Validate the new links (a message on the consumer's row if one no longer holds) and add them through
    ``services.links_create_validated``: one cycle search for all of them, not one per link."""
    rows = {p.name: p.row for p in plan.rows}
    links = []
    for producer, consumer, kind, fraction in plan.links.create:
        link = ReuseLink(producer=projects[producer], consumer=projects[consumer], kind=kind, fraction=fraction)
        try:
            # Fields and clean(); the constraints (one link per pair, not to itself, fraction 0..0.9) were checked by
            # _plan_links and _link_specs, and the database still enforces them: not three queries per link again.
            link.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # a concurrent edit made the link invalid after validation
            column = next(c for c, k in LINK_COLUMNS.items() if k == kind)
            raise ImportErrors([CellError(rows[consumer], column, m) for m in exc.messages]) from None
        links.append(link)
    try:
        return services.links_create_validated(portfolio=plan.portfolio, links=links, user=user)
    except services.CycleError as exc:  # a link saved meanwhile closes a cycle with this file's links
        raise ImportErrors([CellError(0, "", f"These links would close a cycle: {' → '.join(exc.path)}.")]) from None
