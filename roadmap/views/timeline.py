"""The roadmap page: a Gantt with confidence bands, the value band chart, the numbers; pins; SVG downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portfolio import services as portfolio_services
from portfolio.models import Portfolio, Project
from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

from .. import timeline_chart
from ..forms import PinForm, ScenarioForm
from ..selectors import schedule, snapshots


def timeline_context(request: HttpRequest, portfolio: Portfolio, *, absolute_links: bool = False) -> dict:
    """The latest snapshot's roadmap rows, curve and both charts laid out (None when there is nothing to draw),
    with the team capacity and roadmap start the snapshot was computed with (the settings may have moved on
    since; with no snapshot yet, the settings the first one will use)."""
    snapshot = snapshots.latest_snapshot(portfolio=portfolio)
    rows = schedule.schedule_rows(snapshot=snapshot)
    curve = schedule.value_curve_points(snapshot=snapshot)
    scheduled = [r for r in rows if r.position is not None]
    names = {r.project_id: r.name for r in rows}
    for row in rows:  # producers it requires that are on the roadmap (delivered ones impose no wait)
        row.waits_for_names = [names[pk] for pk in row.requires if pk in names]
    start = snapshot.roadmap_start if snapshot else portfolio.roadmap_start
    today = timezone.localdate()

    def url_for(pk: int | None) -> str:
        if pk is None:
            return ""
        url = reverse("portfolio:project", args=[portfolio.slug, pk])
        return request.build_absolute_uri(url) if absolute_links else url

    return {
        "snapshot": snapshot,
        "scheduled": scheduled,
        "left_off": [r for r in rows if r.position is None],
        "curve": curve,
        "roadmap_start": start,
        "capacity": snapshot.capacity if snapshot else portfolio.capacity,
        "gantt": timeline_chart.gantt(scheduled, start=start, today=today, url_for=url_for) if scheduled else None,
        "value_chart": timeline_chart.value_chart(curve, start=start, today=today) if curve else None,
    }


def scenario_form(portfolio: Portfolio, data=None) -> ScenarioForm:
    """The what-if form over the portfolio's projects (bound to ``data`` when given)."""
    projects = list(Project.objects.filter(portfolio=portfolio).order_by("name"))
    return ScenarioForm(data, portfolio=portfolio, projects=projects)


@login_required
@require_safe
def timeline(request: HttpRequest, slug: str) -> HttpResponse:
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


@login_required
@require_safe
def timeline_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The Gantt (or, with ?chart=value, the value band chart) alone as an SVG file for a slide deck."""
    access = portfolio_access(request.user, slug)
    which = "value" if request.GET.get("chart") == "value" else "timeline"
    context = {"portfolio": access.portfolio, "standalone": True}
    context.update(timeline_context(request, access.portfolio, absolute_links=True))
    template = "roadmap/value_curve.svg" if which == "value" else "roadmap/timeline.svg"
    response = HttpResponse(render_to_string(template, context, request=request), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{access.portfolio.slug}-{which}.svg"'
    return response


def _next_url(request: HttpRequest, project: Project) -> str:
    """Where to go after a pin change: the page it came from when that is ours, else the project page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    host, https = {request.get_host()}, request.is_secure()
    is_ours = url_has_allowed_host_and_scheme(target, allowed_hosts=host, require_https=https)
    if is_ours and target.startswith("/"):  # a path of this site; a bare word would be taken for a view name
        return target
    return reverse("portfolio:project", args=[project.portfolio.slug, project.pk])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pin_set(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """PM: pin a project to a place on the roadmap list (GET shows the form; POST saves it, version-checked)."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = get_object_or_404(Project, portfolio=access.portfolio, pk=pk)
    form = PinForm(request.POST or None, initial={"position": project.roadmap_pin, "version": project.version})
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                portfolio_services.project_pin_set(
                    project=project,
                    position=form.cleaned_data["position"],
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except portfolio_services.ConflictError as exc:
                conflict, status = exc, 409
                project = exc.obj
                form = PinForm(initial={"position": form.cleaned_data["position"], "version": project.version})
            else:
                messages.success(request, f"{project.name} is pinned to place {form.cleaned_data['position']}.")
                return redirect(_next_url(request, project))
        else:
            status = 400
    context = page_context(request, access, nav="roadmap", project=project, form=form, conflict=conflict)
    context["next"] = _next_url(request, project)
    return render(request, "roadmap/pin.html", context, status=status)


@login_required
@require_POST
def pin_clear(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """PM: clear a project's pin; it goes back to its rank's place on the roadmap."""
    access = portfolio_access(request.user, slug)
    access.require("edit_projects")
    project = get_object_or_404(Project, portfolio=access.portfolio, pk=pk)
    portfolio_services.project_pin_clear(project=project, user=request.user)
    messages.success(request, f"{project.name} is no longer pinned: it follows its rank on the roadmap.")
    return redirect(_next_url(request, project))
