"""Request types for the views' annotations: with ``htmx`` (django-htmx's middleware sets it on every request) and,
behind ``login_required``, with a signed-in ``user``."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An ``HttpRequest`` as the views see it: with ``htmx``, django-htmx's details of the htmx request (falsy when
    the request did not come from htmx). For type checking only; Django builds the requests."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request of a view behind ``login_required``: its ``user`` is signed in, never anonymous."""

    user: User
