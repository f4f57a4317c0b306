"""Who calls the API: ``Authorization: Bearer <token>`` (``api.tokens``), or a logged-in browser's session with its
CSRF token (Django REST framework's ``SessionAuthentication``)."""

from rest_framework import authentication, exceptions

from .. import tokens


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer mlp_…``; a header that names another scheme is left to the next authenticator.

    ``request.auth`` is the ``ApiToken`` (its ``read_only`` is checked by ``permissions.TokenScope``).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1", errors="replace")
        scheme, _, text = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = tokens.token_authenticate(text.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid (unknown, revoked, or its user is inactive).")
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated request a 401 with this challenge (not a 403).
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session; unsafe methods need the CSRF token (``X-CSRFToken``), as on the pages."""
