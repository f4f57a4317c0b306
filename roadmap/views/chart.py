"""The leadership ROI chart and ranking, and the same chart as a downloadable SVG file."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from config.requests import HtmxHttpRequest
from portfolio.permissions import Access, portfolio_access
from portfolio.views.common import page_context

from ..charts import deck, roi
from ..charts.frontier import frontier_chart
from ..charts.roi_cache import drawn_chart
from ..forms import BaselineForm
from ..selectors import baselines, snapshots
from ..selectors.funding import funding_summary
from ..selectors.snapshots import UNREAD
from .baselines import shown_snapshot
from .downloads import deck_download

CHART_SLOT = "<!-- the drawn ROI chart -->"  # where render_chart_page puts the chart once the page is rendered
TABLE_ROWS = 50  # ranked (and unranked) rows listed under the chart unless ?all=1; the chart itself shows every project


def chart_context(request: HtmxHttpRequest, portfolio) -> dict:
    """Snapshot (the latest, or a baseline's with ``?baseline=<id>``), the ranked and unranked rows listed under the
    chart, each ranked row's move since the latest baseline (``rank_move``: one query), and the drawn chart (empty
    when there is nothing to plot). Only the listed rows are read; the chart's points when it is not drawn yet."""
    snapshot, baseline = shown_snapshot(request, portfolio)
    tables = snapshots.ranking_tables(snapshot=snapshot, limit=None if request.GET.get("all") == "1" else TABLE_ROWS)
    if baseline is None:
        moves = baselines.rank_moves(portfolio=portfolio, scores={r.project_id: r for r in tables["ranked_shown"]})
        for row in tables["ranked_shown"]:
            row.rank_move = moves.get(row.project_id, "")
    chart_svg = drawn_chart(portfolio, snapshot)
    return {
        "snapshot": snapshot,
        "baseline": baseline,
        **tables,
        "has_chart": bool(chart_svg),
        "chart_svg": chart_svg,
        **funding_context(snapshot, tables),
    }


def chart_page_context(request: HtmxHttpRequest, access: Access, **extra) -> dict:
    """The chart page's whole context (``page_context`` and ``chart_context``, then ``extra``); the latest snapshot is
    read once when it is the one shown (no ``?baseline=``)."""
    chart = chart_context(request, access.portfolio)
    latest = chart["snapshot"] if chart["baseline"] is None else UNREAD
    return page_context(request, access, nav="chart", latest=latest, **chart, **extra)


def mark_cut_line(snapshot, rows) -> None:
    """Set ``cut_above`` on every listed ranked row: True on the one the cut line is drawn above (the first ranked one
    not funded), False on the others and on all of them without a ``snapshot`` (no funding decision). Set on every row
    because the template asks each one: an attribute it does not find costs it a ``dir()`` of the row."""
    cut_rank = snapshot.funding.get("cut_rank") if snapshot is not None else None
    for row in rows:
        row.cut_above = cut_rank is not None and row.rank == cut_rank


def funding_context(snapshot, tables: dict) -> dict:
    """The funding section's figures and frontier chart, and the cut line marked in the ranked rows listed
    (``tables``: ``ranking_tables``, which counted the funded rows too)."""
    funding = funding_summary(snapshot=snapshot, funded_count=tables["funded_count"])
    mark_cut_line(snapshot if funding is not None else None, tables["ranked_shown"])
    if funding is None:
        return {"funding": None, "frontier_chart": None}
    chart = frontier_chart(funding.frontier, budget=funding.budget_person_weeks, person_weeks=funding.window_weeks)
    return {"funding": funding, "frontier_chart": chart if funding.frontier else None}


def render_chart_page(
    request: HtmxHttpRequest, template_name: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """Render the chart page (or its htmx partial) around ``CHART_SLOT`` and put the drawn chart's bytes in its place:
    the same response, byte for byte, as rendering ``{{ chart_svg }}`` where the slot is.

    The chart's SVG is ~700 KB at 1,000 projects. Through the template engine it was copied at every level of the
    page (each block, partial and ``if`` joins its parts: ~4 ms of CPU a page), then encoded with the rest. Its texts
    are escaped where it is drawn (``roi_cache.drawn_chart``); nothing a user writes can make the slot (a ``<`` of
    theirs is written ``&lt;``), and the slot is only looked for once."""
    svg = context.get("chart_svg")
    if not svg:
        return render(request, template_name, context, status=status)
    response = render(request, template_name, {**context, "chart_svg": mark_safe(CHART_SLOT)}, status=status)
    head, slot, tail = response.content.partition(CHART_SLOT.encode(response.charset))
    if slot:  # else the template did not show the chart
        response.content = b"".join((head, svg.encode(response.charset), tail))
    return response


@login_required
@require_safe
def roi_chart(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """ROI chart (ease x risk-adjusted value, bubble = ROI) with the ranked table; htmx gets the #roi-chart partial."""
    access = portfolio_access(request.user, slug)
    context = chart_page_context(request, access, baseline_form=BaselineForm() if access.can_edit else None)
    template = "roadmap/chart.html#roi-chart" if request.htmx else "roadmap/chart.html"
    return render_chart_page(request, template, context)


@login_required
@require_safe
def roi_chart_svg(request: HtmxHttpRequest, slug: str, fmt: str = "svg") -> HttpResponse:
    """The chart for a slide deck (``chart.svg`` or ``chart.png``): title, portfolio, date, input version and seed
    above it, its legend, and a key from the rank numbers on the chart to the projects' names below it."""
    access = portfolio_access(request.user, slug)
    portfolio = access.portfolio
    snapshot, _ = shown_snapshot(request, portfolio)
    body = drawn_chart(portfolio, snapshot, link_base=request.build_absolute_uri("/"), standalone=True)
    ranked = [r for r in snapshots.snapshot_scores(snapshot=snapshot) if r.rank is not None] if snapshot else []
    key = [(str(r.rank), r.name) for r in sorted(ranked, key=lambda r: r.rank or 0)[: roi.RANK_LABELS]]
    framed = deck.framed_svg(
        body,
        title=f"ROI chart & ranking: {portfolio.name}",
        provenance=deck.provenance_of(portfolio, snapshot),
        key=key,
        key_title=f"Key: the top {len(key)} by rank",
    )
    return deck_download(framed, filename=f"{portfolio.slug}-roi-chart", fmt=fmt)
