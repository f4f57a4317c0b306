"""Who is in a portfolio: the roles, a user's membership with one role, and invitations to join.

Re-exported by ``portfolio.models`` (import them from there); they live apart so the backlog's models module
stays one job. Writes go through ``portfolio.memberships``; what each role may do is ``portfolio.permissions``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    """A member's role in one portfolio. An owner does everything a PM does and also manages the members."""

    OWNER = "owner", "Owner"
    PM = "pm", "Product manager"
    EM = "em", "Engineering manager"
    LEADERSHIP = "leadership", "Leadership"


class Membership(models.Model):
    """A user's role in one portfolio. Users see only portfolios they are members of.

    A portfolio always keeps at least one owner: ``portfolio.memberships`` refuses the change or removal
    that would leave it without one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "portfolio"], name="one_role_per_portfolio")]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()} of {self.portfolio}"


class InvitationStatus(models.TextChoices):
    """Where an invitation stands; only a pending one can be accepted."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Already used"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """An owner's invitation to join a portfolio with a role, passed on as a link (and by email if given).

    The link's token is signed and names the invitation and a random secret; only the secret's SHA-256
    (``secret_hash``) is stored, so neither the database nor the secret key alone can rebuild a link (see
    ``portfolio.invitation_tokens``). It is used once (``accepted_at``), until ``expires_at``, unless the
    owner revokes it first (``revoked_at``).
    """

    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=12, choices=Role.choices)
    email = models.EmailField(blank=True, help_text="Where the link was sent (optional).")
    secret_hash = models.CharField(max_length=64, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True), name="invitation_used_or_revoked"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.portfolio} as {self.get_role_display()}"

    def status(self, now: datetime.datetime | None = None) -> InvitationStatus:
        """Pending, used, revoked or expired (at ``now``, default: the current time)."""
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
