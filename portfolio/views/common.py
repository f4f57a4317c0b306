"""What every portfolio page needs: the user's access and the status of the figures; a project of the portfolio."""

from django.conf import settings
from django.http import Http404, HttpRequest

from roadmap.selectors.snapshots import UNREAD, figures_status

from .. import selectors
from ..models import Project
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


def project_or_404(access: Access, pk: int, *, detail: bool = False) -> Project:
    """The portfolio's project ``pk``, or a 404 (an id of another portfolio's project too). ``detail``: with what
    its page shows (``selectors.project_detail``)."""
    read = selectors.project_detail if detail else selectors.project_get
    try:
        return read(portfolio=access.portfolio, project_id=pk)
    except Project.DoesNotExist:
        raise Http404 from None
