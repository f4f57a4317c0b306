"""Who may do what: a membership gives a role per portfolio; anyone else gets 404, not 403.

PMs edit projects, estimates, reuse links and settings; EMs record feasibility assessments and the progress of
projects being built; PMs and EMs record outcomes;
leadership read everything and edit nothing. Owners do what PMs do and also manage the members
(invitations, roles, removals). Every member sees who the members are. Superusers see every
portfolio and may do everything.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from .models import Membership, Portfolio, Role

PRODUCT_ROLES = frozenset({Role.OWNER, Role.PM})  # an owner can do whatever a PM can
ACTIONS = {
    "edit_projects": PRODUCT_ROLES,
    "edit_links": PRODUCT_ROLES,
    "edit_settings": PRODUCT_ROLES,
    "import": PRODUCT_ROLES,
    "assess": frozenset({Role.EM}),
    "record_progress": frozenset({Role.EM}),
    "record_outcome": PRODUCT_ROLES | {Role.EM},
    "manage_members": frozenset({Role.OWNER}),
}
SUPERUSER_ROLE = "admin"
SUPERUSER_LABEL = "Superuser"


def role_label(role: str) -> str:
    """How a role is written for people: "Product manager", not "pm"."""
    return SUPERUSER_LABEL if role == SUPERUSER_ROLE else Role(role).label


class RoleDenied(PermissionDenied):
    """A member's role does not allow an action (403). Carries both, so the log line can say why."""

    def __init__(self, *, role: str, action: str):
        self.role = role
        self.action = action
        super().__init__(f"Your role ({role_label(role)}) cannot do this.")


@dataclass(frozen=True)
class Access:
    """A user's standing in one portfolio, passed to views and templates."""

    portfolio: Portfolio
    role: str

    def can(self, action: str) -> bool:
        return self.role == SUPERUSER_ROLE or self.role in ACTIONS[action]

    @property
    def can_edit(self) -> bool:
        return self.can("edit_projects")

    @property
    def can_assess(self) -> bool:
        return self.can("assess")

    @property
    def can_record_progress(self) -> bool:
        return self.can("record_progress")

    @property
    def can_record_outcome(self) -> bool:
        return self.can("record_outcome")

    @property
    def can_manage_members(self) -> bool:
        return self.can("manage_members")

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def require(self, action: str) -> None:
        """Raise 403 when the member's role does not allow ``action``."""
        if not self.can(action):
            raise RoleDenied(role=self.role, action=action)


def portfolio_access(user, slug: str) -> Access:
    """The portfolio named by ``slug`` with the user's role in it; 404 for non-members."""
    if not user.is_authenticated:
        raise Http404
    # One query: the portfolio with the user's role in it (NULL for a non-member).
    role_in_it = Membership.objects.filter(user=user.pk, portfolio=OuterRef("pk")).values("role")[:1]
    portfolio = Portfolio.objects.filter(slug=slug).annotate(member_role=Subquery(role_in_it)).first()
    if portfolio is None:
        raise Http404
    if user.is_superuser:
        return Access(portfolio, SUPERUSER_ROLE)
    if portfolio.member_role is None:
        raise Http404
    return Access(portfolio, portfolio.member_role)
