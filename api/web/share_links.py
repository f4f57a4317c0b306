"""A portfolio's share links (PMs): make one for the ROI chart or the roadmap (its address is shown once), see who
made each and until when it works, revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portfolio.forms.versioned import add_service_errors
from portfolio.permissions import portfolio_access
from portfolio.views.common import page_context

from .. import share_links
from ..forms import ShareLinkForm

TEMPLATE = "api/share_links.html"
NEW_LINK = "api_share_link_shown_once"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The portfolio's share links and the form to make one (POST)."""
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = share_links.share_link_create(
                portfolio=access.portfolio, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_LINK] = [link.pk, request.build_absolute_uri(reverse("api:shared", args=[token]))]
            return redirect("api:share-links", slug=slug)
    context = page_context(
        request,
        access,
        nav="settings",
        form=form,
        links=share_links.share_links_of(portfolio=access.portfolio),
        new_link=request.session.pop(NEW_LINK, None),
    )
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


@login_required
@require_POST
def share_link_revoke(request: HttpRequest, slug: str, link_id: int) -> HttpResponse:
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    link = share_links.share_link_revoke(portfolio=access.portfolio, link_id=link_id)
    if link is not None:
        messages.success(request, f"The share link to the {link.get_page_display()} is revoked: it no longer opens.")
    return redirect("api:share-links", slug=slug)
