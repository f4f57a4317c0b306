"""Writes of a portfolio: creating it, its settings, its members' roles."""

from itertools import chain, count
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from ..models import Membership, Portfolio, Role
from .common import PORTFOLIO_SETTING_FIELDS, ConflictError, portfolio_inputs_changed


def _free_slug(name: str) -> str:
    """A slug made from ``name`` that no portfolio has yet ("growth-ml", else "growth-ml-2", ...)."""
    base = slugify(name)[:110] or "portfolio"
    taken = set(Portfolio.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = chain([base], (f"{base}-{n}" for n in count(2)))
    return next(slug for slug in candidates if slug not in taken)


@transaction.atomic
def portfolio_create(*, name: str, owner: User | None = None, **settings: Any) -> Portfolio:
    """Create a portfolio; ``owner``, if given (who created it), becomes its owner. Without a slug, one is made."""
    slug = settings.pop("slug", None) or _free_slug(name)
    portfolio = Portfolio(name=name, slug=slug, **settings)
    portfolio.full_clean()
    portfolio.save()
    if owner is not None:
        membership_set(user=owner, portfolio=portfolio, role=Role.OWNER)
    return portfolio


@transaction.atomic
def portfolio_update(*, portfolio: Portfolio, data: dict[str, Any], expected_version: int | None = None) -> Portfolio:
    """Change a portfolio's settings; refuse a save based on an older version of them."""
    current = Portfolio.objects.select_for_update(no_key=True).get(pk=portfolio.pk)  # the portfolio first, as always
    before = {f: getattr(current, f) for f in PORTFOLIO_SETTING_FIELDS}
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {f: (getattr(portfolio, f), before[f]) for f in before if f in data})
    for field, value in data.items():
        if field in PORTFOLIO_SETTING_FIELDS:
            setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    if any(before[f] != getattr(current, f) for f in PORTFOLIO_SETTING_FIELDS if f not in ("name", "description")):
        portfolio_inputs_changed(portfolio_id=current.pk)
        current.refresh_from_db(fields=["input_version"])
    return current


def membership_set(*, user: User, portfolio: Portfolio, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``portfolio`` (replacing any earlier role)."""
    membership, _ = Membership.objects.update_or_create(user=user, portfolio=portfolio, defaults={"role": role})
    membership.full_clean()
    return membership
