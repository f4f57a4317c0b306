"""The leadership ROI chart and ranking, and the same chart as a downloadable SVG file."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

from .. import charts, selectors

TABLE_ROWS = 100  # ranked rows listed under the chart unless ?all=1; the chart itself shows every project


def chart_context(request: HttpRequest, portfolio, *, absolute_links: bool = False) -> dict:
    """Snapshot, ranked and excluded rows, and the placed chart (None when there is nothing to plot)."""
    snapshot = selectors.latest_snapshot(portfolio=portfolio)
    rows = selectors.snapshot_scores(snapshot=snapshot)
    points = [p for p in (charts.point_from_score(r, portfolio.horizon_years) for r in rows) if p is not None]
    hrefs = {}
    for point in points:
        if point.key is not None:
            url = reverse("portfolio:project", args=[portfolio.slug, point.key])
            hrefs[point.key] = request.build_absolute_uri(url) if absolute_links else url
    ranked = [r for r in rows if r.rank is not None]
    show_all = request.GET.get("all") == "1"
    return {
        "snapshot": snapshot,
        "ranked": ranked,
        "ranked_shown": ranked if show_all else ranked[:TABLE_ROWS],
        "excluded": [r for r in rows if r.rank is None],
        "has_chart": bool(points),
        # Placed only when the template draws it: the page keeps the drawn SVG per snapshot (see chart.html).
        "chart": SimpleLazyObject(lambda: charts.build_chart(points, hrefs) if points else None),
        "svg_width": charts.WIDTH,
        "svg_height": charts.HEIGHT,
    }


@login_required
def roi_chart(request: HttpRequest, slug: str) -> HttpResponse:
    """ROI chart (ease x risk-adjusted value, bubble = ROI) with the ranked table; htmx gets the #roi-chart partial."""
    access = portfolio_access(request.user, slug)
    context = page_context(request, access, nav="chart", **chart_context(request, access.portfolio))
    template = "roadmap/chart.html#roi-chart" if request.htmx else "roadmap/chart.html"
    return render(request, template, context)


@login_required
def roi_chart_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The chart alone as an SVG file (XML prolog, white background, absolute project links) for a slide deck."""
    access = portfolio_access(request.user, slug)
    context = {"portfolio": access.portfolio, "standalone": True}
    context.update(chart_context(request, access.portfolio, absolute_links=True))
    body = render_to_string("roadmap/roi_chart.svg", context, request=request)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.portfolio.slug}-roi-chart.svg"'
    return response
