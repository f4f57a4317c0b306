"""The figures' status banner, polled by every portfolio page; it tells the page when newer figures land."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_htmx.http import trigger_client_event

from portfolio.parsing import whole_number
from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

FIGURES_UPDATED = "figures-updated"


def _seen_version(request: HttpRequest) -> int | None:
    """The snapshot version the page shows (``?seen=``), or None when absent or not a whole number."""
    return whole_number(request.GET.get("seen", ""))


@login_required
@require_safe
def figures_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Render the banner (it keeps polling); fire ``figures-updated`` when a snapshot newer than ``?seen=`` exists."""
    access = portfolio_access(request.user, slug)
    context = page_context(request, access, nav="")
    status = context["figures"]
    response = render(request, "roadmap/_status.html", {**context, "status": status})
    seen = _seen_version(request)
    if seen is not None and status.snapshot_version > seen:
        trigger_client_event(response, FIGURES_UPDATED)
    return response
