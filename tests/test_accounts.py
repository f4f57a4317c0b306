"""Accounts: changing a password (a link in the header) and resetting a forgotten one by email, through Django's
views with the app's templates; the email backend comes from the environment (console by default)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.test_security import _manage

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "correct horse battery 42"


def _can_log_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_a_user_changes_their_password(pm_user, pm_client):
    page = pm_client.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    assert 'href="/static/favicon.svg"' in page.content.decode()  # the app's own page, not the admin's

    response = pm_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    assert "Password changed" in response.content.decode()
    assert _can_log_in("pat-pm", NEW_PASSWORD) and not _can_log_in("pat-pm", PASSWORD)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"old_password": "wrong"}, "old_password", "incorrect"),
        ({"new_password1": "short", "new_password2": "short"}, "new_password2", "too short"),
        ({"new_password2": "other 12345 x"}, "new_password2", "didn’t match"),
    ],
)
def test_a_refused_password_change_says_why(pm_user, pm_client, data, field, words):
    payload = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **data}

    response = pm_client.post(reverse("password_change"), payload)

    html = response.content.decode()
    assert response.status_code == 200 and words in html[html.index(f'id="id_{field}-errors"') :][:300]
    assert _can_log_in("pat-pm", PASSWORD)


def test_changing_a_password_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_forgotten_password_is_reset_through_an_emailed_link(pm_user, client):
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page

    response = client.post(reverse("password_reset"), {"email": "pat-pm@example.com"}, follow=True)

    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["pat-pm@example.com"] and "pat-pm" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Your new password is set" in done.content.decode()
    assert _can_log_in("pat-pm", NEW_PASSWORD)
    assert "This link cannot be used" in client.get(link, follow=True).content.decode()  # once only


def test_an_unknown_address_gets_the_same_answer_and_no_mail(pm_user, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode() and mail.outbox == []


def test_a_broken_reset_link_says_so(pm_user, client):
    uid = "MQ"
    response = client.get(reverse("password_reset_confirm", args=[uid, "set-password-wrong"]), follow=True)
    assert "This link cannot be used" in response.content.decode()
    assert get_user_model().objects.get(username="pat-pm").check_password(PASSWORD)


# --- the email settings (read by a fresh process, as the environment would set them) -------------------------------

PRINT_EMAIL = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, "
    "s.DEFAULT_FROM_EMAIL, sep='|')"
)

CONSOLE = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM = "ML portfolio planner <planner@localhost>"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {},
            CONSOLE + "|localhost|25||False|" + DEFAULT_FROM,
        ),
        (
            {"EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587", "DEFAULT_FROM_EMAIL": "planner@example.com"},
            "django.core.mail.backends.smtp.EmailBackend|smtp.example.com|587|mailer|True|planner@example.com",
        ),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"},
            "django.core.mail.backends.dummy.EmailBackend|localhost|25||False|" + DEFAULT_FROM,
        ),
    ],
)
def test_the_email_backend_comes_from_the_environment(env, expected):
    result = _manage([], {"EMAIL_URL": "", "EMAIL_BACKEND": "", "DEFAULT_FROM_EMAIL": "", **env}, code=PRINT_EMAIL)
    assert result.stdout.strip() == expected, result.stderr
