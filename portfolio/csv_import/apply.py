"""Applying: the import's transaction, then every validated row and link change written through the services."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import services
from ..models import Portfolio, Project, ReuseLink
from .columns import ASSESSMENT_COLUMN, COLUMNS, LINK_COLUMNS, PROJECT_COLUMN
from .links import _LinkOps, _plan_links
from .reading import _decode, _read
from .results import CellError, ImportErrors, ImportResult
from .rows import _check_duplicates, _current_assessment, _plan_row, _RowPlan


def import_csv(*, portfolio: Portfolio, data: bytes, user=None) -> ImportResult:
    """Create or update the portfolio's projects from CSV ``data``; raise ImportErrors and save nothing
    when any row is wrong."""
    _, rows = _read(_decode(data))
    with transaction.atomic():
        # Hold the portfolio (on PostgreSQL) so no other import or link edit lands between checking and writing.
        Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()
        return _import_rows(portfolio, rows, user)


def _import_rows(portfolio: Portfolio, rows: list[tuple[int, dict[str, str]]], user) -> ImportResult:
    existing = {p.name: p for p in Project.objects.filter(portfolio=portfolio).prefetch_related("assessments")}
    errors: list[CellError] = []
    plans = [plan for row, cells in rows if (plan := _plan_row(row, cells, existing, errors, portfolio))]
    _check_duplicates(plans, errors)
    link_ops = _plan_links(portfolio, plans, existing, errors)
    if errors:
        raise ImportErrors(errors)
    return _apply(portfolio, plans, existing, link_ops, user)


def _apply(
    portfolio: Portfolio, plans: list[_RowPlan], existing: dict[str, Project], ops: _LinkOps, user
) -> ImportResult:
    """Write the validated rows through the services (history, input versions), then the link changes."""
    counts = dict.fromkeys(("created", "updated", "unchanged", "assessed", "links_set", "links_removed"), 0)
    projects: dict[str, Project] = {}
    for plan in plans:
        try:
            projects[plan.name] = _apply_row(portfolio, plan, user, counts)
        except ValidationError as exc:  # a concurrent edit made the row invalid after validation (took its name)
            raise ImportErrors(_row_errors(plan.row, exc)) from None
    for link in ops.delete:
        services.link_delete(link=link, user=user)
        counts["links_removed"] += 1
    for link, kind, fraction in ops.update:
        services.link_update(link=link, data={"kind": kind, "fraction": fraction}, user=user)
        counts["links_set"] += 1
    counts["links_set"] += _links_create(portfolio, plans, ops, {**existing, **projects}, user)
    return ImportResult(**counts)


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


def _links_create(
    portfolio: Portfolio, plans: list[_RowPlan], ops: _LinkOps, projects: dict[str, Project], user
) -> int:
    """Validate the new links (a message on the consumer's row if one no longer holds) and add them through
    ``services.links_create_validated``: one cycle search for all of them, not one per link."""
    rows = {p.name: p.row for p in plans}
    links = []
    for producer, consumer, kind, fraction in ops.create:
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
        return len(services.links_create_validated(portfolio=portfolio, links=links, user=user))
    except services.CycleError as exc:  # a link saved meanwhile closes a cycle with this file's links
        raise ImportErrors([CellError(0, "", f"These links would close a cycle: {' → '.join(exc.path)}.")]) from None


def _apply_row(portfolio: Portfolio, plan: _RowPlan, user, counts: dict[str, int]) -> Project:
    if plan.existing is None:
        project = services.project_create(portfolio=portfolio, user=user, name=plan.name, **plan.fields)
        counts["created"] += 1
    else:
        changed = {f: v for f, v in plan.fields.items() if getattr(plan.existing, f) != v}
        project = services.project_update(project=plan.existing, data=changed, user=user) if changed else plan.existing
        counts["updated" if changed else "unchanged"] += 1
    if plan.assessment is not None:
        current = _current_assessment(plan.existing)
        if current is None or any(getattr(current, f) != v for f, v in plan.assessment.items()):
            services.assessment_record(project=project, user=user, **plan.assessment)
            counts["assessed"] += 1
    return project
