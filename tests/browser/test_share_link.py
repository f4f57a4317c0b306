"""A share link in a real browser: it opens the chart without logging in, and stops working once revoked."""

import pytest
from playwright.sync_api import expect

from roadmap.services.recompute import portfolio_recompute
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_share_link_opens_without_login_and_stops_once_revoked(world, log_in, new_context, live_server):
    MembershipFactory(user=UserFactory(username="pat-pm"), portfolio=world["portfolio"], role="pm")
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    pm = log_in("pat-pm")
    pm.goto(live_server.url + f"/p/{world['slug']}/settings/")
    pm.get_by_role("link", name="Share links").click()
    pm.select_option("select[name=page]", "chart")
    pm.get_by_role("button", name="Create link").click()
    link = pm.locator("#share-link").input_value()

    visitor = new_context().new_page()  # no session: a person without an account
    visitor.goto(link)
    expect(visitor.locator("#shared-note")).to_contain_text("shared by pat-pm")
    expect(visitor.locator("#shared-ranking")).to_contain_text("Language identification")
    expect(visitor.locator("form")).to_have_count(0)

    pm.get_by_role("button", name="Revoke").click()
    expect(pm.locator("#share-links")).to_contain_text("revoked")
    response = visitor.goto(link)
    assert response.status == 404
    expect(visitor.locator("h1")).to_contain_text("does not open anything")
