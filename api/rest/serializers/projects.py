"""Projects: the backlog's filters, and a project's fields as the pages edit them, its version and current
feasibility. Writes go through ``portfolio.services`` (history, input version, recompute), like the forms'."""

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio import estimates, services
from portfolio.forms.project import PROJECT_FIELDS, SORT_CHOICES
from portfolio.links import id_url
from portfolio.models import Project, Status, Tag
from portfolio.selectors import current_assessment

from ..conditional import project_etag
from .strict import StrictModelSerializer

UNSET = object()


class ProjectFilterSerializer(serializers.Serializer):
    """The backlog's search, filters and sort (``portfolio.selectors.backlog_page``); a bad value is refused."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Name, summary or owner.")
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices), required=False, help_text="Repeat to allow several."
    )
    tag = serializers.ListField(
        child=serializers.ChoiceField(choices=[*Tag.choices, ("none", "Needs assessment")]),
        required=False,
        help_text="Feasibility tag; `none` for projects not assessed yet. Repeat to allow several.",
    )
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False, default="rank")
    dir = serializers.ChoiceField(choices=(("asc", "ascending"), ("desc", "descending")), required=False, default="asc")


class FeasibilitySerializer(serializers.Serializer):
    """A project's current feasibility as the math uses it (read-only: EMs record assessments)."""

    assessment_id = serializers.IntegerField(allow_null=True, help_text="The current assessment (null: none yet).")
    tag = serializers.ChoiceField(choices=Tag.choices, allow_null=True)
    success_probability = serializers.FloatField(help_text="The probability the ranking uses, 0 to 1.")
    effort_low = serializers.FloatField(allow_null=True, help_text="Effort range in force, person-weeks.")
    effort_likely = serializers.FloatField(allow_null=True)
    effort_high = serializers.FloatField(allow_null=True)
    effort_source = serializers.CharField(allow_null=True, help_text="Whose range: the EM's or the PM's provisional.")


def feasibility_of(project: Project, portfolio) -> dict:
    """The current assessment's id and tag, the success probability and the effort range in force."""
    assessment = current_assessment(project)
    effort = estimates.effort_in_force(project, assessment)
    low, likely, high = (effort.range.low, effort.range.likely, effort.range.high) if effort else (None,) * 3
    return {
        "assessment_id": assessment.pk if assessment else None,
        "tag": assessment.tag if assessment else None,
        "success_probability": estimates.success_probability(portfolio, assessment),
        "effort_low": low,
        "effort_likely": likely,
        "effort_high": high,
        "effort_source": effort.source if effort else None,
    }


class ProjectSerializer(StrictModelSerializer):
    """A project: every field a PM edits (impact in value units per year, provisional effort in person-weeks),
    its roadmap pin, ``version`` and ``etag`` (send it back in ``If-Match`` to change it), and its feasibility."""

    feasibility = serializers.SerializerMethodField()
    etag = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields: tuple[str, ...] = ("id", "url", *PROJECT_FIELDS, "roadmap_pin", "version", "etag", "feasibility")
        fields += ("created_at", "updated_at")
        read_only_fields: tuple[str, ...] = ("id", "version", "created_at", "updated_at")

    @extend_schema_field(FeasibilitySerializer)
    def get_feasibility(self, project: Project) -> dict:
        return feasibility_of(project, self.context["portfolio"])

    def get_etag(self, project: Project) -> str:
        return etag_of(project)

    def get_url(self, project: Project) -> str:
        path = id_url("api:project", self.context["portfolio"].slug, project.pk)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def create(self, validated_data: dict) -> Project:
        return services.project_create(portfolio=self.context["portfolio"], user=self.context["user"], **validated_data)

    def update(self, instance: Project, validated_data: dict) -> Project:
        """The fields through ``project_update`` and the pin through ``project_pin_set`` (its history and input
        change), in one transaction, on the version the If-Match named."""
        pin = validated_data.pop("roadmap_pin", UNSET)
        expected, user = self.context["expected_version"], self.context["user"]
        with transaction.atomic():
            project = instance
            if validated_data:
                project = services.project_update(
                    project=project, data=validated_data, user=user, expected_version=expected
                )
                expected = project.version
            if pin is not UNSET:
                project = services.project_pin_set(project=project, position=pin, user=user, expected_version=expected)
        return project


def etag_of(project: Project) -> str:
    """The project's ETag (``conditional.project_etag``)."""
    assessment = current_assessment(project)
    return project_etag(project.pk, project.version, assessment.pk if assessment else None)
