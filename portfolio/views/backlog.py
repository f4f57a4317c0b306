"""The backlog page: every project of a portfolio with its figures; PMs add projects and edit rows inline.

The table is the named partial ``project-table`` (search, filters, sorting and the live refresh swap
it); a row is ``project-row`` (read-only) or ``project-row-edit`` (inline edit).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.requests import HtmxHttpRequest
from roadmap.models import ProjectScore, RankingSnapshot
from roadmap.selectors.baselines import rank_moves
from roadmap.selectors.snapshots import figure_ordered_ids, latest_snapshot, score_sort_keys, scores_for_projects

from .. import estimates, selectors, services
from ..forms.project import SORT_CHOICES, BacklogFilterForm, ProjectCreateForm, ProjectRowForm
from ..forms.versioned import add_service_errors
from ..models import FeasibilityAssessment, Portfolio, Project
from ..parsing import whole_number
from ..permissions import Access, portfolio_access
from .backlog_columns import shown_columns
from .common import page_context, partial_context, project_or_404
from .versioned import save_versioned

TEMPLATE = "portfolio/backlog.html"
PAGE_SIZE = 50  # rows per page of the table: a big backlog stays quick to render and to read
NUMERIC_COLUMNS = frozenset({"impact", "effort", "rank", "roi", "ptopk"})
DESCENDING_FIRST = frozenset({"impact", "roi", "ptopk"})  # a first click on these shows the largest first


@dataclass(frozen=True)
class BacklogRow:
    """One project of the table with its current assessment and its figures in the latest snapshot."""

    project: Project
    assessment: FeasibilityAssessment | None
    score: ProjectScore | None
    rank_move: str = ""  # since the latest review baseline: "▲3", "▼2", "=", "new"; "" without one
    cut_above: bool = False  # sorted by rank: the funding decision's cut line is drawn above this row

    @property
    def tag(self) -> str | None:
        return self.assessment.tag if self.assessment else None

    @property
    def effort_likely(self) -> float | None:
        """The likely effort in force (person-weeks): see ``estimates.effort_in_force``."""
        effort = estimates.effort_in_force(self.project, self.assessment)
        return effort.range.likely if effort else None

    @property
    def remaining(self):
        """The progress report whose remaining range is in force (a project being built), else None."""
        return estimates.building_progress(self.project)

    @property
    def excluded(self) -> bool:
        return self.score is not None and self.score.rank is None


def _columns(request: HtmxHttpRequest, base_url: str, sort: str, direction: str, top_k: int) -> list[dict]:
    """Column headers with the link that sorts by them (a second click reverses the order) and whether the
    person chose to see them."""
    columns, shown = [], shown_columns(request)
    for key, label in SORT_CHOICES:
        if key == sort:
            next_dir = "asc" if direction == "desc" else "desc"
        else:
            next_dir = "desc" if key in DESCENDING_FIRST else "asc"
        query = request.GET.copy()
        query.pop("editing", None)
        query.pop("page", None)  # a new order starts at its first page
        query["sort"], query["dir"] = key, next_dir
        columns.append(
            {
                "key": key,
                "shown": shown[key],
                "label": f"P(top-{top_k})" if key == "ptopk" else label,
                "url": f"{base_url}?{query.urlencode()}",
                "numeric": key in NUMERIC_COLUMNS,
                "aria_sort": ("ascending" if direction == "asc" else "descending") if key == sort else "none",
            }
        )
    return columns


def backlog_table(request: HtmxHttpRequest, access: Access) -> dict:
    """Context of the table partial: one page of the filtered, sorted rows with figures from the latest
    snapshot. The database counts, sorts and slices, so the cost does not grow with the backlog."""
    portfolio = access.portfolio
    filters = BacklogFilterForm(request.GET)
    sort, direction = filters.value("sort", "rank"), filters.value("dir", "asc")
    snapshot = latest_snapshot(portfolio=portfolio)
    search, statuses, tags = filters.value("q", "").strip(), filters.value("status", []), filters.value("tag", [])
    projects = selectors.backlog_page(
        portfolio=portfolio,
        search=search,
        statuses=statuses,
        tags=tags,
        sort=sort,
        direction=direction,
        score_keys=score_sort_keys(snapshot=snapshot),
    )
    base_url = reverse("portfolio:backlog", args=[portfolio.slug])
    query = request.GET.copy()
    query.pop("editing", None)
    table_query = query.urlencode()
    # Counted, sorted and sliced by the database on the ids alone (narrow rows sort faster), then the page's
    # projects read by id with their current assessments.
    ids = _figures_order(snapshot, portfolio, sort, direction) if not (search or statuses or tags) else None
    if ids is None:
        ids = projects.prefetch_related(None).values_list("pk", flat=True)
    count = selectors.backlog_count(portfolio=portfolio, search=search, statuses=statuses, tags=tags)
    page = _page(request, CountedPaginator(ids, PAGE_SIZE, count=count))
    shown = selectors.projects_in_order(ids=list(page.object_list))
    matching = page.paginator.count
    scores = scores_for_projects(snapshot=snapshot, project_ids=[p.pk for p in shown])
    moves = rank_moves(portfolio=portfolio, scores=scores)
    # Sorted by rank, best first: the cut line goes above the first ranked project not funded, if it is on this page.
    cut_rank = (
        snapshot.funding.get("cut_rank") if snapshot is not None and (sort, direction) == ("rank", "asc") else None
    )
    rows = [
        BacklogRow(
            p,
            selectors.current_assessment(p),
            score := scores.get(p.pk),
            moves.get(p.pk, ""),
            cut_above=cut_rank is not None and score is not None and score.rank == cut_rank,
        )
        for p in shown
    ]
    return {
        "rows": rows,
        "matching": matching,
        "page": page,
        **_neighbour_urls(page, base_url, query),
        "sort": sort,
        "direction": direction,
        "total": selectors.project_count(portfolio=portfolio) if search or statuses or tags else matching,
        "filters": filters,
        "columns": _columns(request, base_url, sort, direction, snapshot.top_k if snapshot else portfolio.top_k),
        "snapshot": snapshot,
        "table_query": table_query,
        "table_url": f"{base_url}?{table_query}" if table_query else base_url,
        "back_query": urlencode({"next": f"{base_url}?{table_query}"}) if table_query else "",
        "show": shown_columns(request),
        "editing": {pk for pk in map(whole_number, request.GET.getlist("editing")) if pk is not None},
        "needs_assessment": selectors.feasibility_queue_count(portfolio=portfolio) if access.can_assess else 0,
    }


def _figures_order(snapshot: RankingSnapshot | None, portfolio: Portfolio, sort: str, direction: str):
    """The unfiltered backlog's ids in a figure column's order read from the snapshot's rows alone, when the
    snapshot is of the current inputs (its rows are then exactly the portfolio's projects); else None."""
    if snapshot is None or snapshot.input_version != portfolio.input_version:
        return None
    return figure_ordered_ids(snapshot=snapshot, sort=sort, direction=direction)


class CountedPaginator(Paginator):
    """A paginator given its count: the matching projects are counted without the joins the sort needs."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # what the ``count`` cached property would compute


def _page(request: HtmxHttpRequest, paginator: Paginator) -> Page:
    """The page of rows ``?page=`` asks for (1-based): the first when it is missing or not a plain number,
    the last when it is past the end."""
    asked = request.GET.get("page", "")
    number = whole_number(asked, most=999_999) or 1
    return paginator.get_page(max(number, 1))


def _neighbour_urls(page: Page, base_url: str, query) -> dict[str, str]:
    """Links to the pages before and after ``page`` ("" at either end), keeping the search, filters and sort."""

    def url(number: int) -> str:
        linked = query.copy()
        linked["page"] = str(number)
        return f"{base_url}?{linked.urlencode()}"

    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


@login_required
@require_safe
def backlog(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The backlog table; an htmx request (search, filter, sort, live refresh) gets the table alone."""
    access = portfolio_access(request.user, slug)
    table = backlog_table(request, access)
    context = page_context(request, access, nav="backlog", latest=table["snapshot"], **table)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, TEMPLATE + "#project-table", context)
    if access.can_edit:
        context["create_form"] = ProjectCreateForm(portfolio=access.portfolio)
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def project_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Add a project from the compact form; htmx swaps the form (and, on success, the table)."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    form = ProjectCreateForm(request.POST, portfolio=access.portfolio)
    project = None
    if form.is_valid():
        try:
            project = services.project_create(portfolio=access.portfolio, user=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
    if request.htmx:  # the form (fresh, or with its errors as 200: htmx 2 does not swap 4xx) and the new table
        extra: dict[str, Any]
        if project is None:
            extra = {"create_form": form}
        else:
            blank = ProjectCreateForm(portfolio=access.portfolio)
            extra = {"create_form": blank, "created": project, "table_oob": True, **backlog_table(request, access)}
        return render(request, TEMPLATE + "#project-create", page_context(request, access, nav="backlog", **extra))
    if project is not None:
        messages.success(request, f"Project “{project.name}” added.")
        return redirect("portfolio:backlog", slug=slug)
    context = page_context(request, access, nav="backlog", create_form=form, **backlog_table(request, access))
    return render(request, TEMPLATE, context, status=400)


def _row(request: HtmxHttpRequest, access: Access, project: Project, **extra: Any) -> HttpResponse:
    """The read-only row of ``project`` with its figures in the latest snapshot, as htmx swaps it in."""
    snapshot = latest_snapshot(portfolio=access.portfolio)
    scores = scores_for_projects(snapshot=snapshot, project_ids=[project.pk])
    moves = rank_moves(portfolio=access.portfolio, scores=scores)
    row = BacklogRow(project, selectors.current_assessment(project), scores.get(project.pk), moves.get(project.pk, ""))
    context = partial_context(access, "backlog", row=row, show=shown_columns(request), snapshot=snapshot, **extra)
    return render(request, TEMPLATE + "#project-row", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_row(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One backlog row for htmx inline editing: GET the edit row (or ``?cancel=1``: the read-only row),
    POST save it (the read-only row back, or the edit row with errors or a conflict)."""
    access = portfolio_access(request.user, slug)
    project = project_or_404(access, pk)
    if request.method in ("GET", "HEAD") and "cancel" in request.GET:
        if not request.htmx:
            return redirect("portfolio:backlog", slug=slug)
        return _row(request, access, project)
    access.require("edit_projects")
    if request.method in ("GET", "HEAD"):
        if not request.htmx:
            return redirect("portfolio:project-edit", slug=slug, pk=pk)
        form = ProjectRowForm(instance=project, portfolio=access.portfolio)
        return render(request, TEMPLATE + "#project-row-edit", partial_context(access, "backlog", form=form))
    return _save_row(request, access, project)


def _save_row(request: HtmxHttpRequest, access: Access, project: Project) -> HttpResponse:
    name, row_url = project.name, reverse("portfolio:project-row", args=[access.portfolio.slug, project.pk])
    form = ProjectRowForm(request.POST, instance=project, portfolio=access.portfolio)
    result = save_versioned(form, services.project_update, "project", user=request.user)
    if result.written:
        if not request.htmx:
            messages.success(request, f"Project “{result.saved.name}” saved.")
            return redirect("portfolio:backlog", slug=access.portfolio.slug)
        return _row(request, access, result.saved, saved=True)
    refused = {"form": result.form, "conflict": result.conflict}
    if request.htmx:  # htmx 2 does not swap 4xx answers: the row with its messages comes back as 200
        return render(request, TEMPLATE + "#project-row-edit", partial_context(access, "backlog", **refused))
    cancel_url = reverse("portfolio:backlog", args=[access.portfolio.slug])
    context = page_context(request, access, nav="backlog", **refused)
    context.update(title=f"Edit {name}", action=row_url, cancel_url=cancel_url)
    return render(request, "portfolio/project_form.html", context, status=result.status)
