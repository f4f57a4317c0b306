"""Recording what delivery taught: an EM's progress on a project being built, and a project's outcome (PM or EM).

Both pages are the generic versioned edit form: a save based on an older version is refused (409) and explained,
bad input comes back next to the field (400) with nothing saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import delivery
from ..forms.delivery import OutcomeForm, ProgressForm
from ..permissions import portfolio_access
from .common import page_context, project_or_404
from .versioned import save_versioned

PAGES = {
    "progress": (ProgressForm, delivery.progress_record, "record_progress", "Progress on {name}", "Progress recorded."),
    "outcome": (OutcomeForm, delivery.outcome_record, "record_outcome", "Outcome of {name}", "Outcome recorded."),
}


def _record(request: HttpRequest, slug: str, pk: int, page: str) -> HttpResponse:
    form_class, service, action, title, done = PAGES[page]
    access = portfolio_access(request.user, slug)
    access.require(action)
    project = project_or_404(access, pk)
    conflict, status = None, 200
    if request.method == "POST":
        form = form_class.for_project(project, request.POST)
        result = save_versioned(form, service, "project", user=request.user)
        if result.written:
            messages.success(request, f"{project.name}: {done}")
            return redirect("portfolio:project", slug=slug, pk=pk)
        form, conflict, status = result.form, result.conflict, result.status
    else:
        form = form_class.for_project(project)
    context = page_context(
        request,
        access,
        nav="backlog",
        form=form,
        conflict=conflict,
        title=title.format(name=project.name),
        action=reverse(f"portfolio:{page}", args=[slug, pk]),
        cancel_url=reverse("portfolio:project", args=[slug, pk]),
    )
    return render(request, "portfolio/project_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def progress_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An EM records the effort spent so far and the remaining range of a project being built."""
    return _record(request, slug, pk, "progress")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def outcome_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A PM or an EM records what happened to a project that shipped, is iterated on or was stopped."""
    return _record(request, slug, pk, "outcome")
