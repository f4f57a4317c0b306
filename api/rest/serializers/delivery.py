"""What delivery taught, as the API shows and takes it: a building project's progress (effort spent, remaining
range, person-weeks) and a project's outcome (actual effort, dates, success, realised impact per year).

Written through ``portfolio.delivery`` (the services the pages use), so versions, history and recompute behave the
same whichever door a write comes through. Before the first one is recorded, a resource reads as version 0 with
empty fields; its ETag names that version, which a first ``PUT`` names in ``If-Match``.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from rest_framework import serializers

from portfolio import delivery
from portfolio.models import ProjectOutcome, ProjectProgress

from ..conditional import delivery_etag
from .strict import StrictModelSerializer

READ_ONLY = ("project", "recorded_by", "recorded_at", "version", "etag")


class _DeliverySerializer(StrictModelSerializer):
    recorded_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    etag = serializers.SerializerMethodField()
    service: ClassVar[Callable[..., Any]]  # the ``portfolio.delivery`` service that records it

    def get_etag(self, row) -> str:
        return delivery_etag(self.Meta.model, row.project_id, row.version)

    def save_for(self, project, *, expected_version: int):
        """Record the validated data through the service, on the version the If-Match named."""
        return type(self).service(
            project=project, data=self.validated_data, user=self.context["user"], expected_version=expected_version
        )


class ProgressSerializer(_DeliverySerializer):
    """Effort spent so far and the remaining effort range, person-weeks (an EM records it on a building project)."""

    service = delivery.progress_record

    class Meta:
        model = ProjectProgress
        fields = (*delivery.PROGRESS_FIELDS, "note", *READ_ONLY)
        read_only_fields = READ_ONLY


class OutcomeSerializer(_DeliverySerializer):
    """What happened: actual effort (person-weeks), actual start and finish (not in the future; the finish not
    before the start), succeeded (yes / no / unknown), realised impact (value units per year, optional)."""

    service = delivery.outcome_record

    class Meta:
        model = ProjectOutcome
        fields = (*delivery.OUTCOME_FIELDS, "note", *READ_ONLY)
        read_only_fields = READ_ONLY
