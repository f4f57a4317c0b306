"""The test helpers themselves: users get the fast test password hash, and the login form still accepts it."""

import pytest
from django.conf import global_settings, settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_users_from_the_factory_get_an_md5_hash_that_still_checks():
    user = UserFactory()

    assert user.password.startswith("md5$")
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


@pytest.mark.django_db
def test_a_factory_user_logs_in_through_the_login_form(client):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_fast_hasher_is_for_tests_only():
    from config import settings as production

    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    in_production = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert "MD5" not in in_production[0]
