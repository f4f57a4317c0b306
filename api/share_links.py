"""Read-only share links: a PM makes one for a page of a portfolio (the ROI chart, the roadmap) that anyone with the
link can open, without an account, until it expires or is revoked.

The link's token is signed (its own salt) and names the link and a random secret, of which only the SHA-256 is
stored, as for invitations (``portfolio.invitation_tokens``): a tampered token is refused before the database is
asked, and neither a copy of the database nor the secret key alone rebuilds a link.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio.invitation_tokens import hash_secret, new_secret, secret_matches

from .models import SharedPage, ShareLink

SALT = "api.share-link"


def make_token(*, link_id: int, secret: str) -> str:
    """The token of a share link's URL: its id and secret, signed."""
    return signing.Signer(salt=SALT).sign_object([link_id, secret])


def read_token(token: str) -> tuple[int, str] | None:
    """(link id, secret) of a token, or None when it is not one of ours."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int and isinstance(value[1], str)):
        return None
    return value[0], value[1]


def share_link_create(*, portfolio, page: str, days: int, user) -> tuple[ShareLink, str]:
    """Make a link to ``page`` of ``portfolio`` for ``days`` days (1 to ``SHARE_LINK_MAX_DAYS``); returns the link
    and its token, which is never shown again."""
    if page not in SharedPage.values:
        raise ValidationError({"page": "Choose a page to share."})
    if not 1 <= days <= settings.SHARE_LINK_MAX_DAYS:
        raise ValidationError({"days": f"A link lasts 1 to {settings.SHARE_LINK_MAX_DAYS} days."})
    secret = new_secret()
    link = ShareLink.objects.create(
        portfolio=portfolio,
        page=page,
        secret_hash=hash_secret(secret),
        created_by=user if user and user.is_authenticated else None,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return link, make_token(link_id=link.pk, secret=secret)


def share_link_revoke(*, portfolio, link_id: int) -> ShareLink | None:
    """Revoke a link of the portfolio (None when it has no such link); it stops working at once."""
    link = ShareLink.objects.filter(portfolio=portfolio, pk=link_id).first()
    if link is not None and link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_link_open(token: str) -> ShareLink | None:
    """The usable link a token opens (not revoked, not expired), its view counted; None otherwise."""
    found = read_token(token)
    if found is None:
        return None
    link = ShareLink.objects.select_related("portfolio", "created_by").filter(pk=found[0]).first()
    if link is None or not secret_matches(found[1], link.secret_hash) or not link.usable():
        return None
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(views=link.views + 1, last_viewed_at=now)
    return link


def share_links_of(*, portfolio) -> list[ShareLink]:
    """The portfolio's links, newest first, with who made them."""
    return list(ShareLink.objects.filter(portfolio=portfolio).select_related("created_by"))
