"""What the backlog's model fields accept: the input limits, the finite-number validator, the range-order check
every (low, likely, high) range gets in clean() (and the model base that leaves its constraint to the database),
the probability field and a new portfolio's random seed.

Shared by ``portfolio.models`` and ``portfolio.delivery_models``; the migrations name ``validate_finite`` and
``new_portfolio_seed`` by their old path, ``portfolio.models``, which imports them.
"""

import datetime
import math
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# Absurdly large numbers are refused at input: a year of value or an effort past these is a typo.
MAX_VALUE = 1e9  # value units per year
MAX_EFFORT = 1e5  # person-weeks
MAX_TEXT = 4000
MAX_ROADMAP_PIN = 10000  # a pin is a place on the roadmap list; past this it is a typo
LATEST_ROADMAP_START = datetime.date(2999, 12, 31)  # later is a typo, and the plan past it would leave the calendar


def new_portfolio_seed() -> int:
    """A fresh random seed for a new portfolio (0 .. 2^62 - 1, so a person can type it back in)."""
    return secrets.randbits(62)


def validate_finite(value: float | None) -> None:
    """Refuse NaN and infinities, which float fields would otherwise store."""
    if value is not None and not math.isfinite(value):
        raise ValidationError("Enter a finite number.", code="not_finite")


def check_range(errors: dict, prefix: str, low, likely, high, *, label: str) -> None:
    """Add a message to ``errors`` when a (low, likely, high) range is out of order."""
    if None in (low, likely, high):
        return
    if not all(math.isfinite(v) for v in (low, likely, high)):
        return
    if low > likely:
        errors.setdefault(f"{prefix}_likely", []).append(f"{label}: likely must be at least low ({low:g}).")
    if likely > high:
        errors.setdefault(f"{prefix}_high", []).append(f"{label}: high must be at least likely ({likely:g}).")


def probability_field(default: float | None = None, **kwargs) -> models.FloatField:
    """A probability in [0, 1]."""
    return models.FloatField(
        default=default, validators=[MinValueValidator(0.0), MaxValueValidator(1.0), validate_finite], **kwargs
    )


class RangesCheckedInClean(models.Model):
    """A model whose ``clean`` checks in Python, with a message on the field, the rules some of its check
    constraints state (``checked_in_clean``: their names). ``full_clean`` leaves those to the database, which still
    enforces them on every write: Django would otherwise ask the database about each with a query of its own, on
    every form and service save (four queries of an inline edit of a project)."""

    checked_in_clean: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def get_constraints(self):
        skipped = self.checked_in_clean
        return [(model, [c for c in rules if c.name not in skipped]) for model, rules in super().get_constraints()]
