"""An EM's feasibility assessments of a project: the fields the assessment form takes, who recorded it and when.
Recorded through ``portfolio.services.assessment_record_if_current``, on the project version and current
assessment the If-Match names."""

from rest_framework import serializers

from portfolio import services
from portfolio.forms.feasibility import ASSESSMENT_FIELDS
from portfolio.models import FeasibilityAssessment

from .strict import StrictModelSerializer


class AssessmentSerializer(StrictModelSerializer):
    """Tag, optional success-probability override (0 to 1), effort range (person-weeks), data readiness,
    rationale; ``is_current`` marks the one in force. ``impact_*_seen`` is the impact range it was made against."""

    assessed_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = FeasibilityAssessment
        fields: tuple[str, ...] = ("id", *ASSESSMENT_FIELDS, "is_current", "assessed_by", "created_at")
        fields += ("impact_low_seen", "impact_likely_seen", "impact_high_seen")
        read_only_fields: tuple[str, ...] = ("id", "is_current", "assessed_by", "created_at")
        read_only_fields += ("impact_low_seen", "impact_likely_seen", "impact_high_seen")

    def create(self, validated_data: dict) -> FeasibilityAssessment:
        """Recorded only if the project is still the version, with the current assessment, the If-Match named."""
        return services.assessment_record_if_current(
            project=self.context["project"],
            expected_project_version=self.context["expected_version"],
            expected_assessment_id=self.context["expected_assessment_id"],
            user=self.context["user"],
            **validated_data,
        )
