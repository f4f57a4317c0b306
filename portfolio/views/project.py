"""The project page (every field, reuse links, assessments, history, figures), its edit form and deletion."""

import math
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from roadmap.models import ProjectScore
from roadmap.selectors.snapshots import latest_snapshot, scores_for_projects

from .. import selectors, services
from ..forms.links import LinkCreateForm
from ..forms.project import ProjectForm
from ..models import Project
from ..permissions import Access, portfolio_access
from .backlog import save_versioned
from .common import page_context

TEMPLATE = "portfolio/project_detail.html"
BAR_WIDTH, BAR_HEIGHT, BAR_MARGIN = 360.0, 52.0, 16.0


@dataclass(frozen=True)
class RoiBar:
    """Positions (SVG user units) of the ROI P10–P90 bar: axis with 0% marked, tick at P50, dot at the mean."""

    width: float
    height: float
    x_zero: float
    x_p10: float
    x_p50: float
    x_p90: float
    x_mean: float
    axis_y: float

    @property
    def bar_width(self) -> float:
        return max(self.x_p90 - self.x_p10, 1.0)

    @property
    def axis_end(self) -> float:
        return self.width - 4

    @property
    def bar_top(self) -> float:
        return self.axis_y - 6

    @property
    def tick_top(self) -> float:
        return self.axis_y - 9

    @property
    def tick_bottom(self) -> float:
        return self.axis_y + 9

    @property
    def zero_line_bottom(self) -> float:
        return self.height - 12


def roi_bar(score: ProjectScore | None) -> RoiBar | None:
    """Lay out the ROI range of one project on an axis that always includes 0%; None without figures."""
    if score is None:
        return None
    values = (score.roi_p10, score.roi_p50, score.roi_p90, score.expected_roi)
    if any(v is None or not math.isfinite(v) for v in values):
        return None
    p10, p50, p90, mean = values
    low, high = min(p10, mean, 0.0), max(p90, mean, 0.0)
    span = (high - low) or 1.0
    inner = BAR_WIDTH - 2 * BAR_MARGIN

    def x(value: float) -> float:
        return round(BAR_MARGIN + (value - low) / span * inner, 1)

    return RoiBar(BAR_WIDTH, BAR_HEIGHT, x(0.0), x(p10), x(p50), x(p90), x(mean), BAR_HEIGHT / 2)


def _detail(access: Access, pk: int) -> Project:
    try:
        return selectors.project_detail(portfolio=access.portfolio, project_id=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def project_page_context(request: HttpRequest, access: Access, project: Project, **extra) -> dict:
    """Everything the project page (or one of its partials) shows."""
    snapshot = latest_snapshot(portfolio=access.portfolio)
    score = scores_for_projects(snapshot=snapshot, project_ids=[project.pk]).get(project.pk)
    assessments = list(project.assessments.all())
    links_in, links_out = list(project.links_in.all()), list(project.links_out.all())
    extra.setdefault("link_form", LinkCreateForm(project=project) if access.can("edit_links") else None)
    return page_context(
        request,
        access,
        nav="backlog",
        project=project,
        snapshot=snapshot,
        score=score,
        bar=roi_bar(score),
        current_assessment=next((a for a in assessments if a.is_current), None),
        earlier_assessments=[a for a in assessments if not a.is_current],
        links_in=links_in,
        links_out=links_out,
        link_count=len(links_in) + len(links_out),
        assessment_count=len(assessments),
        changes=list(project.changes.all()),
        **extra,
    )


@login_required
@require_safe
def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A project's page; htmx refreshes of its figures or its links get that partial alone."""
    access = portfolio_access(request.user, slug)
    context = project_page_context(request, access, _detail(access, pk))
    if request.htmx and not request.htmx.history_restore_request:
        partial = "project-links" if request.htmx.target == "project-links" else "project-figures"
        return render(request, f"{TEMPLATE}#{partial}", context)
    return render(request, TEMPLATE, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit every field of a project; a save based on an older version is refused and explained."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    try:
        project = selectors.project_get(portfolio=access.portfolio, project_id=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    name, conflict, status = project.name, None, 200
    if request.method in ("GET", "HEAD"):
        form = ProjectForm(instance=project, portfolio=access.portfolio)
    else:
        form = ProjectForm(request.POST, instance=project, portfolio=access.portfolio)
        result = save_versioned(services.project_update, "project", form, user=request.user)
        if result.saved is not None:
            messages.success(request, f"Project “{result.saved.name}” saved.")
            return redirect("portfolio:project", slug=slug, pk=pk)
        form, conflict, status = result.form, result.conflict, result.status
    context = page_context(
        request,
        access,
        nav="backlog",
        form=form,
        conflict=conflict,
        title=f"Edit {name}",
        action=reverse("portfolio:project-edit", args=[slug, pk]),
        cancel_url=reverse("portfolio:project", args=[slug, pk]),
    )
    return render(request, "portfolio/project_form.html", context, status=status)


def _posted_id(request: HttpRequest, name: str) -> int:
    """A version or id the form sent back: -1 when missing or not plain digits (matches nothing)."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else -1


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a project after an explicit confirmation (a POST with ``confirm=yes``)."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = _detail(access, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:  # what the confirmation showed; a confirmation without it deletes nothing
            services.project_delete(
                project=project,
                user=request.user,
                expected_version=_posted_id(request, "version"),
                expected_assessment_id=_posted_id(request, "assessment"),
            )
        except services.ConflictError as error:
            context = project_page_context(request, access, error.obj, confirm_delete=True, delete_conflict=True)
            return render(request, TEMPLATE, context, status=409)
        messages.success(request, f"Project “{project.name}” deleted, with its reuse links and assessments.")
        return redirect("portfolio:backlog", slug=slug)
    return render(request, TEMPLATE, project_page_context(request, access, project, confirm_delete=True))
