"""Who may do what: a membership gives a role per portfolio; anyone else gets 404, not 403.

PMs edit projects, estimates, reuse links and settings; EMs record feasibility assessments;
leadership read everything and edit nothing. Superusers see every portfolio and may do everything.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Portfolio, Role

ACTIONS = {
    "edit_projects": frozenset({Role.PM}),
    "edit_links": frozenset({Role.PM}),
    "edit_settings": frozenset({Role.PM}),
    "import": frozenset({Role.PM}),
    "assess": frozenset({Role.EM}),
}
SUPERUSER_ROLE = "admin"


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

    def require(self, action: str) -> None:
        """Raise 403 when the member's role does not allow ``action``."""
        if not self.can(action):
            raise PermissionDenied(f"Your role ({self.role}) cannot do this.")


def portfolio_access(user, slug: str) -> Access:
    """The portfolio named by ``slug`` with the user's role in it; 404 for non-members."""
    if not user.is_authenticated:
        raise Http404
    try:
        portfolio = Portfolio.objects.get(slug=slug)
    except Portfolio.DoesNotExist:
        raise Http404 from None
    if user.is_superuser:
        return Access(portfolio, SUPERUSER_ROLE)
    role = Membership.objects.filter(user=user, portfolio=portfolio).values_list("role", flat=True).first()
    if role is None:
        raise Http404
    return Access(portfolio, role)
