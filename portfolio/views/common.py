"""What every portfolio page needs: the user's access and the status of the figures."""

from django.conf import settings
from django.http import HttpRequest

from roadmap.selectors.snapshots import UNREAD, figures_status

from ..permissions import Access


def page_context(request: HttpRequest, access: Access, nav: str, *, latest: object = UNREAD, **extra) -> dict:
    """Context shared by all portfolio pages (the base template shows the figures' status and polls it).
    ``latest``: the portfolio's latest snapshot, when the page has just read it."""
    figures = figures_status(portfolio=access.portfolio, latest=latest)
    return partial_context(access, nav, **{"figures": figures, "poll_seconds": settings.STATUS_POLL_SECONDS, **extra})


def partial_context(access: Access, nav: str, **extra) -> dict:
    """Context of a partial swapped into a portfolio page (a backlog row): the page's, without the figures' status
    that only the base template shows (two queries for nothing)."""
    return {"access": access, "portfolio": access.portfolio, "nav": nav, **extra}
