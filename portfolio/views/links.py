"""Reuse links, edited from a project's page: add (either direction), edit with its version, remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from config.requests import HtmxHttpRequest

from .. import selectors, services
from ..forms.links import LinkCreateForm, LinkEditForm, LinkRemoveForm
from ..forms.versioned import add_service_errors
from ..models import ReuseLink
from ..parsing import whole_number
from ..permissions import Access, portfolio_access
from .common import page_context, project_or_404
from .project import TEMPLATE as PROJECT_TEMPLATE
from .project import project_page_context
from .versioned import save_versioned

# Errors the model raises about a link's ends belong next to the "project" choice of the form.
END_FIELDS = {"producer": "other", "consumer": "other"}


def _link(access: Access, link_id: int) -> ReuseLink:
    try:
        return selectors.link_get(portfolio=access.portfolio, link_id=link_id)
    except ReuseLink.DoesNotExist:
        raise Http404 from None


def _return_to(request: HtmxHttpRequest, link: ReuseLink) -> int:
    """The project page the user came from: one end of the link (``from``), else its consumer."""
    asked = request.POST.get("from") or request.GET.get("from")
    ends = {link.producer_id, link.consumer_id}
    return pk if (pk := whole_number(asked)) in ends else link.consumer_id


def _links_response(request: HtmxHttpRequest, access: Access, project_id: int, **extra) -> HttpResponse:
    project = project_or_404(access, project_id, detail=True)
    context = project_page_context(request, access, project, **extra)
    return render(request, PROJECT_TEMPLATE + "#project-links", context)


@login_required
@require_POST
def link_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a reuse link with this project as consumer or producer; a cycle is refused with its path."""
    access = portfolio_access(request.user, slug)
    access.require("edit_links")
    project = project_or_404(access, pk, detail=True)
    form = LinkCreateForm(request.POST, project=project)
    if form.is_valid():
        producer, consumer = form.ends()
        try:
            link = services.link_create(producer=producer, consumer=consumer, user=request.user, **form.service_data())
        except services.CycleError as error:
            form.add_error("other", "This link would close a cycle: " + " → ".join(error.path) + ".")
        except ValidationError as error:
            add_service_errors(form, error, aliases=END_FIELDS)
        else:
            note = f"Link added: {link.consumer.name} reuses the output of {link.producer.name}."
            if request.htmx:
                return _links_response(request, access, pk, link_note=note)
            messages.success(request, note)
            return redirect("portfolio:project", slug=slug, pk=pk)
    if request.htmx:  # htmx 2 does not swap 4xx answers: the form with its messages comes back as 200
        return _links_response(request, access, pk, link_form=form)
    return render(request, PROJECT_TEMPLATE, project_page_context(request, access, project, link_form=form), status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_edit(request: HtmxHttpRequest, slug: str, link_id: int) -> HttpResponse:
    """Change a link's kind, fraction and note; a save on top of someone else's is refused and explained."""
    access = portfolio_access(request.user, slug)
    access.require("edit_links")
    link = _link(access, link_id)
    back = _return_to(request, link)
    title = f"Edit reuse link: {link.consumer.name} reuses the output of {link.producer.name}"
    conflict, status = None, 200
    if request.method in ("GET", "HEAD"):
        form = LinkEditForm(instance=link)
    else:
        form = LinkEditForm(request.POST, instance=link)
        result = save_versioned(form, services.link_update, "link", user=request.user)
        if result.written:
            messages.success(request, "Reuse link saved.")
            return redirect("portfolio:project", slug=slug, pk=back)
        form, conflict, status = result.form, result.conflict, result.status
    context = page_context(
        request,
        access,
        nav="backlog",
        form=form,
        conflict=conflict,
        title=title,
        action=reverse("portfolio:link-edit", args=[slug, link_id]) + f"?from={back}",
        cancel_url=reverse("portfolio:project", args=[slug, back]),
    )
    return render(request, "portfolio/project_form.html", context, status=status)


@login_required
@require_POST
def link_delete(request: HtmxHttpRequest, slug: str, link_id: int) -> HttpResponse:
    """Remove a reuse link and go back to the project page it was removed from.

    The form carries the link's version; a link someone changed since stays, and the links are shown as
    they are now with the refusal (409; 200 for htmx, which does not swap 4xx answers).
    """
    access = portfolio_access(request.user, slug)
    access.require("edit_links")
    link = _link(access, link_id)
    back = _return_to(request, link)
    note = f"Link removed: {link.consumer.name} no longer reuses the output of {link.producer.name}."
    form = LinkRemoveForm(request.POST, instance=link)
    result = save_versioned(form, services.link_delete, "link", user=request.user)
    if result.written:
        if request.htmx:
            return _links_response(request, access, back, link_note=note)
        messages.success(request, note)
        return redirect("portfolio:project", slug=slug, pk=back)
    if result.collided:  # the remove form shows no fields: say it above the page
        messages.error(request, str(result.form.non_field_errors()[0]))
    if request.htmx:
        return _links_response(request, access, back, conflict=result.conflict)
    context = project_page_context(request, access, project_or_404(access, back, detail=True), conflict=result.conflict)
    return render(request, PROJECT_TEMPLATE, context, status=result.status)
