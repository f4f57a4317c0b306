"""The portfolio a request is about, with the caller's role: ``portfolio.permissions`` decides, as on the pages."""

from django.http import Http404
from rest_framework.exceptions import NotFound

from portfolio.permissions import Access, portfolio_access


def portfolio_for(request, slug: str, action: str | None = None) -> Access:
    """The caller's access to the portfolio ``slug``: 404 for a non-member, 403 when ``action`` is not allowed."""
    try:
        access = portfolio_access(request.user, slug)
    except Http404:
        raise NotFound("No such portfolio, or you are not a member of it.") from None
    if action is not None:
        access.require(action)
    return access
