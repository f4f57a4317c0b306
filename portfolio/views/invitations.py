"""An invitation's page, reached by its link: a logged-in user joins with its role; a visitor creates an
account there and joins. A link that was used, revoked or has expired says which, and nothing happens."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import membership_selectors, memberships
from ..forms.members import SignUpForm
from ..forms.versioned import add_service_errors
from ..models import Invitation, InvitationStatus, Membership
from ..permissions import role_label

TEMPLATE = "portfolio/invitation.html"
NOT_A_LINK = (
    "This invitation link is not valid. Check that you copied all of it, or ask the portfolio's owner for a new one."
)
# Django's own backend: the account was just created here, its password checked; the rate limiter has nothing to do.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation and accept it (POST): 404 for a link that is not one, 410 for one that is spent."""
    found = membership_selectors.invitation_for_token(token)
    if found is None:
        return render(request, TEMPLATE, {"problem": NOT_A_LINK}, status=404)
    status = found.status()
    if status != InvitationStatus.PENDING:
        return _unusable(request, found, memberships.InvitationUnusable(status))
    if isinstance(request.user, User):  # signed in (an AnonymousUser otherwise)
        return _accept_as_member(request, found, request.user)
    return _sign_up(request, found)


def _unusable(request: HttpRequest, found: Invitation, error: memberships.InvitationUnusable) -> HttpResponse:
    return render(request, TEMPLATE, {"invitation": found, "problem": str(error), "status": error.status}, status=410)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    messages.success(
        request, f"Welcome to “{membership.portfolio.name}”: you joined as {membership.get_role_display()}."
    )
    return redirect("portfolio:backlog", slug=membership.portfolio.slug)


def _accept_as_member(request: HttpRequest, found: Invitation, user: User) -> HttpResponse:
    """A logged-in user: a button to join; a member already says so (and the invitation stays unused)."""
    current_role: str | None
    if request.method == "POST":
        try:
            return _joined(request, memberships.invitation_accept(invitation=found, user=user))
        except memberships.InvitationUnusable as error:
            return _unusable(request, found, error)
        except memberships.AlreadyMember as error:
            current_role = error.membership.role
    else:
        current_role = membership_selectors.user_role(portfolio=found.portfolio, user=user)
    context = {"invitation": found, "current_role": role_label(current_role) if current_role else None}
    return render(request, TEMPLATE, context)


def _sign_up(request: HttpRequest, found: Invitation) -> HttpResponse:
    """A visitor: create an account (Django's password validators) and join, or log in first and come back."""
    form = SignUpForm(request.POST if request.method == "POST" else None, initial={"email": found.email})
    if request.method == "POST" and form.is_valid():
        try:
            membership = memberships.invitation_accept_as_new_user(
                invitation=found,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
            )
        except memberships.InvitationUnusable as error:
            return _unusable(request, found, error)
        except ValidationError as error:
            add_service_errors(form, error, aliases={"password": "password1"})
        else:
            login(request, membership.user, backend=LOGIN_BACKEND)
            return _joined(request, membership)
    return render(request, TEMPLATE, {"invitation": found, "form": form}, status=400 if form.errors else 200)
