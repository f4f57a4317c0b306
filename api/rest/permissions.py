"""What a caller may do before the portfolio is known: be authenticated, and write only with a read-write token.

Roles in a portfolio are checked by ``access.portfolio_for`` exactly as on the pages (non-members 404, the wrong
role 403).
"""

from rest_framework import permissions

from ..models import ApiToken

READ_ONLY_TOKEN = "This token is read-only: create a read-write token to change anything."


class TokenScope(permissions.BasePermission):
    """Authenticated, and a read-only token only for safe methods (GET, HEAD, OPTIONS)."""

    message = READ_ONLY_TOKEN

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            self.message = "Authentication credentials were not provided."
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only and request.method not in permissions.SAFE_METHODS:
            self.message = READ_ONLY_TOKEN
            return False
        return True
