"""What every portfolio page needs: the user's access and the status of the figures."""

from django.conf import settings
from django.http import HttpRequest

from roadmap.selectors.snapshots import UNREAD, figures_status

from ..permissions import Access


def page_context(request: HttpRequest, access: Access, nav: str, *, latest: object = UNREAD, **extra) -> dict:
    """Context shared by all portfolio pages (the base template shows the figures' status and polls it).
    ``latest``: the portfolio's latest snapshot, when the page has just read it."""
    return {
        "access": access,
        "portfolio": access.portfolio,
        "nav": nav,
        "figures": figures_status(portfolio=access.portfolio, latest=latest),
        "poll_seconds": settings.STATUS_POLL_SECONDS,
        **extra,
    }
