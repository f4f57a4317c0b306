"""Who estimated a project's impact range and its effort range (``EstimatorAttribution``, a base of ``Project``).

Kept apart from ``models.py`` so the backlog's models module stays one screenful (it imports only the pure
``judging``, for the kinds of estimate). The services set these fields from the user who saves a range; a CSV import
may give a label instead (a label naming an existing user links to that user). Calibration groups estimates by
``estimator_name``.
"""

from django.conf import settings
from django.db import models

from .judging import EFFORT, ESTIMATE_KINDS, IMPACT  # noqa: F401 (re-exported: the kinds of estimate)

IMPORTED_ESTIMATOR = "imported"  # the estimator of a range nobody is named for (DESIGN.md, "Learning from delivery")


def estimator_name(user, label: str) -> str:
    """The name an estimate is credited to: the user's username, else the label given, else ``imported``."""
    if user is not None:
        return user.get_username()
    return label or IMPORTED_ESTIMATOR


class EstimatorAttribution(models.Model):
    """Who estimated the impact range (a PM) and the effort range in force (an EM, or the PM's provisional one).

    The user when one saved the range (their username is kept in the label too); else a free-text label (from a CSV
    that named someone who has no account); both empty means nobody was named (``imported``).
    """

    impact_estimated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    impact_estimated_by_label = models.CharField(max_length=150, blank=True, editable=False)
    effort_estimated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    effort_estimated_by_label = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        abstract = True

    def estimator(self, kind: str) -> str:
        """The name the ``kind`` (``impact`` or ``effort``) estimate is credited to (see ``estimator_name``)."""
        return estimator_name(getattr(self, f"{kind}_estimated_by"), getattr(self, f"{kind}_estimated_by_label"))


def credit(project: EstimatorAttribution, kind: str, *, user=None, label: str = "") -> tuple[str, str] | None:
    """Credit ``project``'s ``kind`` range to ``user`` (when one is logged in) or else to ``label`` (not saved here).
    A user's username is kept as the label too, so the credit keeps its name if the account is deleted.

    Returns (name before, name after) when the credit changed, for the history; None when it is the same.
    """
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    # Credited to this user already: the name stays theirs, so the stored user is not read to compare.
    same = person is not None and getattr(project, f"{kind}_estimated_by_id") == person.pk
    before = "" if same else project.estimator(kind)
    setattr(project, f"{kind}_estimated_by", person)
    setattr(project, f"{kind}_estimated_by_label", person.get_username() if person is not None else label)
    if same:
        return None
    after = project.estimator(kind)
    return None if after == before else (before, after)
