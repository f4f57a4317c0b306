"""The portfolio's settings (PM): what the ranking and the roadmap read, with a refused stale save."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms.settings import PortfolioSettingsForm
from ..permissions import portfolio_access
from .common import page_context
from .versioned import save_versioned

TEMPLATE = "portfolio/settings.html"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portfolio_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the settings; a change to a ranking input makes the service recompute the figures.

    A save based on settings someone else has changed since is refused (409) with what they changed,
    and the form shows the current values to reapply the change on. Bad input comes back next to the
    fields (200).
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    # The form validates on a copy, so the page header keeps the saved name while the form shows errors.
    form = PortfolioSettingsForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(access.portfolio)
    )
    conflict, status = None, 200
    if request.method == "POST":
        before = access.portfolio.input_version
        result = save_versioned(form, services.portfolio_update, "portfolio")
        if result.written:
            note = " The ranking and roadmap are being recomputed." if result.saved.input_version != before else ""
            messages.success(request, f"Settings of “{result.saved.name}” saved.{note}")
            return redirect("portfolio:settings", slug=result.saved.slug)
        form, conflict, status = result.form, result.conflict, 409 if result.status == 409 else 200
    return render(
        request, TEMPLATE, page_context(request, access, nav="settings", form=form, conflict=conflict), status=status
    )
