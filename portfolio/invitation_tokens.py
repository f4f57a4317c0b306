"""Invitation links: a signed token naming an invitation and a random secret, of which only a hash is stored.

The signature (``django.core.signing``, with a salt of its own) refuses a tampered or truncated token before
the database is asked. The secret is why the signature is not enough on its own: the quick start runs on a
published development secret key, with which anyone could sign "invitation 7"; and only the secret's SHA-256
is stored, so a copy of the database cannot rebuild a link either. Expiry, single use and revocation are
kept on the invitation itself (``portfolio.team_models.Invitation``), so each can be told apart and said.
"""

import hashlib
import hmac
import secrets

from django.core import signing

SALT = "portfolio.invitation"
SECRET_BYTES = 24  # 192 random bits, 32 characters in the link


def new_secret() -> str:
    """A fresh random secret for one invitation (URL-safe text)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """What is stored of a secret: its SHA-256, 64 hex digits."""
    return hashlib.sha256(secret.encode()).hexdigest()


def make_token(*, invitation_id: int, secret: str) -> str:
    """The token of an invitation's link: its id and secret, signed (URL-safe, about 100 characters)."""
    return signing.Signer(salt=SALT).sign_object([invitation_id, secret])


def read_token(token: str) -> tuple[int, str] | None:
    """(invitation id, secret) of a token, or None when it is not one of ours (bad signature, wrong shape)."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    invitation_id, secret = value
    if type(invitation_id) is not int or not isinstance(secret, str):
        return None
    return invitation_id, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Whether ``secret`` is the one whose hash was stored (compared in constant time)."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)
