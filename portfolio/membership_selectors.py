"""Reads about who is in a portfolio: its members, its pending invitations, an invitation behind a link."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from . import invitation_tokens
from .models import Invitation, Membership, Portfolio, Role

ROLE_ORDER = [Role.OWNER, Role.PM, Role.EM, Role.LEADERSHIP]


def members(*, portfolio: Portfolio) -> list[Membership]:
    """Every member with their user, owners first, then PMs, EMs and leadership, each by username (one query)."""
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)), output_field=IntegerField())
    return list(
        Membership.objects.filter(portfolio=portfolio)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__username")
    )


def pending_invitations(*, portfolio: Portfolio) -> list[Invitation]:
    """Invitations still waiting to be accepted (not used, revoked or expired), newest first (one query)."""
    return list(
        Invitation.objects.filter(
            portfolio=portfolio, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("invited_by")
    )


def membership_get(*, portfolio: Portfolio, membership_id: int) -> Membership:
    """One membership of the portfolio with its user (raises Membership.DoesNotExist)."""
    return Membership.objects.select_related("user").get(portfolio=portfolio, pk=membership_id)


def invitation_get(*, portfolio: Portfolio, invitation_id: int) -> Invitation:
    """One invitation of the portfolio (raises Invitation.DoesNotExist)."""
    return Invitation.objects.get(portfolio=portfolio, pk=invitation_id)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token names, with its portfolio and inviter; None when the token is not valid.

    Found whatever its status (used, revoked, expired), so the page can say which.
    """
    parsed = invitation_tokens.read_token(token)
    if parsed is None:
        return None
    invitation_id, secret = parsed
    invitation = Invitation.objects.select_related("portfolio", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation_tokens.secret_matches(secret, invitation.secret_hash):
        return None
    return invitation


def user_role(*, portfolio: Portfolio, user) -> str | None:
    """The user's role in the portfolio, or None when they are not a member."""
    return Membership.objects.filter(portfolio=portfolio, user=user).values_list("role", flat=True).first()
