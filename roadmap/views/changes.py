"""The "Changes since" page: a baseline's figures against the current ones, with the causes of every move."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from config.requests import HtmxHttpRequest
from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

from ..models import ChangesReport
from ..selectors import baselines, snapshots
from ..services.changes import changes_request

INTERACTION_SHOWN = 5e-5  # ROI ratio: an interaction under 0.005 pts is float rounding, not worth a line
CAUSES_SHOWN = 3  # the largest effects listed per project; the command and the JSON report list them all


def _rows(result: dict) -> dict:
    """The report's projects split as the page lists them: moved (ranked before and now), added, removed, others."""
    split: dict[str, list] = {"moved": [], "added": [], "removed": [], "unranked": []}
    for row in result["projects"]:
        kind = row["change"]
        if kind == "moved" and row["rank_move"] is None:
            kind = "unranked"  # in both snapshots, ranked in at most one of them
        move = baselines.move_label(row["before"]["rank"], row["after"]["rank"]) if kind == "moved" else ""
        shown = {"causes_shown": row["causes"][:CAUSES_SHOWN], "move": move}
        shown["interaction_shown"] = row["interaction"] is not None and abs(row["interaction"]) >= INTERACTION_SHOWN
        split[kind].append({**row, **shown})
    return split


@login_required
@require_safe
def changes_since(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every role: pick a baseline (default the latest); the report is computed by the worker once per (baseline,
    input version) and stored. While it runs, htmx polls the #changes-report partial, which shows the progress."""
    access = portfolio_access(request.user, slug)
    portfolio = access.portfolio
    choices = baselines.baseline_list(portfolio=portfolio)
    chosen = baselines.baseline_get(portfolio=portfolio, baseline_id=request.GET.get("baseline", ""))
    baseline = chosen or (choices[0] if choices else None)
    snapshot = snapshots.latest_snapshot(portfolio=portfolio)
    report = None
    if baseline is not None and snapshot is not None:
        report = baselines.changes_report(baseline=baseline, snapshot=snapshot)
        if report is None or (not request.htmx and report.status != ChangesReport.Status.DONE):
            report = changes_request(baseline=baseline, snapshot=snapshot, retry=not request.htmx)
    result = report.result if report is not None and report.status == ChangesReport.Status.DONE else None
    context = page_context(
        request,
        access,
        nav="changes",
        baselines=choices,
        baseline=baseline,
        snapshot=snapshot,
        report=report,
        result=result,
        rows=_rows(result) if result is not None else None,
    )
    template = "roadmap/changes.html#changes-report" if request.htmx else "roadmap/changes.html"
    return render(request, template, context)
