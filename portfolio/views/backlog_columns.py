"""Which columns of the backlog a person sees, chosen with a plain form and remembered in a cookie per user.

The project name is always shown. The choice is a cookie named after the user (two people sharing a browser
keep their own), so it needs no table and works without JavaScript: the form posts, the answer redirects back.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..forms.project import SORT_CHOICES
from ..permissions import portfolio_access

CHOOSABLE = tuple(key for key, _ in SORT_CHOICES if key != "name")  # the name column is always shown
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year, in seconds


def cookie_name(user) -> str:
    """The cookie holding ``user``'s choice."""
    return f"backlog_columns_{user.pk}"


def parse_columns(value: str | None) -> frozenset[str]:
    """The columns a cookie value names (comma separated); unknown names are ignored, no cookie means all."""
    if value is None:
        return frozenset(CHOOSABLE)
    return frozenset(key for key in value.split(",") if key in CHOOSABLE)


def shown_columns(request: HttpRequest) -> dict[str, bool]:
    """``{column key: shown}`` for every column, for the templates (``show.owner``)."""
    chosen = parse_columns(request.COOKIES.get(cookie_name(request.user)))
    return {"name": True, **{key: key in chosen for key in CHOOSABLE}}


def back_to(request: HttpRequest, fallback: str) -> str:
    """The ``next`` URL of the request when it is a path on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe else fallback


@login_required
@require_POST
def choose_columns(request: HttpRequest, slug: str) -> HttpResponse:
    """Remember the ticked columns (``column`` checkboxes) and go back to the backlog as it was filtered."""
    access = portfolio_access(request.user, slug)
    chosen = [key for key in CHOOSABLE if key in request.POST.getlist("column")]
    response = redirect(back_to(request, reverse("portfolio:backlog", args=[access.portfolio.slug])))
    response.set_cookie(
        cookie_name(request.user), ",".join(chosen), max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax"
    )
    return response
