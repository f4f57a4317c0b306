"""Browser tests: Playwright drives Debian's chromium (see ``browser_type_launch_args`` in tests/conftest.py).

``log_in`` opens a page per person, logged in through the login form; their browser contexts are closed
after the test, so pages left open stop polling the live server before the next test starts.
"""

import os
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

# The sync Playwright API runs an event loop in the test thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WAIT_MS = 20_000  # the status banner polls every STATUS_POLL_SECONDS (1 s here); allow for a slow machine


@pytest.fixture
def log_in(new_context, live_server) -> Callable[[str], Page]:
    """``log_in(username)``: a page in a fresh browser context, logged in through the login form."""

    def logged_in_page(username: str) -> Page:
        page = new_context().new_page()
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    return logged_in_page
