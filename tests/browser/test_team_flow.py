"""A team set up in the app, in a real Chromium: someone creates a portfolio (and so owns it), adds a project
and invites an engineering manager by link; the EM, who has no account yet, opens the link, creates one there,
joins, and assesses the project. Nothing goes through the admin.

Recomputes run in-process here (eager Celery).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from portfolio.models import Membership, Portfolio
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = "Spam classifier for posts"
NEW_PASSWORD = "labelled data 4 ever"


def test_an_owner_creates_a_portfolio_invites_an_em_who_signs_up_and_assesses(log_in, new_context, live_server):
    UserFactory(username="olive-owner")

    # Anyone logged in can create a portfolio; its creator owns it and lands on its Members page.
    owner = log_in("olive-owner")
    owner.get_by_role("link", name="New portfolio").click()
    owner.fill("input[name=name]", "Growth ML")
    owner.fill("textarea[name=description]", "Sign-ups and activation.")
    owner.fill("input[name=value_unit]", "M€")
    owner.get_by_role("button", name="Create portfolio").click()
    expect(owner.locator(".messages")).to_contain_text("you are its owner")
    expect(owner.locator("header .role")).to_have_text("Owner")
    expect(owner.locator("#members tr[data-member=olive-owner]")).to_contain_text("Owner")
    slug = Portfolio.objects.get(name="Growth ML").slug

    # An owner does what a PM does: adds a project from the backlog.
    owner.get_by_role("link", name="Backlog").click()
    create = owner.locator("#project-create")
    create.locator("[name=name]").fill(PROJECT)
    create.locator("[name=impact_low]").fill("1")
    create.locator("[name=impact_likely]").fill("2")
    create.locator("[name=impact_high]").fill("4")
    create.locator("button[type=submit]").click()
    expect(owner.locator("#project-table")).to_contain_text(PROJECT)

    # The owner invites an EM; the link is shown to copy (and mailed, since an address is given).
    owner.get_by_role("link", name="Members").click()
    owner.select_option("#invite-form select[name=role]", "em")
    owner.fill("#invite-form input[name=email]", "erin@example.com")
    owner.get_by_role("button", name="Create invitation link").click()
    link = owner.locator("#invitation-link").input_value()
    assert link.startswith(live_server.url + "/invitations/")
    assert [message.to for message in mail.outbox] == [["erin@example.com"]] and link in mail.outbox[0].body

    # The EM has no account: they create one on the invitation's page and join.
    em = new_context().new_page()
    em.goto(link)
    expect(em.get_by_role("heading", name="Join “Growth ML”")).to_be_visible()
    expect(em.locator("input[name=email]")).to_have_value("erin@example.com")
    em.fill("input[name=username]", "erin-em")
    em.fill("input[name=password1]", NEW_PASSWORD)
    em.fill("input[name=password2]", NEW_PASSWORD)
    em.get_by_role("button", name="Create my account and join").click()
    expect(em.locator(".messages")).to_contain_text("you joined as Engineering manager")
    expect(em.locator("header .username")).to_have_text("erin-em")
    expect(em.locator("header .role")).to_have_text("Engineering manager")

    # ...and assesses the project from the feasibility queue.
    em.get_by_role("link", name="Feasibility queue").click()
    em.locator("tr", has_text=PROJECT).get_by_role("link", name=re.compile("Assess")).first.click()
    em.locator("input[name=tag][value=easy]").check()
    em.locator("[name=effort_low]").fill("2")
    em.locator("[name=effort_likely]").fill("3")
    em.locator("[name=effort_high]").fill("6")
    em.get_by_role("button", name="Record assessment").click()
    expect(em.locator(".messages")).to_contain_text(f"Assessment of “{PROJECT}” recorded: easy.")

    # The link is spent; the owner sees the new member.
    em.goto(link)
    expect(em.locator("#invitation-problem")).to_contain_text("already been used")
    owner.goto(live_server.url + reverse("portfolio:members", args=[slug]))
    expect(owner.locator("#members tr[data-member=erin-em]")).to_contain_text("Engineering manager")
    assert Membership.objects.get(user__username="erin-em").role == "em"
