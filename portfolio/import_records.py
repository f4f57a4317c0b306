"""A CSV import kept server-side between its preview, its confirmation and a possible undo (``ImportRecord``).

The model lives beside ``models.py`` (which imports it) so that the backlog's models stay under one screenful
each; the services that write it are in ``portfolio.csv_import.stored``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    APPLIED = "applied", "Applied"
    UNDONE = "undone", "Undone"


class ImportRecord(models.Model):
    """One CSV upload into a portfolio, by one user.

    ``previewed``: the file (``data``) waits for that user's confirmation; ``backlog_state`` is what the preview
    was computed against (project, assessment, link and settings versions), so a confirmation on top of anything
    newer is refused. It expires ``IMPORT_PREVIEW_MINUTES`` after ``previewed_at``. ``applied``: the file is
    dropped and ``changes`` holds what the import did (see ``csv_import.undo``), so that it can be undone as one
    change while nothing newer touched those projects. ``undone``: it was.
    """

    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    data = models.BinaryField(blank=True, editable=False)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    backlog_state = models.JSONField(default=dict, editable=False)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, editable=False)
    previewed_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-previewed_at", "-id"]
        indexes = [models.Index(fields=["portfolio", "status", "-applied_at"])]

    def __str__(self) -> str:
        return f"{self.filename} into {self.portfolio_id} ({self.status})"
