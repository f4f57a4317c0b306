"""Member and invitation services: invitations are single-use, expire and can be revoked; accepting joins with
the invitation's role (a visitor creates an account, password checked by Django's validators); a portfolio
never loses its last owner; creating a portfolio makes its creator the owner."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from portfolio import invitation_tokens, membership_selectors, memberships, services
from portfolio.models import Invitation, InvitationStatus, Membership, Portfolio, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(portfolio, owner_user):
    """A pending invitation as EM and its link's token."""
    return memberships.invitation_create(portfolio=portfolio, role=Role.EM, invited_by=owner_user)


# --- creating a portfolio -------------------------------------------------------------------------------------


def test_the_creator_of_a_portfolio_is_its_owner():
    creator = UserFactory(username="cara")
    portfolio = services.portfolio_create(name="Growth ML", owner=creator, value_unit="M€")

    assert Membership.objects.get(portfolio=portfolio).role == Role.OWNER
    assert (portfolio.slug, portfolio.value_unit) == ("growth-ml", "M€")


def test_a_new_portfolio_gets_a_slug_no_other_has():
    services.portfolio_create(name="Growth ML")
    services.portfolio_create(name="growth-ml")
    services.portfolio_create(name="Growth  ML!")

    assert set(Portfolio.objects.values_list("slug", flat=True)) >= {
        "growth-ml",
        "growth-ml-2",
        "growth-ml-3",
    }


# --- invitations and their tokens -------------------------------------------------------------------------------


def test_an_invitation_stores_only_a_hash_of_its_links_secret(invited, settings):
    invitation, token = invited
    invitation_id, secret = invitation_tokens.read_token(token)

    assert invitation_id == invitation.pk
    assert secret not in token.split(":")[-1]  # the signature is not the secret
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert secret not in {str(value) for value in stored.values()}
    assert stored["secret_hash"] == invitation_tokens.hash_secret(secret)
    expected_expiry = timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    assert abs((invitation.expires_at - expected_expiry).total_seconds()) < 60


def test_a_link_finds_its_invitation_and_nothing_else_does(invited, portfolio, owner_user):
    invitation, token = invited
    other, other_token = memberships.invitation_create(portfolio=portfolio, role=Role.PM, invited_by=owner_user)
    _, other_secret = invitation_tokens.read_token(other_token)

    assert membership_selectors.invitation_for_token(token) == invitation
    forged_with_the_key = invitation_tokens.make_token(invitation_id=invitation.pk, secret=other_secret)
    assert membership_selectors.invitation_for_token(forged_with_the_key) is None  # the secret belongs to another
    assert membership_selectors.invitation_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert membership_selectors.invitation_for_token(token[:20]) is None
    other_salt = signing.Signer(salt="something.else").sign_object([invitation.pk, "x"])
    assert membership_selectors.invitation_for_token(other_salt) is None
    assert membership_selectors.invitation_for_token("") is None


def test_an_invitation_is_emailed_when_it_has_an_address(portfolio, owner_user):
    invitation, token = memberships.invitation_create(
        portfolio=portfolio, role=Role.LEADERSHIP, invited_by=owner_user, email=" lee@example.com "
    )
    link = f"http://testserver/invitations/{token}/"

    assert memberships.invitation_email_send(invitation=invitation, link=link) is True
    (message,) = mail.outbox
    assert message.to == ["lee@example.com"] and portfolio.name in message.subject
    assert link in message.body and "Leadership" in message.body and "olive-owner" in message.body


def test_an_invitation_without_an_address_sends_nothing(invited):
    invitation, token = invited
    assert memberships.invitation_email_send(invitation=invitation, link=token) is False
    assert mail.outbox == []


def test_a_mail_server_that_refuses_is_logged_and_reported(portfolio, owner_user, monkeypatch, caplog):
    invitation, token = memberships.invitation_create(
        portfolio=portfolio, role=Role.EM, invited_by=owner_user, email="erin@example.com"
    )

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(memberships, "send_mail", refuse)
    assert memberships.invitation_email_send(invitation=invitation, link=token) is False
    assert "not sent" in caplog.text and "erin@example.com" in caplog.text


def test_a_bad_email_address_is_refused(portfolio, owner_user):
    with pytest.raises(ValidationError) as error:
        memberships.invitation_create(portfolio=portfolio, role=Role.EM, invited_by=owner_user, email="not-an-email")
    assert "email" in error.value.message_dict
    assert not Invitation.objects.exists()


# --- accepting ----------------------------------------------------------------------------------------------------


def test_accepting_joins_with_the_invitations_role_and_uses_it_up(invited, portfolio):
    invitation, _ = invited
    newcomer = UserFactory(username="nia")

    membership = memberships.invitation_accept(invitation=invitation, user=newcomer)

    assert (membership.portfolio, membership.role) == (portfolio, Role.EM)
    invitation.refresh_from_db()
    assert invitation.status() == InvitationStatus.ACCEPTED and invitation.accepted_by == newcomer


def test_an_invitation_works_once(invited):
    invitation, _ = invited
    memberships.invitation_accept(invitation=invitation, user=UserFactory(username="first"))

    with pytest.raises(memberships.InvitationUnusable) as error:
        memberships.invitation_accept(invitation=invitation, user=UserFactory(username="second"))
    assert error.value.status == InvitationStatus.ACCEPTED and "already been used" in str(error.value)
    assert not Membership.objects.filter(user__username="second").exists()


def test_a_link_accepted_twice_at_once_joins_one_person(invited):
    """Both requests loaded the invitation while it was pending; the conditional claim lets one through."""
    invitation, _ = invited
    stale = Invitation.objects.get(pk=invitation.pk)
    memberships.invitation_accept(invitation=invitation, user=UserFactory(username="first"))

    with pytest.raises(memberships.InvitationUnusable):
        memberships.invitation_accept(invitation=stale, user=UserFactory(username="second"))
    assert not Membership.objects.filter(user__username="second").exists()


@pytest.mark.parametrize(
    ("spoil", "status", "words"),
    [
        (lambda i: i.__class__.objects.filter(pk=i.pk).update(revoked_at=timezone.now()), "revoked", "revoked"),
        (
            lambda i: i.__class__.objects.filter(pk=i.pk).update(expires_at=timezone.now() - datetime.timedelta(1)),
            "expired",
            "expired",
        ),
    ],
)
def test_a_revoked_or_expired_invitation_is_refused(invited, spoil, status, words):
    invitation, _ = invited
    spoil(invitation)
    invitation.refresh_from_db()

    with pytest.raises(memberships.InvitationUnusable) as error:
        memberships.invitation_accept(invitation=invitation, user=UserFactory(username="late"))
    assert error.value.status == status and words in str(error.value)
    assert not Membership.objects.filter(user__username="late").exists()


def test_a_member_accepting_again_keeps_their_role_and_the_invitation(invited, pm_user):
    invitation, _ = invited

    with pytest.raises(memberships.AlreadyMember) as error:
        memberships.invitation_accept(invitation=invitation, user=pm_user)
    assert "already a member" in str(error.value) and "Product manager" in str(error.value)
    assert Membership.objects.get(user=pm_user).role == Role.PM
    invitation.refresh_from_db()
    assert invitation.status() == InvitationStatus.PENDING


def test_a_visitor_creates_an_account_and_joins(invited):
    invitation, _ = invited

    membership = memberships.invitation_accept_as_new_user(
        invitation=invitation, username="vic", password="a long pass phrase 42", email="vic@example.com"
    )

    user = get_user_model().objects.get(username="vic")
    assert membership.user == user and membership.role == Role.EM
    assert user.check_password("a long pass phrase 42") and user.email == "vic@example.com"
    assert not user.is_staff and not user.is_superuser


@pytest.mark.parametrize("password", ["short1", "password", "12345678901", "vicvicvic"])
def test_a_visitors_password_goes_through_djangos_validators(invited, password):
    invitation, _ = invited

    with pytest.raises(ValidationError) as error:
        memberships.invitation_accept_as_new_user(invitation=invitation, username="vicvicvic", password=password)
    assert "password" in error.value.message_dict
    assert not get_user_model().objects.filter(username="vicvicvic").exists()
    invitation.refresh_from_db()
    assert invitation.status() == InvitationStatus.PENDING


def test_no_account_is_created_for_a_used_invitation(invited):
    invitation, _ = invited
    memberships.invitation_accept(invitation=invitation, user=UserFactory(username="first"))
    invitation.refresh_from_db()

    with pytest.raises(memberships.InvitationUnusable):
        memberships.invitation_accept_as_new_user(invitation=invitation, username="vic", password="a long pass 42x")
    assert not get_user_model().objects.filter(username="vic").exists()


def test_revoking_a_used_invitation_is_refused(invited):
    invitation, _ = invited
    memberships.invitation_revoke(invitation=invitation)
    with pytest.raises(ValidationError):
        memberships.invitation_revoke(invitation=invitation)


# --- roles and removals: never without an owner ------------------------------------------------------------------


def test_the_last_owner_cannot_step_down_or_be_removed(portfolio, owner_user):
    owner = Membership.objects.get(user=owner_user)

    for change in (
        lambda: memberships.membership_role_change(membership=owner, role=Role.PM),
        lambda: memberships.membership_remove(membership=owner),
    ):
        with pytest.raises(ValidationError) as error:
            change()
        assert memberships.LAST_OWNER_MESSAGE in error.value.messages
    assert Membership.objects.get(user=owner_user).role == Role.OWNER


def test_an_owner_steps_down_once_another_owner_is_there(portfolio, owner_user, pm_user):
    pm = Membership.objects.get(user=pm_user)
    memberships.membership_role_change(membership=pm, role=Role.OWNER)
    memberships.membership_role_change(membership=Membership.objects.get(user=owner_user), role=Role.LEADERSHIP)

    assert dict(Membership.objects.values_list("user__username", "role")) == {
        "olive-owner": "leadership",
        "pat-pm": "owner",
    }
    memberships.membership_remove(membership=Membership.objects.get(user=owner_user))
    assert not Membership.objects.filter(user=owner_user).exists()


def test_other_members_change_role_and_leave_freely(portfolio, owner_user, em_user):
    em = Membership.objects.get(user=em_user)
    assert memberships.membership_role_change(membership=em, role=Role.PM).role == Role.PM
    with pytest.raises(ValidationError):
        memberships.membership_role_change(membership=em, role="boss")
    memberships.membership_remove(membership=em)
    assert list(Membership.objects.values_list("user__username", flat=True)) == ["olive-owner"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    """Each demotion locks the portfolio's row first, so the second sees the first and is refused."""
    portfolio = services.portfolio_create(name="Race ML", owner=UserFactory(username="ann"))
    MembershipFactory(portfolio=portfolio, user=UserFactory(username="bob"), role=Role.OWNER)
    outcomes, start = [], threading.Barrier(2)

    def demote(username: str) -> None:
        try:
            start.wait()
            membership = Membership.objects.get(portfolio=portfolio, user__username=username)
            memberships.membership_role_change(membership=membership, role=Role.PM)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    for _ in range(10):
        Membership.objects.filter(portfolio=portfolio).update(role=Role.OWNER)
        outcomes.clear()
        threads = [threading.Thread(target=demote, args=(name,)) for name in ("ann", "bob")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["ok", "refused"]
        assert Membership.objects.filter(portfolio=portfolio, role=Role.OWNER).count() == 1
