"""Review baselines: a PM marks the current snapshot, with a name, to compare later figures with.

A baseline's snapshot keeps the input document it was computed from (the recompute stores one with every
snapshot; one written before that is given its document here while the inputs are still the same), and
``recompute.snapshots_prune`` never deletes it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portfolio.models import Portfolio
from portfolio.names import normalize_project_name, validate_portfolio_name

from ..models import InputDocument, RankingSnapshot, ReviewBaseline
from . import recompute

NAME_MAX = 120
NAME_TAKEN = "This portfolio already has a baseline with this name."
NO_FIGURES = "There are no figures to mark yet: the first ranking is still being computed."
NO_INPUTS = (
    "The current figures were computed before their inputs were kept, and the inputs have changed since: "
    "mark a baseline once the ranking has been recomputed."
)


def document_ensure(*, snapshot: RankingSnapshot) -> bool:
    """Make sure ``snapshot`` has its input document: one written before documents were kept gets the current
    inputs' document while they are still the ones it was computed from. Returns whether it has one now."""
    if InputDocument.objects.filter(snapshot=snapshot).exists():
        return True
    portfolio, document = recompute.read_document(portfolio_id=snapshot.portfolio_id)
    if portfolio.input_version != snapshot.input_version:
        return False
    InputDocument.objects.get_or_create(snapshot=snapshot, defaults={"document": document})
    return True


def _clean_name(name: str) -> str:
    name = normalize_project_name(name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the baseline a name, e.g. “Q1 planning”."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"At most {NAME_MAX} characters."})
    try:
        validate_portfolio_name(name)  # one line, no control characters: the rule of a portfolio's name
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None
    return name


def baseline_mark(*, portfolio: Portfolio, name: str, user=None) -> ReviewBaseline:
    """Mark the portfolio's latest snapshot as a review baseline called ``name`` (unique in the portfolio).

    Raises ValidationError (keyed by field) for an empty, over-long or taken name, when there are no figures yet,
    or when the latest figures' inputs can no longer be known.
    """
    name = _clean_name(name)
    snapshot = RankingSnapshot.objects.filter(portfolio=portfolio).order_by("-input_version").first()
    if snapshot is None:
        raise ValidationError({"name": NO_FIGURES})
    if ReviewBaseline.objects.filter(portfolio=portfolio, name=name).exists():
        raise ValidationError({"name": NAME_TAKEN})
    if not document_ensure(snapshot=snapshot):
        raise ValidationError({"name": NO_INPUTS})
    try:
        with transaction.atomic():
            return ReviewBaseline.objects.create(
                portfolio=portfolio,
                snapshot=snapshot,
                name=name,
                created_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:  # the same name marked by someone else a moment ago
        raise ValidationError({"name": NAME_TAKEN}) from None
