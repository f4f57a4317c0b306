"""Writes about who is in a portfolio: invitations (create, email, revoke, accept), role changes and removals.

Only an owner (or a superuser) gets here; the views check that through ``portfolio.permissions``. A portfolio
never loses its last owner: a change that could (demoting or removing an owner) locks the portfolio's row
first, so two owners demoting each other at once cannot both succeed, and is refused with a message.
An invitation is claimed with one conditional UPDATE, so a link accepted twice at once joins one person.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import invitation_tokens
from .models import Invitation, InvitationStatus, Membership, Portfolio, Role

logger = logging.getLogger(__name__)

LAST_OWNER_MESSAGE = "A portfolio must keep at least one owner: make another member an owner first."
UNUSABLE_MESSAGES = {
    InvitationStatus.ACCEPTED: "This invitation has already been used. An invitation link works once: ask the "
    "portfolio's owner for a new one.",
    InvitationStatus.REVOKED: "This invitation was revoked by the portfolio's owner. Ask them for a new one.",
    InvitationStatus.EXPIRED: "This invitation has expired. Ask the portfolio's owner for a new one.",
}


class InvitationUnusable(Exception):
    """The invitation was used, revoked or has expired; ``status`` says which, the message says it to people."""

    def __init__(self, status: InvitationStatus):
        self.status = status
        super().__init__(UNUSABLE_MESSAGES[status])


class AlreadyMember(Exception):
    """The user accepting an invitation is already a member of its portfolio (the invitation stays unused)."""

    def __init__(self, membership: Membership):
        self.membership = membership
        super().__init__(
            f"You are already a member of “{membership.portfolio}” as {membership.get_role_display()}; "
            "ask its owner to change your role if it should be another."
        )


@transaction.atomic
def invitation_create(
    *, portfolio: Portfolio, role: str, invited_by: User, email: str = ""
) -> tuple[Invitation, str]:
    """Invite someone to ``portfolio`` with ``role``; returns the invitation and its link's token.

    The token is returned once and not stored (only a hash of its secret is): the owner copies the link now,
    and ``invitation_email_send`` mails it if an address was given. It expires after
    ``settings.INVITATION_VALID_DAYS`` days.
    """
    secret = invitation_tokens.new_secret()
    invitation = Invitation(
        portfolio=portfolio,
        role=role,
        email=email.strip(),
        invited_by=invited_by,
        secret_hash=invitation_tokens.hash_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    return invitation, invitation_tokens.make_token(invitation_id=invitation.pk, secret=secret)


def invitation_email_send(*, invitation: Invitation, link: str) -> bool:
    """Mail the invitation's link to its address through Django's email backend.

    Returns False, and logs why, when there is no address or the mail could not be handed over (the owner
    still has the link to pass on).
    """
    if not invitation.email:
        return False
    context = {"invitation": invitation, "link": link, "valid_days": settings.INVITATION_VALID_DAYS}
    subject = " ".join(render_to_string("portfolio/email/invitation_subject.txt", context).split())
    body = render_to_string("portfolio/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("invitation %s: mail to %s not sent: %s", invitation.pk, invitation.email, error)
        return False
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    """Revoke an invitation that has not been used yet; its link then says it was revoked."""
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise ValidationError("This invitation was already used or revoked.")


def _claim(invitation: Invitation, user: User) -> None:
    """Mark a pending invitation used by ``user`` (one conditional UPDATE: of two racing accepts, one wins)."""
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        invitation.refresh_from_db()
        raise InvitationUnusable(invitation.status(now))


def _require_pending(invitation: Invitation) -> None:
    status = invitation.status()
    if status != InvitationStatus.PENDING:
        raise InvitationUnusable(status)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """``user`` joins the invitation's portfolio with its role; the invitation is used up.

    Raises InvitationUnusable (used, revoked, expired) or AlreadyMember (the invitation stays unused).
    """
    _require_pending(invitation)
    existing = Membership.objects.select_related("portfolio").filter(portfolio=invitation.portfolio, user=user).first()
    if existing is not None:
        raise AlreadyMember(existing)
    _claim(invitation, user)
    membership = Membership(user=user, portfolio=invitation.portfolio, role=invitation.role)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def invitation_accept_as_new_user(
    *, invitation: Invitation, username: str, password: str, email: str = ""
) -> Membership:
    """Create an account (the password checked by Django's validators) and join with the invitation.

    Nothing is created for an invitation that cannot be used; a refused password or username raises
    ValidationError (``username``, ``email``, ``password``).
    """
    _require_pending(invitation)
    user = get_user_model()(username=username, email=email.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    return invitation_accept(invitation=invitation, user=user)


def _lock_owners(portfolio_id: int) -> int:
    """Lock the portfolio's row (inside the caller's transaction) and count its owners."""
    Portfolio.objects.select_for_update().only("pk").get(pk=portfolio_id)
    return Membership.objects.filter(portfolio_id=portfolio_id, role=Role.OWNER).count()


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str) -> Membership:
    """Give a member another role; refused when it would leave the portfolio without an owner."""
    owners = _lock_owners(membership.portfolio_id)
    current = Membership.objects.select_related("portfolio").get(pk=membership.pk)
    if current.role == Role.OWNER and role != Role.OWNER and owners <= 1:
        raise ValidationError(LAST_OWNER_MESSAGE)
    current.role = role
    current.full_clean()
    current.save(update_fields=["role"])
    return current


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take a member out of the portfolio; refused for its last owner."""
    owners = _lock_owners(membership.portfolio_id)
    current = Membership.objects.get(pk=membership.pk)
    if current.role == Role.OWNER and owners <= 1:
        raise ValidationError(LAST_OWNER_MESSAGE)
    current.delete()
