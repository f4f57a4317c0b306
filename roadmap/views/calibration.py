"""The calibration page (every role): how good the portfolio's estimates have been, and a PM's one click to adopt
the observed success rate of each feasibility tag (a versioned settings change)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from portfolio import calibration, calibration_selectors, services
from portfolio.forms.settings import TagRatesForm
from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context
from portfolio.views.versioned import save_versioned

from ..charts.pit import pit_chart
from ..services.calibrated import calibrated_compare

TEMPLATE = "roadmap/calibration.html"
KIND_LABELS = {"effort": "Effort (person-weeks, by EMs)", "impact": "Impact (value per year, by PMs)"}


def _sections(report: calibration_selectors.CalibrationReport) -> list[dict]:
    """The estimator rows by kind, each with its PIT chart and whether the calibrated-ranges setting uses it."""
    sections = []
    for kind in calibration.KINDS:
        rows = [
            {"row": row, "chart": pit_chart(row.pit_histogram, estimator=row.estimator, kind=kind)}
            for row in report.estimators
            if row.kind == kind
        ]
        if rows:
            sections.append({"kind": kind, "label": KIND_LABELS[kind], "rows": rows})
    return sections


def _context(request: HttpRequest, access, *, form: TagRatesForm | None = None, conflict=None) -> dict:
    report = calibration_selectors.calibration_report(portfolio=access.portfolio)
    rates = {row.tag: row.success_rate for row in report.tags}
    if form is None and rates and access.can("edit_settings"):
        form = TagRatesForm(instance=access.portfolio, rates=rates)
    return page_context(
        request,
        access,
        nav="calibration",
        report=report,
        sections=_sections(report),
        tags=report.tags,
        adopt_form=form,
        conflict=conflict,
        min_for_stretch=calibration.MIN_FOR_STRETCH,
    )


@login_required
@require_safe
def calibration_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Per estimator and kind: n, hit rate against 80%, bias, stretch, PIT histogram; pooled rows; per tag the
    observed success rate with its Wilson 80% interval next to the assumed probability."""
    access = portfolio_access(request.user, slug)
    return render(request, TEMPLATE, _context(request, access))


@login_required
@require_POST
def calibration_adopt(request: HttpRequest, slug: str) -> HttpResponse:
    """PM: set each tag's success probability to its observed rate, on the settings version the page showed."""
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    form = TagRatesForm(request.POST, instance=access.portfolio)
    result = save_versioned(form, services.portfolio_update, "portfolio")
    if result.written:
        messages.success(request, "The observed success rates are now the portfolio's probabilities.")
        return redirect("roadmap:calibration", slug=access.portfolio.slug)
    context = _context(request, access, form=result.form, conflict=result.conflict)
    return render(request, TEMPLATE, context, status=result.status)


@login_required
@require_safe
def calibration_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Every role: the ranking and roadmap from the ranges as entered beside those from calibrated ranges."""
    access = portfolio_access(request.user, slug)
    comparison = calibrated_compare(portfolio_id=access.portfolio.pk)
    context = page_context(
        request, access, nav="calibration", comparison=comparison, min_for_stretch=calibration.MIN_FOR_STRETCH
    )
    return render(request, "roadmap/calibration_compare.html", context)
