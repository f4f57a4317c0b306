"""The portfolio's settings (PM): what the ranking and the roadmap read, with a refused stale save."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms.project import add_service_errors
from ..forms.settings import PortfolioSettingsForm
from ..permissions import portfolio_access
from .backlog import labelled_conflict
from .common import page_context

TEMPLATE = "portfolio/settings.html"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portfolio_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the settings; a change to a ranking input makes the service recompute the figures.

    A save based on settings someone else has changed since is refused (409) with what they changed,
    and the form shows the current values to reapply the change on.
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    # The form validates on a copy, so the page header keeps the saved name while the form shows errors.
    form = PortfolioSettingsForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(access.portfolio)
    )
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        before = access.portfolio.input_version
        try:
            saved = services.portfolio_update(
                portfolio=form.base_version(), data=form.service_data(), expected_version=form.cleaned_data["version"]
            )
        except services.ConflictError as error:
            theirs = {field: values for field, values in error.changes.items() if values[0] != values[1]}
            conflict, status = labelled_conflict(services.ConflictError(error.obj, theirs), form), 409
            form = form.rebased(error.obj)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = " The ranking and roadmap are being recomputed." if saved.input_version != before else ""
            messages.success(request, f"Settings of “{saved.name}” saved.{note}")
            return redirect("portfolio:settings", slug=saved.slug)
    return render(
        request, TEMPLATE, page_context(request, access, nav="settings", form=form, conflict=conflict), status=status
    )
