"""The API's rate limits: ``API_RATE_LIMIT`` requests per token (per user for a session, per address for anyone
else), and what-if runs counted with the page's (``WHATIF_RATE_LIMIT`` a minute per user). Over a limit: 429 with
``Retry-After``. Counted in the cache by ``config.ratelimit`` (shared by every process with ``CACHE_URL``)."""

import re

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from config.middleware import client_ip
from config.ratelimit import seconds_to_wait

from ..models import ApiToken

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "day": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


def parse_rate(text: str) -> tuple[int, int]:
    """("600/min") -> (600 requests, 60 seconds); "0" or "" turns the limit off (0 requests)."""
    if not text or text.strip() == "0":
        return 0, 60
    match = RATE.match(text.lower())
    if match is None or match.group(2) not in PERIODS:
        raise ValueError(f"A rate is N/s, N/min, N/hour or N/day, not {text!r}.")
    return int(match.group(1)), PERIODS[match.group(2)]


def caller_key(request) -> str:
    """Whose count a request adds to: its token, else its user, else its address."""
    if isinstance(request.auth, ApiToken):
        return f"token-{request.auth.pk}"
    if request.user and request.user.is_authenticated:
        return f"user-{request.user.pk}"
    return f"ip-{client_ip(request)}"


class _WaitingThrottle(BaseThrottle):
    """A throttle that remembers how long the caller must wait (DRF sends it as ``Retry-After``)."""

    wait_seconds: int | None = None

    def wait(self):
        return self.wait_seconds


class ApiRateThrottle(_WaitingThrottle):
    """``API_RATE_LIMIT`` (e.g. "600/min") per token, session user or address."""

    def allow_request(self, request, view) -> bool:
        limit, period = parse_rate(settings.API_RATE_LIMIT)
        if limit <= 0:
            return True
        self.wait_seconds = seconds_to_wait("api", caller_key(request), limit, window_seconds=period)
        return not self.wait_seconds


class WhatIfThrottle(_WaitingThrottle):
    """What-if runs a user may start per minute, counted together with the roadmap page's (``WHATIF_RATE_LIMIT``)."""

    def allow_request(self, request, view) -> bool:
        limit = settings.WHATIF_RATE_LIMIT
        if limit <= 0 or request.method != "POST":
            return True
        self.wait_seconds = seconds_to_wait("whatif", request.user.pk, limit)
        return not self.wait_seconds
