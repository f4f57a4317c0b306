"""What a review needs of a snapshot: the input document it was computed from, review baselines, and the cached
"Changes since" reports (DESIGN.md, "Review baselines and explained changes"). Imported by ``roadmap.models``."""

from django.conf import settings
from django.db import models

from portfolio.models import Portfolio

from .models import RankingSnapshot


class InputDocument(models.Model):
    """The complete planning inputs a snapshot was computed from, as one JSON document
    (``portfolio.input_documents``): recomputing it gives the snapshot's figures exactly. Deleted with it."""

    snapshot = models.OneToOneField(RankingSnapshot, on_delete=models.CASCADE, related_name="input_document")
    document = models.JSONField()

    def __str__(self) -> str:
        return f"inputs of {self.snapshot}"


class ReviewBaseline(models.Model):
    """A snapshot a PM marked, with a name ("Q1 planning"), to compare later figures with.

    Its snapshot (with its input document) is never pruned. ``created_by`` is who marked it.
    """

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="baselines")
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="one_baseline_name_per_portfolio")]

    def __str__(self) -> str:
        return f"{self.portfolio} baseline {self.name!r}"


class ChangesReport(models.Model):
    """The "Changes since" comparison of a baseline with the snapshot of one input version, computed once by the
    worker and kept: ``result`` is the report (``roadmap.services.changes``), ``groups_done`` of ``groups_total``
    the progress while it runs. One row per (baseline, input version), so two workers never compute one twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    baseline = models.ForeignKey(ReviewBaseline, on_delete=models.CASCADE, related_name="reports")
    input_version = models.PositiveBigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    groups_done = models.PositiveIntegerField(default=0)
    groups_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "input_version"], name="one_changes_report_per_version")
        ]

    def __str__(self) -> str:
        return f"changes since {self.baseline.name!r} at v{self.input_version}: {self.status}"
