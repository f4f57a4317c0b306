"""Planning: what a file would do to the portfolio (every row checked, nothing written), and who may do it."""

from dataclasses import dataclass

from ..models import Membership, Portfolio, Project
from ..permissions import Access
from .links import _LinkOps, _plan_links
from .reading import _decode, _read
from .results import CellError, ImportErrors
from .rows import _check_duplicates, _plan_row, _RowPlan


@dataclass
class ImportPlan:
    """A checked file: each row's plan, the projects it names that exist (by name), the link changes."""

    portfolio: Portfolio
    rows: list[_RowPlan]
    existing: dict[str, Project]
    links: _LinkOps


def may_record_assessments(portfolio: Portfolio, user) -> bool:
    """Whether an import by ``user`` may record feasibility assessments: the operator (the command line without
    ``--as``: ``user`` None) and superusers may; a member only if their role may assess (an EM)."""
    if user is None or user.is_superuser:
        return True
    role = Membership.objects.filter(user=user, portfolio=portfolio).values_list("role", flat=True).first()
    return role is not None and Access(portfolio, role).can("assess")


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows ({column: cell}, numbered from the header's row 1); ImportErrors if it cannot be read."""
    return _read(_decode(data))[1]


def plan_import(portfolio: Portfolio, rows: list[tuple[int, dict[str, str]]], *, may_assess: bool) -> ImportPlan:
    """Check every row against the portfolio as it is now; ImportErrors (every problem, by row and column) when
    any is wrong. Reads only: the caller decides whether the plan is shown or applied."""
    projects = Project.objects.filter(portfolio=portfolio).select_related(
        "outcome", "impact_estimated_by", "effort_estimated_by"
    )
    existing = {p.name: p for p in projects.prefetch_related("assessments")}
    errors: list[CellError] = []
    plans = [
        plan
        for row, cells in rows
        if (plan := _plan_row(row, cells, existing, errors, portfolio, may_assess=may_assess))
    ]
    _check_duplicates(plans, errors)
    link_ops = _plan_links(portfolio, plans, existing, errors)
    if errors:
        raise ImportErrors(errors)
    return ImportPlan(portfolio=portfolio, rows=plans, existing=existing, links=link_ops)
