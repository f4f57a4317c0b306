"""The feasibility queue (every member reads it; EMs act) and the EM's assessment form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .. import selectors, services
from ..forms.feasibility import AssessmentForm, project_changes
from ..forms.project import add_service_errors
from ..models import FeasibilityAssessment, Project
from ..permissions import portfolio_access
from .common import page_context

QUEUE_TEMPLATE = "portfolio/feasibility_queue.html"
ASSESS_TEMPLATE = "portfolio/assess.html"


@login_required
@require_safe
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """Projects still to be built that need an assessment, with the reason; below, the assessed ones.

    The list refreshes itself (htmx, the ``feasibility-queue`` partial) when newer figures land, which
    is also when someone else has recorded an assessment or changed an impact.
    """
    access = portfolio_access(request.user, slug)
    waiting = selectors.feasibility_queue(portfolio=access.portfolio)
    waiting_ids = {project.pk for project, _ in waiting}
    assessed = [a for a in selectors.assessed_projects(portfolio=access.portfolio) if a.project_id not in waiting_ids]
    context = page_context(request, access, nav="feasibility", waiting=waiting, assessed=assessed)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, QUEUE_TEMPLATE + "#feasibility-queue", context)
    return render(request, QUEUE_TEMPLATE, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assess(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record a new assessment of a project (EM); the earlier ones are kept and shown for context.

    If the project changed after the form was loaded, or another EM assessed it meanwhile, the save is
    refused (409) and the EM sees what changed, with what they typed re-based on the state as it is now.
    """
    access = portfolio_access(request.user, slug)
    access.require("assess")
    try:
        project = selectors.project_for_assessment(portfolio=access.portfolio, project_id=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    current = _current(project)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None, project=project, portfolio=access.portfolio, current=current
    )
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record_if_current(
                project=project,
                expected_project_version=form.cleaned_data["project_version"],
                expected_assessment_id=form.cleaned_data["based_on"],
                user=request.user,
                **form.service_data(),
            )
        except services.ConflictError as error:
            conflict, status = _explained(error, form), 409
            project = selectors.project_for_assessment(portfolio=access.portfolio, project_id=pk)
            current = _current(project)
            form = form.rebased(project, current)  # keeps what the EM typed
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Assessment of “{project.name}” recorded: {assessment.get_tag_display().lower()}."
            )
            return redirect("portfolio:feasibility", slug=slug)
    context = page_context(
        request,
        access,
        nav="feasibility",
        project=project,
        current=current,
        earlier=[a for a in project.assessment_history if not a.is_current],
        form=form,
        conflict=conflict,
    )
    return render(request, ASSESS_TEMPLATE, context, status=status)


def _current(project: Project) -> FeasibilityAssessment | None:
    return next((a for a in project.assessment_history if a.is_current), None)


def _explained(error: services.ConflictError, form: AssessmentForm) -> services.ConflictError:
    """The conflict with what changed: the project's fields since the form was loaded, or the other assessment's."""
    if isinstance(error.obj, Project):
        return services.ConflictError(error.obj, project_changes(form.cleaned_data["project_snapshot"], error.obj))
    labels = {name: str(field.label).lower() for name, field in form.fields.items()}
    return services.ConflictError(error.obj, {labels[f]: values for f, values in error.changes.items()})
