"""Request-edge safety nets: a clear 503 page while the database is not answering, the client's address, request
bodies capped before they are read (413), and responses that no browser or proxy keeps.

PostgreSQL can be unreachable for a moment (a restart, a failover, a network blip). A request that hits
it then must not show a traceback or a bare 500: it gets a 503 page saying what happened and when to try
again, with a ``Retry-After`` header. Nothing needs restarting afterwards: Django closes a connection that
raised an error at the end of the request, and ``CONN_HEALTH_CHECKS`` checks a reused connection before
the next request, so the first request after the database is back simply opens a new one.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from portfolio.collisions import SaveCollision, is_collision

logger = logging.getLogger(__name__)

DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
_FAULT_MARK = "_planner_database_fault"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page. Rendered without the request, so no context processor touches the session or the user."""
    try:
        body: str = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS, "path": request.path})
    except Exception:  # the page must come out even if the template cannot be rendered
        logger.exception("rendering 503.html failed")
        body = "<!doctype html><title>Database unavailable</title><h1>The database is not answering</h1>"
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def save_collision_response(request: HttpRequest) -> HttpResponse:
    """409: a write collided with another at the database (a deadlock, a serialization failure) more times than
    it is retried (``portfolio.collisions``). Nothing was saved and the database is fine: say so, not "down"."""
    body = render_to_string("409.html", {"message": str(SaveCollision()), "path": request.path})
    response = HttpResponse(body, status=409, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _note_database_fault(sender, request=None, **kwargs) -> None:
    """Mark the request when the exception being handled (outside a view, e.g. saving the session) is a DB fault."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_FAULTS):
        setattr(request, _FAULT_MARK, True)


got_request_exception.connect(_note_database_fault, dispatch_uid="planner-database-fault")


class DatabaseFaultMiddleware:
    """Turn ``OperationalError`` / ``InterfaceError`` from anywhere in a request into the 503 page.

    ``process_exception`` catches faults raised by views (and by lazily rendered template responses);
    ``__call__`` catches those raised in the response phase of inner middleware (e.g. the session save),
    which Django has already turned into a 500 by the time they reach us. Place it right after
    ``SecurityMiddleware`` so every other layer is inside it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FAULT_MARK, False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SaveCollision) or is_collision(exception):
            return save_collision_response(request)
        if not isinstance(exception, DATABASE_FAULTS):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login rate limiting (django-axes).

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) ``REMOTE_ADDR`` is the proxy itself, so the right-most
    ``X-Forwarded-For`` entry, the one our proxy appended, is used; entries left of it are client-supplied
    and could be forged to dodge the lockout.
    """
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.META.get("REMOTE_ADDR")


class VaryOnHtmxMiddleware:
    """Say that responses depend on the ``HX-Request`` header (``Vary: HX-Request``).

    A page and the htmx request for one of its parts share a URL (``hx-push-url`` puts the table's URL in
    the history), and the view answers the first with the page and the second with the part. Without this,
    a browser's or proxy's cache could serve the part where the page belongs, e.g. on Back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is over its cap with a 413 page, from its ``Content-Length``, before anything
    reads it (the CSRF check reads the form, so this runs before it: place it above ``CsrfViewMiddleware``).

    The cap is ``DATA_UPLOAD_MAX_MEMORY_SIZE`` everywhere except the CSV upload, which may carry a file of
    ``IMPORT_MAX_BYTES`` plus the form around it (``IMPORT_FORM_OVERHEAD_BYTES``). Django would count a form's
    fields only while parsing them (and answer 400), and would stream any file to a temporary file whatever its
    size. A file just over ``IMPORT_MAX_BYTES`` but within the request's cap is refused by the form, next to the
    file field, with its size.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:  # Django reads such a body as empty
            return None
        if request.resolver_match and request.resolver_match.view_name == "portfolio:import":
            cap, shown = settings.IMPORT_MAX_BYTES + settings.IMPORT_FORM_OVERHEAD_BYTES, settings.IMPORT_MAX_BYTES
        else:
            cap = shown = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if declared <= cap:
            return None
        logger.warning("refused a %s-byte %s %s (cap %s bytes)", declared, request.method, request.path, cap)
        return _too_large_response(request, declared, shown)


def _too_large_response(request: HttpRequest, declared: int, limit: int) -> HttpResponse:
    """The 413 page, rendered without the request (nothing of the session or the body is touched)."""
    context = {"size": filesizeformat(declared), "limit": filesizeformat(limit), "path": request.path}
    response = HttpResponse(render_to_string("413.html", context), status=413, content_type="text/html; charset=utf-8")
    response["Connection"] = "close"  # the unread body is not worth reading to keep the connection
    return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response Django makes: pages, htmx parts and downloads show a
    portfolio's figures to its members only, so no shared proxy may keep them and no browser may store them on
    disk (Back shows them again from memory). Static files are served by WhiteNoise above this middleware and
    keep their far-future cache headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "private, no-store"
        return response
