"""The plan computed from the backlog: ranking snapshots (with their roadmap) and the state of the recompute."""

from django.db import models

from portfolio.funding import robustness
from portfolio.model_fields import column
from portfolio.models import Portfolio, Project


def _portfolio_default(field: str):
    """The Portfolio model's default of a setting: a snapshot field holding that setting defaults to it."""
    return column(Portfolio, field).default


class RankingSnapshot(models.Model):
    """A complete ranking of a portfolio, written in one transaction by the recompute.

    It records the input version, RNG seed, trial count and the portfolio settings it was computed with,
    each in its own field, so any figure can be traced and reproduced (``manage.py recompute`` with the same
    inputs gives the same one). Pages that show a snapshot's figures read these fields, never the portfolio's
    settings of today, which may have changed since. Units as on Portfolio: ``cost_per_person_week`` in value
    units (``value_unit``), ``horizon_years`` in years, ``capacity`` in people; ``p_*`` are the per-tag success
    probabilities; ``roadmap_start`` is the day the roadmap's weeks count from; ``calibrated_ranges`` whether the
    ranges were corrected by their estimators' track record (the portfolio setting of that name).
    """

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="ranking_snapshots")
    input_version = models.PositiveBigIntegerField()
    seed = models.BigIntegerField()
    trials = models.PositiveIntegerField()
    top_k = models.PositiveIntegerField()
    value_unit = models.CharField(max_length=12, default=_portfolio_default("value_unit"))
    cost_per_person_week = models.FloatField(default=_portfolio_default("cost_per_person_week"))
    horizon_years = models.FloatField(default=_portfolio_default("horizon_years"))
    p_easy = models.FloatField(default=_portfolio_default("p_easy"))
    p_hard = models.FloatField(default=_portfolio_default("p_hard"))
    p_impossible = models.FloatField(default=_portfolio_default("p_impossible"))
    capacity = models.PositiveIntegerField(default=_portfolio_default("capacity"))
    roadmap_start = models.DateField(default=_portfolio_default("roadmap_start"))
    calibrated_ranges = models.BooleanField(
        default=False, help_text="The ranges were corrected by their estimators' track record before sampling."
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # The funding decision of the same draw (DESIGN.md, "The funding decision"); null on snapshots written before
    # it existed. Budget in person-weeks = capacity x planning window; funded value in value units over the horizon.
    planning_window_weeks = models.PositiveIntegerField(default=_portfolio_default("planning_window_weeks"))
    budget_person_weeks = models.FloatField(null=True)
    cut_line_roi = models.FloatField(null=True)
    funded_value_mean = models.FloatField(null=True)
    funded_value_p10 = models.FloatField(null=True)
    funded_value_p50 = models.FloatField(null=True)
    funded_value_p90 = models.FloatField(null=True)
    # {"frontier": [{budget, mean, p10, p90}, ...], "one_more": {mean, p10, p50, p90}, "one_fewer": {...}}
    funding = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-input_version"]
        get_latest_by = "input_version"
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "input_version"], name="one_snapshot_per_input_version")
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} ranking v{self.input_version}"


class ProjectScore(models.Model):
    """One project's figures in a ranking snapshot (value units; effort in person-weeks).

    Monte Carlo error (``portfolio.mc_error``): ``roi_se`` is the standard error of ``expected_roi`` (a ratio),
    ``p_loss`` the share of trials losing money, ``tied_with_above`` whether the project ranked just above is
    statistically tied with this one (shown "≈"). Snapshots from before these were computed have them null / False.
    """

    # No index of its own: the unique constraint below starts with the snapshot and serves every lookup by it.
    # A second, single-column index let the planner, whose statistics had not yet seen a new snapshot, pick it
    # and filter half the table per project (6.6 s for a 10,000-project backlog page).
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="scores", db_index=False)
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
    roi_se = models.FloatField(null=True)
    p_loss = models.FloatField(null=True)
    tied_with_above = models.BooleanField(default=False)
    # The funding decision: funded (null on snapshots from before it), why, P(funded if known) (share of trials),
    # EVPI and EVPPI {"impact", "effort", "success"} in value units (null when not ranked or impossible), and the
    # tornado [{input, low, high}, ...] of E[roi] at each input's low and high end, sorted by swing.
    funded = models.BooleanField(null=True, blank=True)
    funding_reason = models.CharField(max_length=200, blank=True)
    p_funded_if_known = models.FloatField(null=True, blank=True)
    evpi = models.FloatField(null=True, blank=True)
    evppi = models.JSONField(null=True, blank=True)
    tornado = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rank", "name"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "project"], name="one_score_per_project")]
        # A snapshot's rows in rank order (no rank last, then by name): the backlog's first page and the ranking
        # read 50 entries of it, not the whole snapshot.
        indexes = [models.Index(fields=["snapshot", "rank", "name"], name="score_rank_order")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.name}"

    @property
    def robustness(self) -> str:
        """core / borderline / out by P(funded if known); "" when there is none."""
        return robustness(self.p_funded_if_known)

    @property
    def ease(self) -> float | None:
        """Ease axis of the ROI chart: 1 / expected effort (per person-week)."""
        return 1.0 / self.expected_effort if self.expected_effort else None


class ScheduleRow(models.Model):
    """One project's place on the roadmap of a snapshot, computed from the same draw as its ranking.

    Scheduled rows have a ``position`` (1 = first on the list) and P10/P50/P90 start and finish dates;
    a ranked project that cannot be scheduled (impossible, or waiting for a producer that is not on the
    roadmap) has no position and says why in ``left_off_reason``. ``finish_cdf`` is the finish-date
    distribution as [[ISO date, cumulative share of trials], ...]; ``requires`` the ids of the producers it
    waits for; ``staffing`` people; ``pin`` the PM's pin when the snapshot was computed.
    """

    # No index of its own: the unique constraint below starts with the snapshot and serves every lookup by it.
    # A second, single-column index let the planner, whose statistics had not yet seen a new snapshot, pick it
    # and filter half the table per project (6.6 s for a 10,000-project backlog page).
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="schedule", db_index=False)
    project = models.ForeignKey(Project, null=True, on_delete=models.SET_NULL, related_name="schedule_rows")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=12)
    position = models.PositiveIntegerField(null=True)
    rank = models.PositiveIntegerField(null=True)
    pin = models.PositiveIntegerField(null=True)
    left_off_reason = models.CharField(max_length=300, blank=True)
    staffing = models.PositiveSmallIntegerField()
    target_date = models.DateField(null=True)
    start_p10 = models.DateField(null=True)
    start_p50 = models.DateField(null=True)
    start_p90 = models.DateField(null=True)
    finish_p10 = models.DateField(null=True)
    finish_p50 = models.DateField(null=True)
    finish_p90 = models.DateField(null=True)
    p_meet_target = models.FloatField(null=True)
    finish_cdf = models.JSONField(default=list)
    requires = models.JSONField(default=list)
    # Not columns: set by the roadmap page on the rows it shows.
    waits_for_names: list[str]  # the producers it requires that are on the roadmap
    project_version: int | None  # the project's version a "clear pin" is based on

    class Meta:
        ordering = [models.F("position").asc(nulls_last=True), "name"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "project"], name="one_schedule_row_per_project")]

    def __str__(self) -> str:
        return f"{self.position or '-'}. {self.name}"


class ValueCurvePoint(models.Model):
    """The roadmap's annual value delivered by ``date`` (value units per year), P10/P50/P90 over trials."""

    # No index of its own: the unique constraint below starts with the snapshot and serves every lookup by it.
    # A second, single-column index let the planner, whose statistics had not yet seen a new snapshot, pick it
    # and filter half the table per project (6.6 s for a 10,000-project backlog page).
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="value_curve", db_index=False)
    date = models.DateField()
    p10 = models.FloatField()
    p50 = models.FloatField()
    p90 = models.FloatField()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "date"], name="one_value_point_per_date")]

    def __str__(self) -> str:
        return f"{self.date}: {self.p50:g}"


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


# Kept in their own module (review baselines, input documents, "Changes since" reports); imported so Django sees them.
from .review_models import ChangesReport, InputDocument, ReviewBaseline  # noqa: E402, F401
