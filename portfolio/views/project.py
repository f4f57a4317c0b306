"""The project page (every field, reuse links, assessments, history, figures), its edit form and deletion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from config.requests import HtmxHttpRequest
from roadmap.charts.roi_bar import roi_bar
from roadmap.charts.tornado import tornado_chart
from roadmap.selectors.snapshots import latest_snapshot, scores_for_projects

from .. import history_words, selectors, services
from ..delivery import OUTCOME_STATUSES
from ..forms.links import LinkCreateForm
from ..forms.project import ProjectDeleteForm, ProjectForm
from ..models import Project, Status
from ..permissions import Access, portfolio_access
from .backlog_columns import back_to
from .common import page_context, partial_context, project_or_404
from .versioned import save_versioned

TEMPLATE = "portfolio/project_detail.html"


def _figures_context(access: Access, project: Project) -> dict:
    """The figures section: the latest snapshot, the project's row in it, its ROI bar and tornado."""
    snapshot = latest_snapshot(portfolio=access.portfolio)
    score = scores_for_projects(snapshot=snapshot, project_ids=[project.pk]).get(project.pk)
    tornado = None
    if score is not None and score.expected_roi is not None:
        tornado = tornado_chart(score.tornado, score.expected_roi)
    return {"snapshot": snapshot, "score": score, "bar": roi_bar(score), "tornado": tornado}


def _links_context(access: Access, project: Project, link_form: LinkCreateForm | None = None) -> dict:
    """The reuse links section: both directions and, for those who may add one, the form (``link_form`` if given:
    a refused one, with its messages)."""
    links_in, links_out = selectors.project_links(project=project)
    if link_form is None and access.can("edit_links"):
        link_form = LinkCreateForm(project=project)
    return {
        "links_in": links_in,
        "links_out": links_out,
        "link_count": len(links_in) + len(links_out),
        "link_form": link_form,
    }


def project_page_context(request: HtmxHttpRequest, access: Access, project: Project, **extra) -> dict:
    """Everything the project page (or one of its partials) shows."""
    sections = {**_figures_context(access, project), **_links_context(access, project, extra.pop("link_form", None))}
    assessments = list(project.assessments.all())
    changes = list(project.changes.all())
    for change in changes:  # the history in words: labels, units, one arrow style
        change.words = history_words.field_change(
            change.field, change.old, change.new, value_unit=access.portfolio.value_unit
        )
    return page_context(
        request,
        access,
        nav="backlog",
        latest=sections["snapshot"],
        project=project,
        current_assessment=next((a for a in assessments if a.is_current), None),
        earlier_assessments=[a for a in assessments if not a.is_current],
        assessment_count=len(assessments),
        changes=changes,
        lazy_10x_help=Project._meta.get_field("lazy_10x_note").help_text,  # one help text, the form's too
        progress=getattr(project, "progress", None),
        outcome=getattr(project, "outcome", None),
        building=project.status == Status.BUILDING,
        outcome_due=project.status in OUTCOME_STATUSES,
        **sections,
        **extra,
    )


def _partial_context(access: Access, pk: int, partial: str) -> dict:
    """What one partial of the page shows (the figures or the links), without the reads of the rest of the page."""
    project = project_or_404(access, pk)
    section = _links_context(access, project) if partial == "project-links" else _figures_context(access, project)
    return partial_context(access, "backlog", project=project, **section)


@login_required
@require_safe
def project_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A project's page; htmx refreshes of its figures or its links get that partial alone."""
    access = portfolio_access(request.user, slug)
    if request.htmx and not request.htmx.history_restore_request:
        partial = "project-links" if request.htmx.target == "project-links" else "project-figures"
        return render(request, f"{TEMPLATE}#{partial}", _partial_context(access, pk, partial))
    return render(request, TEMPLATE, project_page_context(request, access, project_or_404(access, pk, detail=True)))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit every field of a project; a save based on an older version is refused and explained."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = project_or_404(access, pk)
    name, conflict, status = project.name, None, 200
    if request.method in ("GET", "HEAD"):
        form = ProjectForm(instance=project, portfolio=access.portfolio)
    else:
        form = ProjectForm(request.POST, instance=project, portfolio=access.portfolio)
        result = save_versioned(form, services.project_update, "project", user=request.user)
        if result.written:
            messages.success(request, f"Project “{result.saved.name}” saved.")
            return redirect(back_to(request, reverse("portfolio:project", args=[slug, pk])))
        form, conflict, status = result.form, result.conflict, result.status
    back = back_to(request, "")  # the filtered backlog an Edit link came from (no JavaScript), if any
    context = page_context(
        request,
        access,
        nav="backlog",
        form=form,
        conflict=conflict,
        title=f"Edit {name}",
        action=reverse("portfolio:project-edit", args=[slug, pk]),
        cancel_url=back or reverse("portfolio:project", args=[slug, pk]),
        next_url=back,
    )
    return render(request, "portfolio/project_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a project after an explicit confirmation (a POST with ``confirm=yes``).

    The confirmation carries the project's version and its current assessment as the page showed them; a
    project changed or assessed since is not deleted (409) and the page shows it as it is now.
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = project_or_404(access, pk, detail=True)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        form = ProjectDeleteForm(request.POST, instance=project)
        result = save_versioned(form, services.project_delete, "project", user=request.user)
        if result.written:
            messages.success(request, f"Project “{project.name}” deleted, with its reuse links and assessments.")
            return redirect("portfolio:backlog", slug=slug)
        context = project_page_context(request, access, result.form.instance, confirm_delete=True, delete_conflict=True)
        return render(request, TEMPLATE, context, status=result.status)
    return render(request, TEMPLATE, project_page_context(request, access, project, confirm_delete=True))
