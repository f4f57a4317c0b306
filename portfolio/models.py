"""The backlog: portfolios, who may do what in them, projects, feasibility, reuse links, history.

Models hold fields, constraints and clean(); writes go through portfolio.services. Roles, memberships and
invitations are defined in portfolio.team_models and importable from here, and so are the choices (tags,
statuses, problem types, link kinds: portfolio.choices); what the fields accept (limits, validators, the
range-order check) is portfolio.field_rules'.
"""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from . import scoring_inputs
from .choices import LinkKind, ProblemType, Status, Tag  # also importable from here, like the models
from .estimator_fields import EstimatorAttribution
from .field_rules import (  # validate_finite, new_portfolio_seed: the migrations name them here
    LATEST_ROADMAP_START,
    MAX_EFFORT,
    MAX_ROADMAP_PIN,
    MAX_TEXT,
    MAX_VALUE,
    RangesCheckedInClean,
    check_range,
    new_portfolio_seed,
    probability_field,
    validate_finite,
)
from .names import (  # noqa: F401 (validate_project_name: migration 0003 names it here)
    normalize_project_name,
    validate_portfolio_name,
    validate_project_name,
    validate_value_unit,
    validate_xml_safe_text,
)
from .sampling import MAX_SEED
from .team_models import Invitation, InvitationStatus, Membership, Role  # noqa: F401 (re-exported)

# The field error for a name the portfolio already has (the project forms' own check says the same).
PROJECT_NAME_TAKEN = "This portfolio already has a project with this name."


class Portfolio(models.Model):
    """A backlog of ML projects with its own scoring and roadmap settings.

    ``input_version`` goes up by one in the same transaction as every change to an input of the
    ranking (estimate, assessment, link, status, settings); a snapshot records the version it was
    computed from, so "out of date" is simply ``latest snapshot version < input_version``.
    """

    name = models.CharField(max_length=120, unique=True, validators=[validate_portfolio_name])
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=MAX_TEXT, validators=[validate_xml_safe_text])
    value_unit = models.CharField(
        max_length=12, default="k$", validators=[validate_value_unit], help_text="Label of the value unit, e.g. k$."
    )
    cost_per_person_week = models.FloatField(
        default=4.0,
        validators=[MinValueValidator(0.001), MaxValueValidator(1e6), validate_finite],
        help_text="Cost of one person-week, in value units.",
    )
    horizon_years = models.FloatField(
        default=1.0,
        validators=[MinValueValidator(0.1), MaxValueValidator(20), validate_finite],
        help_text="Years of value a shipped project is credited with.",
    )
    trials = models.PositiveIntegerField(
        default=2000, validators=[MinValueValidator(100), MaxValueValidator(20000)], help_text="Monte Carlo trials."
    )
    top_k = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)], help_text="K of P(top-K)."
    )
    p_easy = probability_field(0.9, help_text="Success probability of an easy problem.")
    p_hard = probability_field(0.5, help_text="Success probability of a hard problem (and of an unassessed one).")
    p_impossible = probability_field(0.0, help_text="Success probability of an impossible problem.")
    capacity = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)], help_text="Team capacity, people."
    )
    planning_window_weeks = models.PositiveIntegerField(
        default=13,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
        help_text="Weeks of the funding decision's planning window; budget = capacity x window, person-weeks.",
    )
    roadmap_start = models.DateField(
        default=datetime.date.today,
        validators=[MaxValueValidator(LATEST_ROADMAP_START, message="Start the roadmap before the year 3000.")],
        help_text="First day of the roadmap.",
    )
    seed = models.BigIntegerField(
        default=new_portfolio_seed,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SEED)],
        help_text="Random seed of the Monte Carlo draws: each project draws from its own streams of it, so a figure "
        "moves only when an input it depends on moves. Changing it redraws everything.",
    )
    calibrated_ranges = models.BooleanField(
        default=False,
        help_text="Correct each estimator's ranges by their track record (bias and stretch) before sampling.",
    )
    input_version = models.PositiveBigIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Edit version of the settings.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # Stored and compared as a project name is (see Project.clean_fields): NFC, no invisible characters.
        self.name = normalize_project_name(self.name or "")
        self.value_unit = normalize_project_name(self.value_unit or "")
        super().clean_fields(exclude=exclude)

    def success_probability_for(self, tag: str | None) -> float:
        """Default success probability of a feasibility tag (None: not assessed, counted as hard); the rule is
        ``scoring_inputs.success_probability``'s, a project's own probability ``estimates.success_probability``'s."""
        by_tag = {"easy": self.p_easy, "hard": self.p_hard, "impossible": self.p_impossible}
        return scoring_inputs.success_probability(tag=tag or None, override=None, by_tag=by_tag)


class Project(RangesCheckedInClean, EstimatorAttribution, models.Model):
    """An ML project or idea, with the PM's impact range (value units per year).

    ``provisional_effort_*`` is the PM's own guess in person-weeks, used until an EM assesses the
    project. ``version`` increases on every edit so a save based on a stale form is refused.
    ``roadmap_pin`` (PM, optional) puts the project at that place of the roadmap list instead of its
    rank's place; the producers it requires still come before it (see roadmap.priority).
    """

    checked_in_clean = frozenset({"impact_range_ordered", "provisional_effort_range_ordered"})  # see clean()

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200, validators=[validate_project_name])
    summary = models.TextField(blank=True, max_length=MAX_TEXT)
    user_problem = models.TextField("user problem", blank=True, max_length=MAX_TEXT)
    problem_type = models.CharField(max_length=20, choices=ProblemType.choices, default=ProblemType.OTHER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IDEA)
    owner = models.CharField(max_length=120, blank=True)
    output_kpi = models.CharField("output KPI", max_length=300, blank=True)
    input_metrics = models.TextField(blank=True, max_length=MAX_TEXT)
    lazy_10x_note = models.TextField(
        "laziest way to 10x this KPI",
        blank=True,
        max_length=MAX_TEXT,
        help_text="Imagine the laziest way to 10x this KPI; if it hurts the product, the KPI needs a counter-metric.",
    )
    target_date = models.DateField(null=True, blank=True)
    staffing = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="People, while built."
    )
    impact_low = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(MAX_VALUE), validate_finite])
    impact_likely = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(MAX_VALUE), validate_finite])
    impact_high = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(MAX_VALUE), validate_finite])
    provisional_effort_low = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite]
    )
    provisional_effort_likely = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite]
    )
    provisional_effort_high = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite]
    )
    roadmap_pin = models.PositiveIntegerField(
        "roadmap pin",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ROADMAP_PIN)],
        help_text="Place on the roadmap list (1 = first), set by a PM to override the rank; empty = rank order.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    assessment_history: list["FeasibilityAssessment"]  # not a column: selectors.project_for_assessment's prefetch

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="project_name_unique_in_portfolio"),
            models.CheckConstraint(
                condition=Q(impact_low__lte=F("impact_likely")) & Q(impact_likely__lte=F("impact_high")),
                name="impact_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(provisional_effort_low__isnull=True)
                | (
                    Q(provisional_effort_low__lte=F("provisional_effort_likely"))
                    & Q(provisional_effort_likely__lte=F("provisional_effort_high"))
                ),
                name="provisional_effort_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # The name is validated (its validators, its length) and compared for uniqueness as it is stored:
        # normalised first, since NFC can turn a character into ";" (U+037E) or into two (U+0958).
        if self.name:
            self.name = normalize_project_name(self.name)
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None) -> None:
        # A name the portfolio already has is the name field's error, in the forms' words (Django's default is
        # "Project with this Portfolio and Name already exists." above the form).
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            if any(getattr(e, "code", None) == "unique_together" for e in general):
                errors.setdefault("name", []).append(ValidationError(PROJECT_NAME_TAKEN, code="unique"))
            if rest := [e for e in general if getattr(e, "code", None) != "unique_together"]:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from None

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "impact", self.impact_low, self.impact_likely, self.impact_high, label="Impact")
        effort = (self.provisional_effort_low, self.provisional_effort_likely, self.provisional_effort_high)
        if any(v is not None for v in effort) and None in effort:
            errors.setdefault("provisional_effort_low", []).append(
                "Give all three of low, likely and high for the provisional effort, or none."
            )
        check_range(errors, "provisional_effort", *effort, label="Provisional effort")
        if errors:
            raise ValidationError(errors)

    @property
    def has_provisional_effort(self) -> bool:
        return self.provisional_effort_low is not None


class FeasibilityAssessment(RangesCheckedInClean, models.Model):
    """An EM's judgement of a project: easy / hard / impossible, effort range, data readiness.

    One per project is current (``is_current``); earlier ones are kept as history. The impact range
    at the time is recorded so the queue can show projects whose impact changed since.
    """

    checked_in_clean = frozenset({"effort_range_ordered"})  # see clean()

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assessments")
    tag = models.CharField(max_length=12, choices=Tag.choices)
    success_probability_override = probability_field(
        None, null=True, blank=True, help_text="Leave empty to use the portfolio's default for the tag."
    )
    effort_low = models.FloatField(validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite])
    effort_likely = models.FloatField(
        validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite]
    )
    effort_high = models.FloatField(validators=[MinValueValidator(0.1), MaxValueValidator(MAX_EFFORT), validate_finite])
    rationale = models.TextField(blank=True, max_length=MAX_TEXT)
    examples_needed = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10**12)], help_text="Labelled examples needed."
    )
    examples_available = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10**12)], help_text="Labelled examples available."
    )
    label_agreement_target = probability_field(None, null=True, blank=True, help_text="Target rater agreement, 0..1.")
    label_agreement_current = probability_field(None, null=True, blank=True, help_text="Current rater agreement, 0..1.")
    impact_low_seen = models.FloatField(editable=False)
    impact_likely_seen = models.FloatField(editable=False)
    impact_high_seen = models.FloatField(editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_current=True), name="one_current_assessment_per_project"
            ),
            models.CheckConstraint(
                condition=Q(effort_low__lte=F("effort_likely")) & Q(effort_likely__lte=F("effort_high")),
                name="effort_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.tag}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "effort", self.effort_low, self.effort_likely, self.effort_high, label="Effort")
        if errors:
            raise ValidationError(errors)

    @property
    def data_coverage(self) -> float | None:
        """Share of the labelled examples needed that are available (1.0 = enough)."""
        if not self.examples_needed or self.examples_available is None:
            return None
        return self.examples_available / self.examples_needed


class ReuseLink(models.Model):
    """The consumer reuses data, a signal or a model output derived by the producer.

    ``fraction`` is the share of the consumer's effort the reuse saves (0..0.9). ``kind`` says
    whether the consumer requires the producer or merely benefits; it matters to the roadmap only.
    """

    producer = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links_out")
    consumer = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices, default=LinkKind.BENEFITS)
    fraction = models.FloatField(
        default=0.2,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.9), validate_finite],
        help_text="Share of the consumer's effort saved, 0 to 0.9.",
    )
    note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["producer__name", "consumer__name"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "consumer"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(producer=F("consumer")), name="link_not_to_itself"),
            models.CheckConstraint(condition=Q(fraction__gte=0) & Q(fraction__lte=0.9), name="fraction_0_to_0_9"),
        ]

    def __str__(self) -> str:
        return f"{self.producer} -> {self.consumer} ({self.kind}, {self.fraction:g})"

    def clean(self) -> None:
        if self.producer_id and self.producer_id == self.consumer_id:
            raise ValidationError({"producer": "A project cannot reuse its own output."})
        if self.producer_id and self.consumer_id and self.producer.portfolio_id != self.consumer.portfolio_id:
            raise ValidationError({"producer": "Both projects must be in the same portfolio."})


class Change(models.Model):
    """One field of an estimate or assessment changed: who, when, old -> new (kept as text)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=80)
    old = models.CharField(max_length=500, blank=True)
    new = models.CharField(max_length=500, blank=True)
    words: str  # not a column: the change in words, set by the project page

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"])]

    def __str__(self) -> str:
        return f"{self.project}.{self.field}: {self.old} -> {self.new}"


# Kept in its own module (a CSV import between its preview and a possible undo); imported here so Django sees it.
from .delivery_models import ProjectOutcome, ProjectProgress, Succeeded  # noqa: E402, F401
from .import_records import ImportRecord, ImportStatus  # noqa: E402, F401
