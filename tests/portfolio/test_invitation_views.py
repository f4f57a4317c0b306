"""An invitation's page, reached by its link: a logged-in user joins with one click; a visitor creates an
account there (Django's password validators) and joins; a link that was used, revoked or has expired says
which and changes nothing; a link that is not one is a 404."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio import memberships
from portfolio.models import Invitation, InvitationStatus, Membership, Role

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase 42"


@pytest.fixture
def invited(portfolio, owner_user):
    """An invitation as EM (with an address) and its page's URL."""
    invitation, token = memberships.invitation_create(
        portfolio=portfolio, role=Role.EM, invited_by=owner_user, email="vic@example.com"
    )
    return invitation, reverse("portfolio:invitation", args=[token])


def sign_up(client, url, **data):
    return client.post(
        url, {"username": "vic", "email": "vic@example.com", "password1": PASSWORD, "password2": PASSWORD, **data}
    )


def test_a_logged_in_user_joins_with_one_click(invited, portfolio, outsider_client, outsider):
    invitation, url = invited

    page = outsider_client.get(url).content.decode()
    assert "olive-owner invites you" in page and "Join as Engineering manager" in page
    response = outsider_client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("portfolio:backlog", args=[portfolio.slug]), 302)]
    assert "Welcome to “Trust &amp; Safety ML”: you joined as Engineering manager." in response.content.decode()
    assert Membership.objects.get(user=outsider).role == Role.EM
    invitation.refresh_from_db()
    assert invitation.accepted_by == outsider


def test_a_visitor_creates_an_account_and_joins(invited, portfolio, client):
    _, url = invited

    page = client.get(url).content.decode()
    assert 'name="password1"' in page and 'value="vic@example.com"' in page  # the address is filled in
    assert f"{reverse('login')}?next={url}" in page.replace("%3A", ":")
    response = sign_up(client, url)

    assert response.status_code == 302 and response["Location"] == reverse("portfolio:backlog", args=[portfolio.slug])
    user = get_user_model().objects.get(username="vic")
    assert user.check_password(PASSWORD) and user.email == "vic@example.com"
    assert Membership.objects.get(user=user).role == Role.EM
    assert client.get(reverse("portfolio:feasibility", args=[portfolio.slug])).status_code == 200  # logged in


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"password1": "short", "password2": "short"}, "password2", "too short"),
        ({"password1": "password", "password2": "password"}, "password2", "too common"),
        ({"password2": "something else 42"}, "password2", "didn’t match"),
        ({"username": "PAT-PM"}, "username", "already exists"),
        ({"username": "bad name!"}, "username", "Enter a valid username"),
        ({"email": "nope"}, "email", "valid email"),
    ],
)
def test_a_refused_sign_up_says_why_next_to_the_field_and_creates_nothing(invited, pm_user, client, data, field, words):
    invitation, url = invited

    response = sign_up(client, url, **data)

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index(f'id="id_{field}-errors"') :][:400]
    assert words in errors, html
    assert not get_user_model().objects.filter(username="vic").exists()
    invitation.refresh_from_db()
    assert invitation.status() == InvitationStatus.PENDING


def test_a_used_link_says_so_and_changes_nothing(invited, outsider_client, client):
    _, url = invited
    outsider_client.post(url)

    for response in (client.get(url), sign_up(client, url), outsider_client.post(url)):
        assert response.status_code == 410
        assert "This invitation has already been used." in response.content.decode()
    assert not get_user_model().objects.filter(username="vic").exists()


def test_an_expired_link_says_so(invited, client):
    invitation, url = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = client.get(url)

    assert response.status_code == 410
    html = response.content.decode()
    assert "This invitation has expired." in html and "It expired on" in html


def test_a_revoked_link_says_so(invited, client):
    invitation, url = invited
    memberships.invitation_revoke(invitation=invitation)

    response = client.get(url)
    assert response.status_code == 410 and "revoked by the portfolio" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "WzEsInh4Il0:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1"])
def test_a_link_that_is_not_an_invitation_is_not_found(invited, client, token):
    response = client.get(reverse("portfolio:invitation", args=[token]))
    assert response.status_code == 404 and "This invitation link is not valid" in response.content.decode()


def test_a_member_is_told_they_are_in_already_and_the_link_stays_unused(invited, pm_client):
    invitation, url = invited

    page = pm_client.get(url).content.decode()
    assert "You are already a member of this portfolio, as Product manager." in page
    assert "Join as" not in page
    assert "already a member" in pm_client.post(url).content.decode()
    invitation.refresh_from_db()
    assert invitation.status() == InvitationStatus.PENDING


def test_accepting_needs_the_csrf_token(invited, outsider):
    _, url = invited
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(outsider)

    assert browser.post(url).status_code == 403
    assert sign_up(Client(enforce_csrf_checks=True), url).status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()
