"""Per-user rate limits for expensive GETs (a what-if run draws up to ``WHATIF_MAX_PROJECT_TRIALS`` project-trials
twice): N requests per minute, counted in the cache, answered over the limit with a readable 429 page and
``Retry-After``.

The count lives in the default cache: with ``CACHE_URL`` (Redis) it is shared by every web process; without it
each process counts on its own, so the limit is per process. If the cache cannot be reached the request is let
through: a rate limit must not take the page down with it.
"""

import functools
import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django_htmx.http import HttpResponseClientRedirect

from config.requests import HtmxHttpRequest

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def rate_limited(scope: str, *, setting: str, what: str) -> Callable:
    """Allow each user ``settings.<setting>`` requests per minute to the decorated view (0: no limit). ``what``
    names them on the 429 page ("what-if runs")."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
            limit = getattr(settings, setting)
            wait = seconds_to_wait(scope, request.user.pk, limit) if limit > 0 else 0
            if wait:
                return _too_many_response(request, what=what, limit=limit, wait=wait)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def seconds_to_wait(scope: str, who, limit: int, *, window_seconds: int = WINDOW_SECONDS) -> int:
    """Count this request in ``who``'s (a user id, a token, an address) current window; the seconds until that
    window ends if it is one too many, else 0 (a fixed window: at most 2 x limit in any window's length, and
    nothing to clean up). The API's limits (``api.rest.throttling``) and share links count here too."""
    now = time.time()
    window = int(now // window_seconds)
    key = f"ratelimit:{scope}:{who}:{window_seconds}:{window}"
    try:
        cache.add(key, 0, timeout=window_seconds + 5)
        count = cache.incr(key)
    except Exception:  # the cache is down (or evicted the key between add and incr): let the request through
        logger.warning("rate limit %s not checked: the cache did not answer", scope, exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * window_seconds - now))


def _too_many_response(request: HtmxHttpRequest, *, what: str, limit: int, wait: int) -> HttpResponse:
    """The 429 page. htmx does not swap a 4xx answer, so an htmx request is told to load the page instead."""
    response: HttpResponse
    if request.htmx:
        response = HttpResponseClientRedirect(request.get_full_path())
    else:
        context = {"what": what, "limit": limit, "wait": wait, "path": request.path}
        response = HttpResponse(render_to_string("429.html", context), content_type="text/html; charset=utf-8")
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response
