""" "How scores are computed": the formulas with this portfolio's settings, and a worked example."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from config.requests import HtmxHttpRequest
from portfolio.permissions import portfolio_access
from portfolio.scoring import EXCLUDED_DELIVERED, EXCLUDED_NO_EFFORT, EXCLUDED_PARKED
from portfolio.scoring_inputs import MAX_SAVING_FRACTION
from portfolio.views.common import page_context

from ..selectors import explanation, snapshots
from ..selectors.funding import cut_line_row, funding_summary


@login_required
@require_safe
def how_scores(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The math of the ranking explained with the portfolio's own numbers; htmx gets the #worked-example partial."""
    access = portfolio_access(request.user, slug)
    snapshot = snapshots.latest_snapshot(portfolio=access.portfolio)
    context = page_context(
        request,
        access,
        nav="how",
        snapshot=snapshot,
        example=explanation.worked_example(snapshot=snapshot),
        error=explanation.error_example(snapshot=snapshot),
        max_saving=MAX_SAVING_FRACTION,
        exclusions=(EXCLUDED_DELIVERED, EXCLUDED_PARKED, EXCLUDED_NO_EFFORT),
        funding=funding_summary(snapshot=snapshot),
        cut_row=cut_line_row(snapshot=snapshot),
    )
    template = "roadmap/how.html#worked-example" if request.htmx else "roadmap/how.html"
    return render(request, template, context)
