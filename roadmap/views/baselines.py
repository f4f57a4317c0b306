"""Review baselines on the pages: which snapshot a page shows (``?baseline=<id>``) and marking the current one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.requests import HtmxHttpRequest
from portfolio.models import Portfolio
from portfolio.permissions import portfolio_access

from ..forms import BaselineForm
from ..models import RankingSnapshot, ReviewBaseline
from ..selectors import baselines, snapshots
from ..services.baselines import baseline_mark


def shown_snapshot(
    request: HtmxHttpRequest, portfolio: Portfolio
) -> tuple[RankingSnapshot | None, ReviewBaseline | None]:
    """The snapshot a page shows: a baseline's with ``?baseline=<id>`` (404 if the portfolio has no such baseline),
    else the latest; and the baseline, if any."""
    if "baseline" not in request.GET:
        return snapshots.latest_snapshot(portfolio=portfolio), None
    baseline = baselines.baseline_get(portfolio=portfolio, baseline_id=request.GET["baseline"])
    if baseline is None:
        raise Http404
    return baseline.snapshot, baseline


@login_required
@require_POST
def baseline_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """PM: mark the current figures as a review baseline; back to the chart, or its page again with the field error."""
    from .chart import chart_page_context, render_chart_page  # the chart page renders the form; it imports this module

    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            baseline = baseline_mark(portfolio=access.portfolio, name=form.cleaned_data["name"], user=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, f"The current figures are marked as the baseline “{baseline.name}”.")
            return redirect("roadmap:chart", slug=access.portfolio.slug)
    context = chart_page_context(request, access, baseline_form=form)
    return render_chart_page(request, "roadmap/chart.html", context, status=400)
