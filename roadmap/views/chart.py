"""The leadership ROI chart and ranking, and the same chart as a downloadable SVG file."""

import hashlib
import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

from .. import chart_svg, charts, selectors

logger = logging.getLogger(__name__)

TABLE_ROWS = 50  # ranked (and unranked) rows listed under the chart unless ?all=1; the chart itself shows every project
CHART_CACHE_SECONDS = 3600  # a drawn chart is kept an hour; a new snapshot gets a new key anyway
CHART_CACHE_VERSION = 1  # bump when the drawn markup changes, so no process serves the old drawing


def _chart_cache_key(portfolio, snapshot, *, link_base: str) -> str:
    """The key of a drawn chart: what the SVG depends on (names hashed: keys stay short and space-free)."""
    texts = hashlib.sha256("\0".join([portfolio.name, portfolio.value_unit, link_base]).encode()).hexdigest()[:32]
    stamp = snapshot.computed_at.timestamp() if snapshot.computed_at else ""
    parts = [portfolio.pk, snapshot.pk, snapshot.input_version, stamp, texts]
    return f"roi-chart-svg:v{CHART_CACHE_VERSION}:" + ":".join(map(str, parts))


def _cache_get(key: str) -> str | None:
    """The cached value, or None when missing or when the cache is down (Redis raises on connection errors)."""
    try:
        return cache.get(key)
    except Exception as error:  # noqa: BLE001 - any cache failure means "draw it again", never a broken page
        logger.warning("ROI chart cache read failed, drawing the chart: %r", error)
        return None


def _cache_set(key: str, value: str) -> None:
    """Store ``value``; a cache that is down is logged and skipped."""
    try:
        cache.set(key, value, CHART_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001 - the page has its chart already; caching is only a saving
        logger.warning("ROI chart cache write failed: %r", error)


def _project_urls(request: HttpRequest, portfolio, keys: list[int], *, absolute: bool) -> dict[int, str]:
    """Each project's page URL by id, reversing once: the URLs differ only in the id (a reverse is ~30 µs, x1,000)."""
    sentinel = 987654321
    head, _, tail = reverse("portfolio:project", args=[portfolio.slug, sentinel]).rpartition(str(sentinel))
    if absolute:
        head = request.build_absolute_uri(head)
    return {key: f"{head}{key}{tail}" for key in keys}


def _draw_svg(request: HttpRequest, portfolio, snapshot, points, *, standalone: bool) -> str:
    """Place the points and render ``roi_chart.svg``; the per-project marks are drawn in Python (chart_svg)."""
    chart = marks = None
    if points:
        hrefs = _project_urls(request, portfolio, [p.key for p in points if p.key is not None], absolute=standalone)
        chart = charts.build_chart(points, hrefs)
        marks = chart_svg.draw_marks(chart, value_unit=portfolio.value_unit, top_k=snapshot.top_k)
    context = {
        "portfolio": portfolio,
        "snapshot": snapshot,
        "standalone": standalone,
        "chart": chart,
        "chart_marks": marks,
        "svg_width": charts.WIDTH,
        "svg_height": charts.HEIGHT,
    }
    return render_to_string("roadmap/roi_chart.svg", context)


def _points(portfolio, rows) -> list[charts.ChartPoint]:
    """The chart points of the ranking rows that have figures to plot."""
    return [p for p in (charts.point_from_score(r, portfolio.horizon_years) for r in rows) if p is not None]


def drawn_chart(
    request: HttpRequest,
    portfolio,
    snapshot,
    points: Callable[[], list[charts.ChartPoint]],
    *,
    standalone: bool = False,
) -> SafeString:
    """The chart's SVG, shared between web processes through the cache: drawn once per snapshot.

    ``points`` is called only when the chart has to be drawn. The page's chart (relative links) and
    the download (absolute links, XML prolog) are kept apart. A cache that is down only costs the drawing.
    """
    if snapshot is None:
        return mark_safe(_draw_svg(request, portfolio, snapshot, [], standalone=standalone))
    link_base = request.build_absolute_uri("/") if standalone else ""
    key = _chart_cache_key(portfolio, snapshot, link_base=link_base)
    svg = _cache_get(key)
    if svg is None:
        svg = _draw_svg(request, portfolio, snapshot, points(), standalone=standalone)
        _cache_set(key, svg)
    # Either drawn just now or the same string read back: rendered by roi_chart.svg, which escapes every text.
    return mark_safe(svg)


def chart_context(request: HttpRequest, portfolio) -> dict:
    """Snapshot, ranked and excluded rows, and the drawn chart SVG (empty when there is nothing to plot)."""
    snapshot = selectors.latest_snapshot(portfolio=portfolio)
    rows = selectors.snapshot_scores(snapshot=snapshot)
    has_chart = any(charts.point_from_score(r, portfolio.horizon_years) is not None for r in rows)
    ranked = [r for r in rows if r.rank is not None]
    excluded = [r for r in rows if r.rank is None]
    show_all = request.GET.get("all") == "1"
    return {
        "snapshot": snapshot,
        "ranked": ranked,
        "ranked_shown": ranked if show_all else ranked[:TABLE_ROWS],
        "excluded": excluded,
        "excluded_shown": excluded if show_all else excluded[:TABLE_ROWS],
        "has_chart": has_chart,
        # The points are placed only when the chart is not in the cache yet.
        "chart_svg": drawn_chart(request, portfolio, snapshot, lambda: _points(portfolio, rows)) if has_chart else "",
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
    portfolio = access.portfolio
    snapshot = selectors.latest_snapshot(portfolio=portfolio)

    def points() -> list[charts.ChartPoint]:  # the ranking rows are read only when the chart is not cached yet
        return _points(portfolio, selectors.snapshot_scores(snapshot=snapshot))

    body = drawn_chart(request, portfolio, snapshot, points, standalone=True)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{portfolio.slug}-roi-chart.svg"'
    return response
