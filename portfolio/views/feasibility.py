"""The feasibility queue (every member reads it; EMs act) and the EM's assessment form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from config.requests import HtmxHttpRequest
from roadmap.selectors.funding import information_values
from roadmap.selectors.snapshots import latest_snapshot

from .. import calibration_selectors, selectors, services
from ..forms.feasibility import AssessmentForm, current_of
from ..models import Project
from ..permissions import portfolio_access
from .common import page_context
from .versioned import save_versioned

QUEUE_TEMPLATE = "portfolio/feasibility_queue.html"
ASSESS_TEMPLATE = "portfolio/assess.html"


def by_information_value(portfolio, waiting: list) -> list:
    """The queue with the assessments worth most first: by the latest snapshot's EVPI (value units), largest first;
    projects without one (not ranked yet) after them, by name. Each project gets ``information_value`` (or None)."""
    values = information_values(
        snapshot=latest_snapshot(portfolio=portfolio), project_ids=[project.pk for project, _ in waiting]
    )
    for project, _ in waiting:
        project.information_value = values.get(project.pk)
    return sorted(waiting, key=lambda item: (item[0].information_value is None, -(item[0].information_value or 0)))


@login_required
@require_safe
def queue(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Projects still to be built that need an assessment, with the reason; below, the assessed ones.

    The list refreshes itself (htmx, the ``feasibility-queue`` partial) when newer figures land, which
    is also when someone else has recorded an assessment or changed an impact.
    """
    access = portfolio_access(request.user, slug)
    waiting = by_information_value(access.portfolio, selectors.feasibility_queue(portfolio=access.portfolio))
    waiting_ids = {project.pk for project, _ in waiting}
    assessed = [a for a in selectors.assessed_projects(portfolio=access.portfolio) if a.project_id not in waiting_ids]
    context = page_context(request, access, nav="feasibility", waiting=waiting, assessed=assessed)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, QUEUE_TEMPLATE + "#feasibility-queue", context)
    return render(request, QUEUE_TEMPLATE, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assess(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record a new assessment of a project (EM); the earlier ones are kept and shown for context.

    If the project changed after the form was loaded, or another EM assessed it meanwhile, the save is
    refused (409) and the EM sees what changed, with what they typed re-based on the state as it is now.
    Bad input comes back next to the fields (200).
    """
    access = portfolio_access(request.user, slug)
    access.require("assess")
    try:
        project = selectors.project_for_assessment(portfolio=access.portfolio, project_id=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        project=project,
        portfolio=access.portfolio,
        current=current_of(project),
    )
    conflict, status = None, 200
    if request.method == "POST":
        result = save_versioned(form, services.assessment_record_if_current, "project", user=request.user)
        if result.written:
            tag = result.saved.get_tag_display().lower()
            messages.success(request, f"Assessment of “{project.name}” recorded: {tag}.")
            return redirect("portfolio:feasibility", slug=slug)
        form, conflict, status = result.form, result.conflict, 409 if result.status == 409 else 200
    context = page_context(
        request,
        access,
        nav="feasibility",
        project=form.project,
        current=form.current,
        earlier=[a for a in form.project.assessment_history if not a.is_current],
        form=form,
        conflict=conflict,
        reference=calibration_selectors.reference_class(
            portfolio=access.portfolio,
            project=form.project,
            tag=form.current.tag if form.current else None,
            estimator=request.user.get_username(),
        ),
    )
    return render(request, ASSESS_TEMPLATE, context, status=status)
