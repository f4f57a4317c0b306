"""The Members page and creating a portfolio: every member sees who is in it (with role names people read),
only the owner invites, changes roles, removes and revokes; the invitation link is shown once, and mailed when
an address is given; the last owner cannot go; any logged-in user creates a portfolio and owns it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from portfolio.models import Invitation, Membership, Portfolio, Role
from tests.factories import MembershipFactory, PortfolioFactory

pytestmark = pytest.mark.django_db


def members_url(portfolio) -> str:
    return reverse("portfolio:members", args=[portfolio.slug])


def invite(client, portfolio, **data):
    return client.post(reverse("portfolio:invite", args=[portfolio.slug]), {"role": "em", "email": "", **data})


def shown_link(html: str) -> str:
    match = re.search(r'id="invitation-link" value="([^"]+)"', html)
    return match.group(1) if match else ""


@pytest.mark.parametrize("role", ["owner", "pm", "em", "leadership"])
def test_every_member_sees_who_is_in_the_portfolio(portfolio, role_clients, role):
    html = role_clients[role].get(members_url(portfolio)).content.decode()

    for username, label in [
        ("olive-owner", "Owner"),
        ("pat-pm", "Product manager"),
        ("erin-em", "Engineering manager"),
        ("lee-lead", "Leadership"),
    ]:
        assert re.search(rf'data-member="{username}">.*?{label}', html, re.S), (username, label)
    assert "olga-outsider" not in html
    manages = role == "owner"
    assert (reverse("portfolio:invite", args=[portfolio.slug]) in html) is manages
    assert ('name="role"' in html) is manages
    assert ("pat-pm@example.com" in html) is manages  # addresses are for the owner's eyes


def test_the_members_page_runs_the_same_queries_for_4_and_40_members(
    portfolio, owner_client, django_assert_max_num_queries
):
    owner_client.get(members_url(portfolio))  # warm the session
    with django_assert_max_num_queries(12) as small:
        owner_client.get(members_url(portfolio))
    users = get_user_model().objects.bulk_create(get_user_model()(username=f"member-{n:02d}") for n in range(36))
    Membership.objects.bulk_create(Membership(portfolio=portfolio, user=user, role="em") for user in users)
    with django_assert_max_num_queries(len(small.captured_queries)):
        owner_client.get(members_url(portfolio))


def test_the_owner_invites_and_sees_the_link_once(portfolio, owner_client, client):
    response = invite(owner_client, portfolio, role="em", email="newbie@example.com")

    assert response.status_code == 302 and response["Location"] == members_url(portfolio)
    html = owner_client.get(members_url(portfolio)).content.decode()
    link = shown_link(html)
    assert link.startswith("http://testserver/invitations/")
    assert "The link was also emailed to newbie@example.com" in html
    (message,) = mail.outbox
    assert link in message.body and message.to == ["newbie@example.com"]
    assert shown_link(owner_client.get(members_url(portfolio)).content.decode()) == ""  # shown once
    assert "Join “Trust &amp; Safety ML”" in client.get(link).content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.email, invitation.invited_by.username) == (
        "em",
        "newbie@example.com",
        "olive-owner",
    )


def test_an_invitation_without_an_address_is_only_a_link(portfolio, owner_client):
    invite(owner_client, portfolio, role="leadership")

    html = owner_client.get(members_url(portfolio)).content.decode()
    assert shown_link(html) and "emailed" not in html and mail.outbox == []
    assert re.search(r'id="invitations".*?Leadership', html, re.S)


def test_a_bad_address_is_refused_next_to_its_field(portfolio, owner_client):
    response = invite(owner_client, portfolio, email="not an address")

    assert response.status_code == 400
    assert re.search(r'id="id_email-errors">.*?valid email', response.content.decode(), re.S)
    assert not Invitation.objects.exists()


def test_the_owner_changes_a_role(portfolio, owner_client, em_user):
    membership = Membership.objects.get(user=em_user)
    url = reverse("portfolio:member-role", args=[portfolio.slug, membership.pk])

    response = owner_client.post(url, {"role": "pm"}, follow=True)

    assert "erin-em is now Product manager." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PM


def test_the_last_owner_cannot_step_down_or_leave(portfolio, owner_client, owner_user):
    membership = Membership.objects.get(user=owner_user)

    for url, data in [
        (reverse("portfolio:member-role", args=[portfolio.slug, membership.pk]), {"role": "pm"}),
        (reverse("portfolio:member-remove", args=[portfolio.slug, membership.pk]), {}),
    ]:
        html = owner_client.post(url, data, follow=True).content.decode()
        assert "A portfolio must keep at least one owner: make another member an owner first." in html
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_the_owner_removes_a_member_who_then_gets_404(portfolio, owner_client, em_user, em_client):
    membership = Membership.objects.get(user=em_user)

    response = owner_client.post(reverse("portfolio:member-remove", args=[portfolio.slug, membership.pk]), follow=True)

    assert "erin-em is no longer a member of “Trust &amp; Safety ML”." in response.content.decode()
    assert em_client.get(reverse("portfolio:backlog", args=[portfolio.slug])).status_code == 404


def test_an_owner_who_leaves_goes_back_to_their_portfolios(portfolio, owner_client, owner_user, pm_user):
    Membership.objects.filter(user=pm_user).update(role=Role.OWNER)
    mine = Membership.objects.get(user=owner_user)

    response = owner_client.post(reverse("portfolio:member-remove", args=[portfolio.slug, mine.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portfolio:list")
    assert "You left “Trust &amp; Safety ML”." in response.content.decode()


def test_revoking_an_invitation_makes_its_link_say_so(portfolio, owner_client, client):
    invite(owner_client, portfolio)
    link = shown_link(owner_client.get(members_url(portfolio)).content.decode())
    invitation = Invitation.objects.get()

    owner_client.post(reverse("portfolio:invitation-revoke", args=[portfolio.slug, invitation.pk]))

    response = client.get(link)
    assert response.status_code == 410 and "revoked" in response.content.decode()
    assert 'id="invitations"' not in owner_client.get(members_url(portfolio)).content.decode()


def test_members_and_invitations_of_another_portfolio_are_not_found(portfolio, owner_client, owner_user):
    other = PortfolioFactory()
    stranger = MembershipFactory(portfolio=other, role="em")
    invitation = Invitation.objects.create(
        portfolio=other, role="em", secret_hash="0" * 64, expires_at="2999-01-01T00:00Z"
    )

    for url in [
        reverse("portfolio:member-role", args=[portfolio.slug, stranger.pk]),
        reverse("portfolio:member-remove", args=[portfolio.slug, stranger.pk]),
        reverse("portfolio:invitation-revoke", args=[portfolio.slug, invitation.pk]),
    ]:
        assert owner_client.post(url, {"role": "pm"}).status_code == 404, url
    assert Membership.objects.get(pk=stranger.pk).role == "em"


def test_the_header_names_the_user_once_and_their_role_in_words(portfolio, pm_client):
    html = pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug])).content.decode()
    header = html[html.index('<div class="user">') : html.index("</header>")]

    assert header.count("pat-pm") == 1
    assert ">Product manager<" in header and ">pm<" not in header
    assert reverse("password_change") in header and "Change password" in header


def test_the_portfolio_list_names_roles_in_words(portfolio, owner_client):
    html = owner_client.get(reverse("portfolio:list")).content.decode()
    assert "<td>Owner</td>" in html and reverse("portfolio:create") in html


# --- creating a portfolio -------------------------------------------------------------------------------------------


def test_any_user_creates_a_portfolio_and_owns_it(outsider_client, outsider):
    response = outsider_client.post(
        reverse("portfolio:create"), {"name": "  Growth ML ", "description": "Sign-ups.", "value_unit": "M€"}
    )

    portfolio = Portfolio.objects.get(name="Growth ML")
    assert response.status_code == 302 and response["Location"] == members_url(portfolio)
    assert (portfolio.slug, portfolio.description, portfolio.value_unit, portfolio.trials) == (
        "growth-ml",
        "Sign-ups.",
        "M€",
        2000,
    )
    assert Membership.objects.get(portfolio=portfolio).user == outsider
    assert Membership.objects.get(portfolio=portfolio).role == Role.OWNER
    assert outsider_client.get(reverse("portfolio:settings", args=[portfolio.slug])).status_code == 200


def test_a_portfolio_name_must_be_new_and_given(portfolio, outsider_client):
    for name, words in [("Trust & Safety ML", "already exists"), ("   ", "This field is required")]:
        response = outsider_client.post(reverse("portfolio:create"), {"name": name, "value_unit": "k$"})
        assert response.status_code == 400
        assert re.search(rf'id="id_name-errors">.*?{words}', response.content.decode(), re.S), name
    assert Portfolio.objects.count() == 1
