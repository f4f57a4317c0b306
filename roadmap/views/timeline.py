"""The roadmap page: a Gantt with confidence bands, the value band chart, the numbers; pins; SVG downloads."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.requests import HtmxHttpRequest
from portfolio import services as portfolio_services
from portfolio.models import Portfolio, Project
from portfolio.permissions import Access, portfolio_access
from portfolio.views.common import page_context
from portfolio.views.versioned import VersionedSave, save_versioned

from ..charts import deck
from ..charts.timeline import BAD, GOOD, WARN, gantt
from ..charts.value_curve import value_chart
from ..forms import PinClearForm, PinForm, ScenarioForm
from ..selectors import schedule
from .baselines import shown_snapshot
from .downloads import deck_download


def timeline_context(request: HtmxHttpRequest, portfolio: Portfolio, *, absolute_links: bool = False) -> dict:
    """The latest snapshot's (or with ``?baseline=<id>`` a baseline's) roadmap rows, curve and both charts laid out
    (None when there is nothing to draw), with the team capacity and roadmap start the snapshot was computed with
    (the settings may have moved on since; with no snapshot yet, the settings the first one will use)."""
    snapshot, baseline = shown_snapshot(request, portfolio)
    rows = schedule.schedule_rows(snapshot=snapshot)
    curve = schedule.value_curve_points(snapshot=snapshot)
    scheduled = [r for r in rows if r.position is not None]
    names = {r.project_id: r.name for r in rows}
    versions = dict(Project.objects.filter(portfolio=portfolio).values_list("pk", "version"))
    for row in rows:  # producers it requires that are on the roadmap (delivered ones impose no wait)
        row.waits_for_names = [names[pk] for pk in row.requires if pk in names]
        row.project_version = (
            versions.get(row.project_id) if row.project_id is not None else None
        )  # what a "clear pin" of the row is based on
    start = snapshot.roadmap_start if snapshot else portfolio.roadmap_start
    today = timezone.localdate()

    def url_for(pk: int | None) -> str:
        if pk is None:
            return ""
        url = reverse("portfolio:project", args=[portfolio.slug, pk])
        return request.build_absolute_uri(url) if absolute_links else url

    return {
        "snapshot": snapshot,
        "baseline": baseline,
        "scheduled": scheduled,
        "left_off": [r for r in rows if r.position is None],
        "curve": curve,
        "roadmap_start": start,
        "capacity": snapshot.capacity if snapshot else portfolio.capacity,
        "gantt": gantt(scheduled, start=start, today=today, url_for=url_for) if scheduled else None,
        "value_chart": value_chart(curve, start=start, today=today) if curve else None,
    }


def scenario_form(portfolio: Portfolio, data=None) -> ScenarioForm:
    """The what-if form over the portfolio's projects (bound to ``data`` when given)."""
    return ScenarioForm.for_portfolio(portfolio, data)


@login_required
@require_safe
def timeline(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The roadmap with its confidence bands and the what-if form; htmx gets the #timeline-figures partial."""
    access = portfolio_access(request.user, slug)
    context = page_context(
        request,
        access,
        nav="roadmap",
        form=scenario_form(access.portfolio),
        **timeline_context(request, access.portfolio),
    )
    template = "roadmap/timeline.html#timeline-figures" if request.htmx else "roadmap/timeline.html"
    return render(request, template, context)


TIMELINE_LEGEND = (
    deck.LegendEntry("bar", "#1f5fbf", "P50 start to P50 finish"),
    deck.LegendEntry("band", "#1f5fbf", "P10–P90 finish"),
    deck.LegendEntry("diamond", GOOD, "target: ≥ 80% likely"),
    deck.LegendEntry("diamond", WARN, "target: 50–80%"),
    deck.LegendEntry("diamond", BAD, "target: < 50%"),
    deck.LegendEntry("dashed", "#a32020", "today"),
    deck.LegendEntry("note", "#5b6576", "“waits for #3”, “feeds #7”: requires links, by place (see the key)"),
)
VALUE_LEGEND = (
    deck.LegendEntry("line", "#1d7a3a", "P50 annual value delivered"),
    deck.LegendEntry("band", "#1d7a3a", "P10–P90"),
    deck.LegendEntry("dashed", "#a32020", "today"),
)


@login_required
@require_safe
def timeline_svg(request: HtmxHttpRequest, slug: str, fmt: str = "svg") -> HttpResponse:
    """The Gantt (or, with ?chart=value, the value band chart) for a slide deck, as ``roadmap.svg`` or
    ``roadmap.png``: title, portfolio, date, input version and seed, a legend and (Gantt) the key of row numbers."""
    access = portfolio_access(request.user, slug)
    portfolio = access.portfolio
    which = "value" if request.GET.get("chart") == "value" else "timeline"
    context = {"portfolio": portfolio, "standalone": True}
    context.update(timeline_context(request, portfolio, absolute_links=True))
    template = "roadmap/value_curve.svg" if which == "value" else "roadmap/timeline.svg"
    chart = render_to_string(template, context, request=request)
    legend: tuple[deck.LegendEntry, ...]
    key: list[tuple[str, str]]
    if which == "value":
        title, legend, key = f"Annual value delivered: {portfolio.name}", VALUE_LEGEND, []
    else:
        title, legend = f"Roadmap: {portfolio.name}", TIMELINE_LEGEND
        scheduled: list[Any] = context["scheduled"]  # type: ignore[assignment]  # the context dict is untyped
        key = [(f"#{row.position}", row.name) for row in scheduled]
    framed = deck.framed_svg(
        chart,
        title=title,
        provenance=deck.provenance_of(portfolio, context["snapshot"]),
        legend=legend,
        key=key,
        key_title="Key: place on the roadmap",
    )
    return deck_download(framed, filename=f"{portfolio.slug}-{which}", fmt=fmt)


def _next_url(request: HtmxHttpRequest, project: Project) -> str:
    """Where to go after a pin change: the page it came from when that is ours, else the project page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    host, https = {request.get_host()}, request.is_secure()
    is_ours = url_has_allowed_host_and_scheme(target, allowed_hosts=host, require_https=https)
    if is_ours and target.startswith("/"):  # a path of this site; a bare word would be taken for a view name
        return target
    return reverse("portfolio:project", args=[project.portfolio.slug, project.pk])


def _pin_page(
    request: HtmxHttpRequest,
    access: Access,
    form: PinForm,
    clear_form: PinClearForm,
    result: VersionedSave | None = None,
) -> HttpResponse:
    """The pin page of ``form``'s project: the pin form, "Clear pin" when it is pinned, a refusal if any."""
    project = form.instance
    context = page_context(request, access, nav="roadmap", project=project, form=form, clear_form=clear_form)
    context.update(conflict=result.conflict if result else None, next=_next_url(request, project))
    return render(request, "roadmap/pin.html", context, status=result.status if result else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pin_set(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """PM: pin a project to a place on the roadmap list (GET shows the form; POST saves it, version-checked)."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = get_object_or_404(Project, portfolio=access.portfolio, pk=pk)
    form = PinForm(request.POST or None, instance=project)
    if request.method != "POST":
        return _pin_page(request, access, form, PinClearForm(instance=project))
    result = save_versioned(form, portfolio_services.project_pin_set, "project", user=request.user)
    if result.written:
        messages.success(request, f"{project.name} is pinned to place {form.cleaned_data['position']}.")
        return redirect(_next_url(request, project))
    return _pin_page(request, access, result.form, PinClearForm(instance=result.form.instance), result)


@login_required
@require_POST
def pin_clear(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """PM: clear a project's pin; it goes back to its rank's place on the roadmap.

    The form carries the project's version: a project someone changed since keeps its pin, and the pin
    page shows it as it is now with the refusal (409), to clear it again.
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = get_object_or_404(Project, portfolio=access.portfolio, pk=pk)
    form = PinClearForm(request.POST, instance=project)
    result = save_versioned(form, portfolio_services.project_pin_clear, "project", user=request.user)
    if result.written:
        messages.success(request, f"{project.name} is no longer pinned: it follows its rank on the roadmap.")
        return redirect(_next_url(request, project))
    if result.collided:  # the clear form shows no fields: say it above the page
        messages.error(request, str(result.form.non_field_errors()[0]))
    return _pin_page(request, access, PinForm(instance=result.form.instance), result.form, result)
