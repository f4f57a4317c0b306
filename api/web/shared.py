"""The read-only page a share link opens, for anyone holding it: the ROI chart & ranking or the roadmap, as of the
latest snapshot, with no edit controls and no links into the app. ``noindex`` (meta and ``X-Robots-Tag``), limited
to ``SHARE_RATE_LIMIT`` views a minute per address; it says who made the link, when, and until when it works.
A link that is unknown, revoked or expired answers 404 with the same words for each (a guess learns nothing)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from config.middleware import client_ip
from config.ratelimit import seconds_to_wait
from roadmap.charts import roi, roi_svg
from roadmap.charts.roi_cache import chart_points
from roadmap.charts.timeline import gantt
from roadmap.charts.value_curve import value_chart
from roadmap.selectors import schedule, snapshots

from .. import share_links
from ..models import SharedPage, ShareLink


def chart_context(link: ShareLink, snapshot) -> dict:
    """The ROI chart drawn without links to the app's pages, and the ranked rows."""
    points = chart_points(link.portfolio, snapshot) if snapshot else []
    svg = ""
    if points:
        chart = roi.build_chart(points, {})
        context = {
            "portfolio": link.portfolio,
            "snapshot": snapshot,
            "standalone": False,
            "chart": chart,
            "chart_marks": roi_svg.draw_marks(chart, value_unit=snapshot.value_unit, top_k=snapshot.top_k),
            "svg_width": roi.WIDTH,
            "svg_height": roi.HEIGHT,
        }
        svg = mark_safe(render_to_string("roadmap/roi_chart.svg", context))  # the template escapes every text
    return {"chart_svg": svg, **snapshots.ranking_tables(snapshot=snapshot, limit=None)}


def roadmap_context(link: ShareLink, snapshot) -> dict:
    """The Gantt (rows not linked), the value band chart and the dates."""
    rows = schedule.schedule_rows(snapshot=snapshot)
    curve = schedule.value_curve_points(snapshot=snapshot)
    scheduled = [r for r in rows if r.position is not None]
    today = timezone.localdate()
    start = snapshot.roadmap_start if snapshot else link.portfolio.roadmap_start
    return {
        "scheduled": scheduled,
        "left_off": [r for r in rows if r.position is None],
        "curve": curve,
        "roadmap_start": start,
        "gantt": gantt(scheduled, start=start, today=today, url_for=lambda pk: "") if scheduled else None,
        "value_chart": value_chart(curve, start=start, today=today) if curve else None,
    }


# What each shareable page shows: its template and context (a page added to SharedPage adds a line here).
PAGES = {
    SharedPage.CHART: ("api/shared_chart.html", chart_context),
    SharedPage.ROADMAP: ("api/shared_roadmap.html", roadmap_context),
}


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The shared page, or 404 (unknown, revoked or expired), or 429 over the per-address limit."""
    limit = settings.SHARE_RATE_LIMIT
    wait = seconds_to_wait("share", client_ip(request), limit) if limit > 0 else 0
    if wait:
        context = {"what": "views of shared pages", "limit": limit, "wait": wait, "path": request.path}
        response = render(request, "429.html", context, status=429)
        response["Retry-After"] = str(wait)
        return _noindex(response)
    link = share_links.share_link_open(token)
    if link is None:
        return _noindex(render(request, "api/shared_gone.html", status=404))
    snapshot = snapshots.latest_snapshot(portfolio=link.portfolio)
    template, build = PAGES[SharedPage(link.page)]
    context = {"link": link, "portfolio": link.portfolio, "snapshot": snapshot, **build(link, snapshot)}
    return _noindex(render(request, template, context))
