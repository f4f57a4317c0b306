"""The figures of a snapshot with their provenance: the ranking rows, the roadmap rows and value curve, and what
they were computed with (input version, seed, trials, when, and the settings of that moment).

Each row serializer reads the snapshot row's fields from one list (``RANKING_ROW_FIELDS``, ``SCHEDULE_ROW_FIELDS``):
a figure added to ``roadmap.models.ProjectScore`` is one name added there (tests/api/test_figures.py fails until
it is, so none is forgotten). Figures of a later kind (funding, changes since a baseline) are a row serializer
like these plus a view like ``views.figures.RankingView``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from roadmap.models import ProjectScore, RankingSnapshot, ScheduleRow, ValueCurvePoint

PROVENANCE_FIELDS = ("input_version", "seed", "trials", "top_k", "computed_at", "duration_ms")
SNAPSHOT_SETTINGS_FIELDS = (
    "value_unit",
    "cost_per_person_week",
    "horizon_years",
    "p_easy",
    "p_hard",
    "p_impossible",
    "capacity",
    "planning_window_weeks",
    "roadmap_start",
)
# Value figures in the snapshot's value unit (per year for risk_adjusted_value_per_year), effort in person-weeks,
# ROI as a ratio (1.0 = +100%), probabilities 0 to 1. Monte Carlo error: roi_se is the standard error of expected_roi
# (a ratio), p_loss the share of trials with a negative ROI, tied_with_above whether the project ranked just above is
# statistically tied with this one (expected ROIs less than 2 standard errors of their difference apart).
RANKING_ROW_FIELDS = (
    "project_id",
    "name",
    "rank",
    "excluded_reason",
    "needs_feasibility",
    "tag",
    "success_probability",
    "expected_value",
    "expected_effort",
    "expected_cost",
    "expected_roi",
    "roi_p10",
    "roi_p50",
    "roi_p90",
    "value_p10",
    "value_p90",
    "effort_p10",
    "effort_p90",
    "p_top_k",
    "risk_adjusted_value_per_year",
    "roi_se",
    "p_loss",
    "tied_with_above",
    "funded",
    "funding_reason",
    "p_funded_if_known",
    "evpi",
    "evppi",
    "tornado",
)
# The funding decision's rows (DESIGN.md, "The funding decision"): whether each project is funded and why, how
# sure (P(funded if known)), and what learning each input would be worth (value units).
FUNDING_ROW_FIELDS = (
    "project_id",
    "name",
    "rank",
    "expected_roi",
    "expected_effort",
    "funded",
    "funding_reason",
    "p_funded_if_known",
    "robustness",
    "evpi",
    "evppi",
    "tornado",
)
SCHEDULE_ROW_FIELDS = (
    "project_id",
    "name",
    "status",
    "position",
    "rank",
    "pin",
    "left_off_reason",
    "staffing",
    "target_date",
    "start_p10",
    "start_p50",
    "start_p90",
    "finish_p10",
    "finish_p50",
    "finish_p90",
    "p_meet_target",
    "finish_cdf",
    "requires",
)


class SnapshotSettingsSerializer(serializers.ModelSerializer):
    """The settings a snapshot was computed with (they may differ from the portfolio's now)."""

    class Meta:
        model = RankingSnapshot
        fields = SNAPSHOT_SETTINGS_FIELDS


class SnapshotSerializer(serializers.ModelSerializer):
    """Where the figures come from: the input version, seed and trial count they were computed from, when, how
    long it took (milliseconds), and the settings of that moment. The same inputs and seed give the same figures."""

    settings = SnapshotSettingsSerializer(source="*", read_only=True)

    class Meta:
        model = RankingSnapshot
        fields = PROVENANCE_FIELDS + ("settings",)


class FiguresStatusSerializer(serializers.Serializer):
    """Whether the figures are those of the latest inputs, and what the recompute is doing."""

    input_version = serializers.IntegerField(help_text="The portfolio's input version now.")
    out_of_date = serializers.BooleanField(help_text="True while the figures are older than the inputs.")
    recomputing = serializers.BooleanField()
    failed = serializers.BooleanField(help_text="The last recompute failed (the figures are out of date).")


def figures_status(status) -> dict:
    """A ``roadmap.selectors.snapshots.FiguresStatus`` as the API says it."""
    return {
        "input_version": status.input_version,
        "out_of_date": status.out_of_date,
        "recomputing": status.running,
        "failed": status.failed,
    }


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {name: {"type": "number"} for name in ("impact", "effort", "success")},
        "required": ["impact", "effort", "success"],
    }
)
class EvppiField(serializers.JSONField):
    """EVPPI of each input, value units: {"impact": ..., "effort": ..., "success": ...} (null when not ranked)."""


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "input": {"type": "string", "enum": ["impact", "effort", "success"]},
                "low": {"type": "number", "nullable": True},
                "high": {"type": "number", "nullable": True},
            },
            "required": ["input", "low", "high"],
        },
    }
)
class TornadoField(serializers.JSONField):
    """E[roi] with each input at its low end (<= P10; success: fails) and high end (>= P90; succeeds)."""


class RankingRowSerializer(serializers.ModelSerializer):
    """One project's figures in the ranking (null where it was not ranked: ``excluded_reason`` says why)."""

    evppi = EvppiField(read_only=True)
    tornado = TornadoField(read_only=True)

    class Meta:
        model = ProjectScore
        fields = RANKING_ROW_FIELDS


class FundingRowSerializer(serializers.ModelSerializer):
    """One project in the funding decision: funded or not and why, P(funded if known) and its badge (core >= 0.9,
    out <= 0.1, borderline between), EVPI and EVPPI (value units) and its tornado."""

    evppi = EvppiField(read_only=True)
    tornado = TornadoField(read_only=True)
    robustness = serializers.CharField(read_only=True)

    class Meta:
        model = ProjectScore
        fields = FUNDING_ROW_FIELDS


class BandSerializer(serializers.Serializer):
    """Mean and P10/P50/P90 over trials of the funded set's summed value - cost (value units)."""

    mean = serializers.FloatField()
    p10 = serializers.FloatField()
    p50 = serializers.FloatField()
    p90 = serializers.FloatField()


class FrontierPointSerializer(serializers.Serializer):
    """The funded set at a budget (person-weeks): mean, P10 and P90 of its summed value - cost (value units)."""

    budget = serializers.FloatField()
    mean = serializers.FloatField()
    p10 = serializers.FloatField()
    p90 = serializers.FloatField()


DATE_OR_SHARE = {"oneOf": [{"type": "string", "format": "date"}, {"type": "number"}]}


@extend_schema_field(
    {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": DATE_OR_SHARE}}
)
class FinishCdfField(serializers.JSONField):
    """The finish-date distribution: [[ISO date, share of trials finished by then (0 to 1)], ...]."""


class ScheduleRowSerializer(serializers.ModelSerializer):
    """One project on the roadmap: its place (``position``, null when left off: ``left_off_reason``), P10/P50/P90
    start and finish dates, the chance of meeting its target date, its finish-date distribution and the ids of
    the producers it requires."""

    finish_cdf = FinishCdfField(read_only=True)
    requires = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = ScheduleRow
        fields = SCHEDULE_ROW_FIELDS


class ValuePointSerializer(serializers.ModelSerializer):
    """Annual value delivered by ``date`` (value units per year), P10 / P50 / P90 over the trials."""

    class Meta:
        model = ValueCurvePoint
        fields = ("date", "p10", "p50", "p90")


class _FiguresPage(serializers.Serializer):
    snapshot = SnapshotSerializer(allow_null=True, help_text="Null until the first ranking is computed.")
    status = FiguresStatusSerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class RankingPageSerializer(_FiguresPage):
    """A page of the latest ranking: ranked projects by rank, then those not ranked by name."""

    results = RankingRowSerializer(many=True)


class FundingPageSerializer(_FiguresPage):
    """A page of the latest funding decision (rows in ranking order) with the portfolio's figures: budget
    (person-weeks), cut-line ROI, funded value and the efficient frontier (null before funding was computed)."""

    budget_person_weeks = serializers.FloatField(allow_null=True)
    cut_line_roi = serializers.FloatField(allow_null=True)
    funded_value = BandSerializer(allow_null=True)
    frontier = FrontierPointSerializer(many=True)
    results = FundingRowSerializer(many=True)


class RoadmapPageSerializer(_FiguresPage):
    """A page of the latest roadmap (scheduled projects in schedule order, then those left off) and its whole
    value curve."""

    value_curve = ValuePointSerializer(many=True)
    results = ScheduleRowSerializer(many=True)
