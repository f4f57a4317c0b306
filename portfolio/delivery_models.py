"""Learning from delivery: a building project's progress and a project's outcome (DESIGN.md, "Learning from
delivery: actuals and calibration").

Re-exported by ``portfolio.models`` (import them from there). Writes go through ``portfolio.delivery``: each is
versioned like every other input and its changes are kept in the project's history (``Change`` rows prefixed
``progress.`` and ``outcome.``).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .field_rules import MAX_EFFORT, MAX_TEXT, MAX_VALUE, check_range, validate_finite

MIN_REMAINING = 0.1  # person-weeks: the ranking needs an effort above 0 (a project with none left has shipped)
FUTURE_DATE = "This date is in the future: record what happened, not a plan."


class Succeeded(models.TextChoices):
    """Did the project reach the performance it needed?"""

    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known yet"


def _effort_field(minimum: float, **kwargs) -> models.FloatField:
    """Person-weeks, at least ``minimum``."""
    validators: list[Callable[[Any], None]] = [
        MinValueValidator(minimum),
        MaxValueValidator(MAX_EFFORT),
        validate_finite,
    ]
    return models.FloatField(validators=validators, **kwargs)


def _not_in_future(errors: dict, field: str, day) -> None:
    if day is not None and day > timezone.localdate():
        errors.setdefault(field, []).append(FUTURE_DATE)


class ProjectProgress(models.Model):
    """An EM's progress report on a project in ``building``: the effort spent so far and the effort still to go
    (a low / likely / high range), all in person-weeks. While the project is being built the roadmap schedules
    the remaining range from today (``portfolio.estimates.schedule_effort_in_force``).
    """

    project = models.OneToOneField("portfolio.Project", on_delete=models.CASCADE, related_name="progress")
    effort_spent = _effort_field(0.0, help_text="Person-weeks spent so far.")
    remaining_low = _effort_field(MIN_REMAINING, help_text="Person-weeks still to go, low.")
    remaining_likely = _effort_field(MIN_REMAINING, help_text="Person-weeks still to go, likely.")
    remaining_high = _effort_field(MIN_REMAINING, help_text="Person-weeks still to go, high.")
    note = models.TextField(blank=True, max_length=MAX_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "project progress"
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining_low__lte=F("remaining_likely")) & Q(remaining_likely__lte=F("remaining_high")),
                name="remaining_effort_range_ordered",
            ),
            models.CheckConstraint(condition=Q(effort_spent__gte=0), name="effort_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.effort_spent:g} person-weeks spent"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        remaining = (self.remaining_low, self.remaining_likely, self.remaining_high)
        check_range(errors, "remaining", *remaining, label="Remaining effort")
        if errors:
            raise ValidationError(errors)


class ProjectOutcome(models.Model):
    """What happened to a project that shipped, is iterated on or was stopped (a PM or an EM records it).

    ``actual_effort`` in person-weeks; ``actual_start`` and ``actual_finish`` the days work began and ended (not
    in the future, the finish not before the start); ``succeeded``: did it reach the performance it needed;
    ``realized_impact``: value units per year measured after launch (later, optional).
    """

    project = models.OneToOneField("portfolio.Project", on_delete=models.CASCADE, related_name="outcome")
    actual_effort = _effort_field(0.0, null=True, blank=True, help_text="Person-weeks the project took.")
    actual_start = models.DateField(null=True, blank=True, help_text="The day work began.")
    actual_finish = models.DateField(null=True, blank=True, help_text="The day it shipped or stopped.")
    succeeded = models.CharField(max_length=8, choices=Succeeded.choices, default=Succeeded.UNKNOWN)
    realized_impact = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_VALUE), validate_finite],
        help_text="Value per year measured after launch.",
    )
    note = models.TextField(blank=True, max_length=MAX_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_finish__isnull=True)
                | Q(actual_start__lte=F("actual_finish")),
                name="outcome_finish_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_effort__isnull=True) | Q(actual_effort__gte=0), name="actual_effort_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: outcome ({self.get_succeeded_display()})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _not_in_future(errors, "actual_start", self.actual_start)
        _not_in_future(errors, "actual_finish", self.actual_finish)
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors.setdefault("actual_finish", []).append(
                f"The finish is before the start ({self.actual_start.isoformat()})."
            )
        if errors:
            raise ValidationError(errors)
