"""What-if scenarios on the roadmap page: try capacity, drops, additions and pins without saving; save as plan.

Running a scenario computes inline (two plans from one seed: a few tens of milliseconds for a hundred
projects x the portfolio's trials) and changes nothing, so every member may run one. Its work is bounded:
above WHATIF_MAX_PROJECT_TRIALS project-trials per side both plans draw fewer trials (see
``services.whatif.scenario_compare``), about a second for 1,000 projects. Saving it is PM only, and saves inputs:
the recompute then draws the portfolio's full trials.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.ratelimit import rate_limited
from config.requests import HtmxHttpRequest
from portfolio.permissions import Access, portfolio_access
from portfolio.views.common import page_context
from portfolio.views.versioned import save_versioned

from ..services import whatif as whatif_services
from .timeline import scenario_form, timeline_context

TEMPLATE = "roadmap/timeline.html"


def _render(request: HtmxHttpRequest, access: Access, form, *, status: int = 200, **extra) -> HttpResponse:
    """The roadmap page with the what-if part filled in; htmx gets the #whatif partial.

    htmx does not swap error responses, so an htmx re-render with errors answers 200; a plain POST
    answers with the error status (400 invalid, 409 conflict).
    """
    context = page_context(request, access, nav="roadmap", form=form, **extra)
    if request.htmx:
        return render(request, TEMPLATE + "#whatif", context)
    context.update(timeline_context(request, access.portfolio))
    return render(request, TEMPLATE, context, status=status)


@login_required
@rate_limited("whatif", setting="WHATIF_RATE_LIMIT", what="what-if runs")
@require_http_methods(["GET", "POST"])
def whatif(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Run a scenario (GET or POST, saves nothing) and show it beside the plan, with what moves.

    GET is acceptable because the run changes nothing (no write, no task) and its URL is worth sharing
    ("look what happens with 6 people"); what a GET must not be is unbounded work that another site or a
    crawler could trigger, and ``scenario_compare`` caps each request at WHATIF_MAX_PROJECT_TRIALS
    project-trials per side (twice that in all), whatever the portfolio's trial count. Only a portfolio past
    budget / 200 projects (10,000 at the default) goes over it, at 200 trials a project.
    """
    access = portfolio_access(request.user, slug)
    data = request.POST if request.method == "POST" else request.GET
    if not data:
        return redirect("roadmap:timeline", slug=slug)
    form = scenario_form(access.portfolio, data)
    if not form.is_valid():
        return _render(request, access, form, status=400)
    comparison = whatif_services.scenario_compare(portfolio_id=access.portfolio.pk, scenario=form.scenario())
    return _render(request, access, form, comparison=comparison)


@login_required
@require_POST
def whatif_save(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """PM: make the scenario the plan (capacity, pins, drops -> parked, additions -> idea), all or nothing.

    On top of someone else's change (the settings or a project the scenario touches) nothing is saved (409)
    and the form comes back re-based on the stored versions, so saving again applies the scenario.
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    form = scenario_form(access.portfolio, request.POST)
    result = save_versioned(form, whatif_services.scenario_save, "portfolio", user=request.user)
    if not result.written:
        return _render(request, access, result.form, status=result.status, conflict=result.conflict)
    messages.success(request, "The scenario is now the plan; the roadmap is being recomputed.")
    url = reverse("roadmap:timeline", args=[slug])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
