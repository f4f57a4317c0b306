"""The Members page of a portfolio: every member sees who is in it; the owner invites people by link (and
email), changes roles, removes members and revokes invitations. Each change is a plain form POST that
redirects back to the page (works without JavaScript)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from config.requests import AuthenticatedHttpRequest

from .. import membership_selectors, memberships
from ..forms.members import InvitationForm, MemberRoleForm
from ..models import Invitation, Membership, Role
from ..permissions import Access, portfolio_access
from .common import page_context

TEMPLATE = "portfolio/members.html"
# The link of the invitation just created, kept in the session for the one page view that shows it: only a
# hash of its secret is stored, so it cannot be shown again later.
NEW_LINK_SESSION_KEY = "portfolio.new_invitation"


def _render(request: HttpRequest, access: Access, *, invite_form: InvitationForm | None = None, status: int = 200):
    manage = access.can_manage_members
    new_invitation = request.session.get(NEW_LINK_SESSION_KEY)
    if manage and new_invitation and new_invitation.get("slug") == access.portfolio.slug:
        del request.session[NEW_LINK_SESSION_KEY]  # shown once
        new_invitation["expires"] = datetime.datetime.fromisoformat(new_invitation["expires"])
    else:
        new_invitation = None
    context = page_context(
        request,
        access,
        nav="members",
        members=membership_selectors.members(portfolio=access.portfolio),
        invitations=membership_selectors.pending_invitations(portfolio=access.portfolio) if manage else [],
        invite_form=invite_form or InvitationForm(),
        roles=Role.choices,
        new_invitation=new_invitation,
    )
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_safe
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is in the portfolio, with their roles; the owner also sees the invitations and the forms."""
    return _render(request, portfolio_access(request.user, slug))


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Create an invitation; its link is shown once on the page (and emailed when an address is given)."""
    access = portfolio_access(request.user, slug)
    access.require("manage_members")
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render(request, access, invite_form=form, status=400)
    invitation, token = memberships.invitation_create(
        portfolio=access.portfolio,
        role=form.cleaned_data["role"],
        invited_by=request.user,
        email=form.cleaned_data["email"],
    )
    link = request.build_absolute_uri(reverse("portfolio:invitation", args=[token]))
    sent = memberships.invitation_email_send(invitation=invitation, link=link)
    request.session[NEW_LINK_SESSION_KEY] = {
        "slug": slug,
        "link": link,
        "role": invitation.get_role_display(),
        "email": invitation.email,
        "sent": sent,
        "expires": invitation.expires_at.isoformat(),
    }
    return redirect("portfolio:members", slug=slug)


def _membership(access: Access, membership_id: int) -> Membership:
    try:
        return membership_selectors.membership_get(portfolio=access.portfolio, membership_id=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Give a member another role (refused, with a message, for the portfolio's last owner)."""
    access = portfolio_access(request.user, slug)
    access.require("manage_members")
    membership = _membership(access, membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("portfolio:members", slug=slug)
    try:
        changed = memberships.membership_role_change(membership=membership, role=form.cleaned_data["role"])
    except (ValidationError, Membership.DoesNotExist) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"{changed.user.get_username()} is now {changed.get_role_display()}.")
    return redirect("portfolio:members", slug=slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Take a member out of the portfolio (never its last owner); an owner who leaves goes to their list."""
    access = portfolio_access(request.user, slug)
    access.require("manage_members")
    membership = _membership(access, membership_id)
    try:
        memberships.membership_remove(membership=membership)
    except (ValidationError, Membership.DoesNotExist) as error:
        messages.error(request, _message(error))
        return redirect("portfolio:members", slug=slug)
    name = membership.user.get_username()
    if membership.user_id == request.user.pk and not request.user.is_superuser:
        messages.success(request, f"You left “{access.portfolio.name}”.")
        return redirect("portfolio:list")
    messages.success(request, f"{name} is no longer a member of “{access.portfolio.name}”.")
    return redirect("portfolio:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    """Revoke a pending invitation: its link then says so."""
    access = portfolio_access(request.user, slug)
    access.require("manage_members")
    try:
        invitation = membership_selectors.invitation_get(portfolio=access.portfolio, invitation_id=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None
    try:
        memberships.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"The invitation as {invitation.get_role_display()} is revoked.")
    return redirect("portfolio:members", slug=slug)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "That member is no longer in the portfolio."
