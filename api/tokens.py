"""API tokens: create one (shown once), revoke it, and find the user a presented token belongs to.

A token reads ``mlp_<prefix>_<secret>``: the prefix (8 hex digits, unique) finds the stored token, the secret
(32 URL-safe characters, 192 random bits) is checked against its SHA-256 in constant time. Only the hash is
stored, so neither the database nor the secret key can rebuild a token.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.invitation_tokens import hash_secret, secret_matches

from .models import ApiToken

TOKEN_PREFIX = "mlp_"
PREFIX_BYTES = 4  # 8 hex digits
SECRET_BYTES = 24
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)  # last use is written at most this often per token
MAX_ACTIVE_TOKENS = 50  # per user: more is a leak waiting to happen


@dataclass(frozen=True)
class IssuedToken:
    """A token just created: the stored record and the full token text, which is never shown again."""

    token: ApiToken
    text: str


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(PREFIX_BYTES)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def token_create(*, user, name: str, read_only: bool = False) -> IssuedToken:
    """Create a token for ``user``; the returned text is the only copy of its secret."""
    if ApiToken.objects.filter(user=user, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError({"name": f"You already have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use."})
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(user=user, name=name.strip(), prefix=_new_prefix(), secret_hash=hash_secret(secret))
    token.read_only = read_only
    token.full_clean()
    token.save()
    return IssuedToken(token=token, text=f"{TOKEN_PREFIX}{token.prefix}_{secret}")


def token_revoke(*, user, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s tokens (None when they have no such token); it stops working at once."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def parse(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token's text, or None when it does not have a token's shape."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    prefix, _, secret = text[len(TOKEN_PREFIX) :].partition("_")
    if len(prefix) != 2 * PREFIX_BYTES or not secret:
        return None
    return prefix, secret


def token_authenticate(text: str) -> ApiToken | None:
    """The active token ``text`` is, with its user (active too), or None; records its use (once a minute)."""
    parsed = parse(text)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at=None).first()
    if token is None or not secret_matches(secret, token.secret_hash) or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(*, user) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (the profile page lists them)."""
    return list(ApiToken.objects.filter(user=user))
