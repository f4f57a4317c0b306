"""Login rate limiting as an attacker would probe it: five wrong passwords lock that username and address with a
clear page, other users unaffected, a success resetting the count, forged forwarded-for headers not escaping it,
superusers included."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login_with_a_clear_page(pm_user, settings):
    client = Client()
    login = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": pm_user.username, "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt  # the ordinary form error, not yet locked
        assert "correct username and password" in response.content.decode()

    locked = client.post(login, {"username": pm_user.username, "password": "wrong-last"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    # even the right password is refused while locked, and no session is created
    again = client.post(login, {"username": pm_user.username, "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_of_one_user_does_not_lock_out_another(pm_user, em_user):
    client = Client()
    for attempt in range(5):
        client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-{attempt}"})

    response = Client().post(reverse("login"), {"username": em_user.username, "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(pm_user):
    client = Client()
    for attempt in range(4):
        client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-{attempt}"})
    assert client.post(reverse("login"), {"username": pm_user.username, "password": PASSWORD}).status_code == 302
    client.logout()

    for attempt in range(4):
        response = client.post(reverse("login"), {"username": pm_user.username, "password": f"wrong-again-{attempt}"})
        assert response.status_code == 200


@pytest.mark.django_db
def test_forged_forwarded_for_headers_do_not_escape_the_lockout(pm_user, settings):
    settings.BEHIND_TLS_PROXY = True
    client = Client()
    statuses = []
    for attempt in range(6):
        forged = f"10.0.0.{attempt}, 203.0.113.7"  # the proxy appends the real address last
        response = client.post(
            reverse("login"),
            {"username": pm_user.username, "password": f"wrong-{attempt}"},
            HTTP_X_FORWARDED_FOR=forged,
        )
        statuses.append(response.status_code)

    assert statuses[-1] == 429, statuses
    # the same user from another real address is not locked out by the attacker's failures
    elsewhere = Client().post(
        reverse("login"), {"username": pm_user.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_superuser_login_is_rate_limited_too(db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    for attempt in range(5):
        client.post(reverse("admin:login"), {"username": admin.username, "password": f"nope-{attempt}"})

    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})

    assert response.status_code == 429
