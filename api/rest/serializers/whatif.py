"""A what-if: capacity, projects dropped or added, pins, checked against the portfolio as the roadmap page's form
checks them; the answer is the scenario beside the plan (``roadmap.services.whatif.scenario_compare``)."""

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from portfolio.field_rules import MAX_ROADMAP_PIN
from portfolio.models import Project
from portfolio.parsing import whole_number
from portfolio.scoring_inputs import TO_BUILD_STATUSES
from roadmap.planning import Scenario

from ..problems import NOT_IN_PORTFOLIO
from .strict import StrictIntegerField


class ScenarioSerializer(serializers.Serializer):
    """What to try. Everything is optional: an empty scenario is the plan itself."""

    capacity = StrictIntegerField(
        required=False, min_value=1, max_value=1000, help_text="Team capacity, people (default: the settings')."
    )
    drop = serializers.ListField(
        child=StrictIntegerField(), required=False, max_length=10000, help_text="Ids of projects to leave out."
    )
    add = serializers.ListField(
        child=StrictIntegerField(),
        required=False,
        max_length=10000,
        help_text="Ids of parked projects to bring back.",
    )
    pins = serializers.DictField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ROADMAP_PIN, allow_null=True),
        required=False,
        help_text="{project id: place on the roadmap list (1 = first), or null to unpin}; others keep their pin.",
    )

    def validate(self, data: dict) -> dict:
        """Drops and pins name projects still to be built, additions parked ones, all of this portfolio: an id the
        portfolio does not have is a 404, one of a project in another state a 409 (``problems.refusal_status``)."""
        statuses = dict(Project.objects.filter(portfolio=self.context["portfolio"]).values_list("pk", "status"))
        to_build = {pk for pk, status in statuses.items() if status in TO_BUILD_STATUSES}
        errors: dict[str, list[ErrorDetail]] = {}

        def refuse(field: str, ids: list, state: str) -> None:
            if missing := [str(pk)[:20] for pk in ids if pk not in statuses]:
                message = f"No project with this id here: {', '.join(missing[:10])}."
                errors.setdefault(field, []).append(ErrorDetail(message, code=NOT_IN_PORTFOLIO))
            if other := [str(pk) for pk in ids if pk in statuses]:
                message = f"Not a {state} project: {', '.join(other[:10])}."
                errors.setdefault(field, []).append(ErrorDetail(message, code="conflict"))

        refuse("drop", [pk for pk in data.get("drop", []) if pk not in to_build], "still to be built")
        refuse("add", [pk for pk in data.get("add", []) if statuses.get(pk) != "parked"], "parked")
        pins = {}
        for key, place in data.get("pins", {}).items():
            pk = whole_number(key)
            if pk in to_build:
                pins[pk] = place
            else:
                refuse("pins", [key if pk is None else pk], "still to be built")
        if errors:
            raise serializers.ValidationError(errors)
        return {**data, "pins": pins}

    def scenario(self) -> Scenario:
        """The validated scenario (capacity defaults to the portfolio's)."""
        data = self.validated_data
        return Scenario(
            capacity=data.get("capacity", self.context["portfolio"].capacity),
            drop=frozenset(data.get("drop", [])),
            add=frozenset(data.get("add", [])),
            pins=data["pins"],
        )


class PlannedProjectSerializer(serializers.Serializer):
    """A project on one side of the comparison: its place (null: left off, with the reason) and dates."""

    project_id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    status = serializers.CharField()
    rank = serializers.IntegerField()
    position = serializers.IntegerField(allow_null=True)
    pin = serializers.IntegerField(allow_null=True)
    left_off_reason = serializers.CharField(allow_blank=True)
    start_p50 = serializers.DateField(allow_null=True)
    finish_p10 = serializers.DateField(allow_null=True)
    finish_p50 = serializers.DateField(allow_null=True)
    finish_p90 = serializers.DateField(allow_null=True)
    p_meet_target = serializers.FloatField(allow_null=True)


class CurvePointSerializer(serializers.Serializer):
    """Annual value delivered by ``date``, value units per year."""

    date = serializers.DateField()
    p10 = serializers.FloatField()
    p50 = serializers.FloatField()
    p90 = serializers.FloatField()


class PlanSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(help_text="People.")
    start = serializers.DateField()
    projects = PlannedProjectSerializer(many=True)
    value_curve = CurvePointSerializer(many=True)


class ShiftSerializer(serializers.Serializer):
    """How a project's finish moves in the scenario (days; positive = later), or a note (dropped, added...)."""

    project_id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    finish_p50_days = serializers.IntegerField(allow_null=True)
    finish_p90_days = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class QuarterSerializer(serializers.Serializer):
    # The metaclass takes declared fields off the class: this does not shadow Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    date = serializers.DateField()
    plan = CurvePointSerializer(source="saved")
    scenario = CurvePointSerializer()


class ComparisonSerializer(serializers.Serializer):
    """The scenario beside the plan, drawn from the same seed and ``trials`` (fewer than the portfolio's when
    ``reduced``, to stay within ``WHATIF_MAX_PROJECT_TRIALS``). Nothing is saved."""

    input_version = serializers.IntegerField()
    seed = serializers.IntegerField()
    trials = serializers.IntegerField()
    portfolio_trials = serializers.IntegerField()
    reduced = serializers.BooleanField()
    duration_ms = serializers.IntegerField()
    plan = PlanSerializer(source="saved")
    scenario = PlanSerializer()
    shifts = ShiftSerializer(source="moved", many=True)
    quarters = QuarterSerializer(many=True)
