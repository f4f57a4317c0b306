"""The plan computed from the backlog: ranking snapshots and the state of the background recompute."""

from django.db import models

from portfolio.models import Portfolio, Project


class RankingSnapshot(models.Model):
    """A complete ranking of a portfolio, written in one transaction by the recompute.

    It records the input version, RNG seed, trial count and settings it came from, so any figure
    can be traced and reproduced (``manage.py recompute`` with the same inputs gives the same one).
    """

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="ranking_snapshots")
    input_version = models.PositiveBigIntegerField()
    seed = models.BigIntegerField()
    trials = models.PositiveIntegerField()
    top_k = models.PositiveIntegerField()
    settings = models.JSONField(default=dict, help_text="Portfolio settings used, for the record.")
    computed_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-input_version"]
        get_latest_by = "input_version"
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "input_version"], name="one_snapshot_per_input_version")
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} ranking v{self.input_version}"


class ProjectScore(models.Model):
    """One project's figures in a ranking snapshot (value units; effort in person-weeks)."""

    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="scores")
    project = models.ForeignKey(Project, null=True, on_delete=models.SET_NULL, related_name="scores")
    name = models.CharField(max_length=200)
    rank = models.PositiveIntegerField(null=True)
    excluded_reason = models.CharField(max_length=200, blank=True)
    needs_feasibility = models.BooleanField(default=False)
    tag = models.CharField(max_length=12, blank=True)
    success_probability = models.FloatField()
    expected_value = models.FloatField(null=True)
    expected_effort = models.FloatField(null=True)
    expected_cost = models.FloatField(null=True)
    expected_roi = models.FloatField(null=True)
    roi_p10 = models.FloatField(null=True)
    roi_p50 = models.FloatField(null=True)
    roi_p90 = models.FloatField(null=True)
    value_p10 = models.FloatField(null=True)
    value_p90 = models.FloatField(null=True)
    effort_p10 = models.FloatField(null=True)
    effort_p90 = models.FloatField(null=True)
    p_top_k = models.FloatField(null=True)
    risk_adjusted_value_per_year = models.FloatField(null=True)

    class Meta:
        ordering = ["rank", "name"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "project"], name="one_score_per_project")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.name}"

    @property
    def ease(self) -> float | None:
        """Ease axis of the ROI chart: 1 / expected effort (per person-week)."""
        return 1.0 / self.expected_effort if self.expected_effort else None


class RecomputeState(models.Model):
    """Where a portfolio's background recompute stands.

    ``queued`` is set when a task is sent and cleared when a worker picks it up, so a burst of edits
    sends one task. ``last_error`` records a run that failed after its retries, or a broker that
    could not be reached; pages show it rather than fail silently.
    """

    class Outcome(models.TextChoices):
        NEVER = "never", "never run"
        OK = "ok", "ok"
        FAILED = "failed", "failed"

    portfolio = models.OneToOneField(Portfolio, on_delete=models.CASCADE, related_name="recompute_state")
    queued = models.BooleanField(default=False)
    queued_at = models.DateTimeField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.NEVER)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    broker_unreachable_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.portfolio} recompute: {self.last_outcome}"
