"""The ROI chart drawn once per snapshot and shared through the cache, by the chart page, the SVG download
and the worker (which draws the page's chart right after it writes a snapshot, so no page view has to).

The chart is placed by ``roi.py``, its per-project marks drawn in Python by ``roi_svg.py``; the frame, axes and
caption come from ``roadmap/roi_chart.svg``, which escapes every text. A cache that is down only costs the drawing.

Each process also keeps the last few charts it served (``RECENT_CHARTS``), under the same keys and for no longer
than the shared cache keeps them: reading ~700 KB back from Redis and unpickling it cost a page view ~2 ms of CPU.
The key covers everything the drawing depends on, so a chart kept here is the one the shared cache holds.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from portfolio import links
from portfolio.models import Portfolio

from ..models import RankingSnapshot
from ..selectors import snapshots
from . import roi, roi_svg

logger = logging.getLogger(__name__)

CHART_CACHE_SECONDS = 3600  # a drawn chart is kept an hour; a new snapshot gets a new key anyway
CHART_CACHE_VERSION = 3  # bump when the drawn markup changes, so no process serves the old drawing
RECENT_CHARTS = 4  # drawn charts a process keeps in memory (~1.4 MB each at 1,000 projects)

_recent: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key -> (time.monotonic() deadline, SVG), oldest first
_recent_lock = threading.Lock()


def cache_key(portfolio: Portfolio, snapshot: RankingSnapshot, *, link_base: str) -> str:
    """The key of a drawn chart: what the SVG depends on (names hashed: keys stay short and space-free).

    The script prefix is part of it: links drawn by the worker (prefix "/") must not be served by a web
    process mounted under ``/planner/``; that one draws its own."""
    texts = [portfolio.name, portfolio.slug, snapshot.value_unit, link_base, get_script_prefix()]
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:32]
    stamp = snapshot.computed_at.timestamp() if snapshot.computed_at else ""
    parts = [portfolio.pk, snapshot.pk, snapshot.input_version, stamp, digest]
    return f"roi-chart-svg:v{CHART_CACHE_VERSION}:" + ":".join(map(str, parts))


def _cache_get(key: str) -> str | None:
    """The cached value, or None when missing or when the cache is down (Redis raises on connection errors)."""
    try:
        value = cache.get(key)
        return value if isinstance(value, str) else None
    except Exception as error:  # noqa: BLE001 - any cache failure means "draw it again", never a broken page
        logger.warning("ROI chart cache read failed, drawing the chart: %r", error)
        return None


def _cache_set(key: str, value: str) -> None:
    """Store ``value``; a cache that is down is logged and skipped."""
    try:
        cache.set(key, value, CHART_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001 - the caller has its chart already; caching is only a saving
        logger.warning("ROI chart cache write failed: %r", error)


def _recent_get(key: str) -> str | None:
    """The chart this process served last under ``key``, unless it is older than ``CHART_CACHE_SECONDS``."""
    with _recent_lock:
        found = _recent.get(key)
        if found is None or found[0] <= time.monotonic():
            return None
        _recent.move_to_end(key)
        return found[1]


def _recent_set(key: str, value: str) -> None:
    """Keep ``value`` as the chart served last under ``key``; the least recently served beyond ``RECENT_CHARTS`` go."""
    with _recent_lock:
        _recent[key] = (time.monotonic() + CHART_CACHE_SECONDS, value)
        _recent.move_to_end(key)
        while len(_recent) > RECENT_CHARTS:
            _recent.popitem(last=False)


def forget_recent() -> None:
    """Drop the charts this process keeps (tests: ids are reused across rolled-back tests, as in the shared cache)."""
    with _recent_lock:
        _recent.clear()


def project_urls(portfolio: Portfolio, keys: list[int], *, link_base: str = "") -> dict[int, str]:
    """Each project's page URL by id (one ``reverse`` for all of them); ``link_base`` (``https://host/``) makes
    them absolute, for the downloaded file."""
    base = link_base.rstrip("/")
    return {key: base + links.id_url("portfolio:project", portfolio.slug, key) for key in keys}


def chart_points(portfolio: Portfolio, snapshot: RankingSnapshot | None) -> list[roi.ChartPoint]:
    """The snapshot's ranking rows that have figures to plot, as chart points."""
    if snapshot is None:
        return []
    rows = snapshots.snapshot_scores(snapshot=snapshot)
    return [p for p in (roi.point_from_score(r, snapshot.horizon_years) for r in rows) if p is not None]


def _draw(
    portfolio: Portfolio,
    snapshot: RankingSnapshot | None,
    points: list[roi.ChartPoint],
    *,
    link_base: str,
    standalone: bool,
) -> str:
    """Place the points and render ``roi_chart.svg`` around the marks."""
    chart = marks = None
    if points and snapshot is not None:
        hrefs = project_urls(portfolio, [p.key for p in points if p.key is not None], link_base=link_base)
        chart = roi.build_chart(points, hrefs)
        marks = roi_svg.draw_marks(chart, value_unit=snapshot.value_unit, top_k=snapshot.top_k)
    context = {
        "portfolio": portfolio,
        "snapshot": snapshot,
        "standalone": standalone,
        "chart": chart,
        "chart_marks": marks,
        "svg_width": roi.WIDTH,
        "svg_height": roi.HEIGHT,
    }
    return render_to_string("roadmap/roi_chart.svg", context)


def drawn_chart(
    portfolio: Portfolio, snapshot: RankingSnapshot | None, *, link_base: str = "", standalone: bool = False
) -> SafeString:
    """The chart's SVG, drawn at most once per snapshot (and per link base) for all web processes, and kept by each
    process that served it lately (``RECENT_CHARTS``).

    The page's chart (relative links, ``standalone=False``) is empty when the snapshot has nothing to
    plot: the page says so in words. The downloaded file (``standalone=True``: XML prolog, absolute links
    from ``link_base``) is always a drawing, with its frame and caption. A cache that is down only costs
    the drawing.
    """
    if snapshot is None:
        if not standalone:
            return mark_safe("")
        return mark_safe(_draw(portfolio, None, [], link_base=link_base, standalone=True))
    key = cache_key(portfolio, snapshot, link_base=link_base)
    svg = _recent_get(key)
    if svg is None:
        svg = _cache_get(key)
        if svg is None:
            points = chart_points(portfolio, snapshot)
            drawing = points or standalone
            svg = _draw(portfolio, snapshot, points, link_base=link_base, standalone=standalone) if drawing else ""
            _cache_set(key, svg)
        _recent_set(key, svg)
    # Either drawn just now or the same string read back: rendered by roi_chart.svg, which escapes every text.
    return mark_safe(svg)


def draw_for_pages(*, snapshot_id: int) -> None:
    """Draw the chart page's chart of a new snapshot into the cache, so the first page view finds it drawn.

    The worker calls this inside the transaction that writes the snapshot (and again after it, which then finds the
    chart drawn). It only saves work: any failure is logged, never raised, and undoes nothing of the snapshot.
    With the default per-process cache it helps only the process that computed the snapshot; with
    ``CACHE_URL`` (one cache for every process) it saves every web process the drawing.
    """
    try:
        with transaction.atomic():  # called inside the snapshot's own write: a failed read must not undo that
            snapshot = RankingSnapshot.objects.select_related("portfolio").get(pk=snapshot_id)
            drawn_chart(snapshot.portfolio, snapshot)
    except Exception as error:  # noqa: BLE001 - the snapshot is written; a chart not drawn now is drawn on demand
        logger.warning("Could not draw the ROI chart of snapshot %s ahead of the pages: %r", snapshot_id, error)
