"""A project's progress (EMs record it on a building project) and outcome (PMs and EMs record it once the project
shipped, is iterated on or was stopped): every member reads them with their ETag; a ``PUT`` with ``If-Match``
records them through ``portfolio.delivery``. A value the schema refuses is a 400 naming the field, a rule the
service enforces (a finish before the start, a date in the future, a range out of order) a 422; a stale version a
412."""

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from portfolio.models import ProjectOutcome, ProjectProgress

from ..conditional import conflict_as_412, delivery_etag, require_if_match
from ..serializers.delivery import OutcomeSerializer, ProgressSerializer, _DeliverySerializer
from .base import PortfolioView
from .projects import project_of


class _DeliveryView(PortfolioView):
    http_method_names = ["get", "put", "head", "options"]
    conditional_methods = ("PUT",)
    model: type[ProjectProgress] | type[ProjectOutcome]

    def _row(self, pk: int):
        project = project_of(self.portfolio, pk)
        row = self.model.objects.filter(project=project).select_related("recorded_by").first()
        if row is None:  # none recorded yet: version 0, with no date
            row = self.model(project=project, version=0)
            row.recorded_at = None  # type: ignore[assignment]  # an unsaved row shown as "not recorded yet"
        return project, row

    def _current(self, pk: int) -> tuple[str, dict]:
        _, row = self._row(pk)
        return delivery_etag(self.model, row.project_id, row.version), self.get_serializer(row).data

    def get(self, request, slug: str, pk: int):
        etag, data = self._current(pk)
        return Response(data, headers={"ETag": etag})

    def put(self, request, slug: str, pk: int):
        project, row = self._row(pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # bad input is a 400 before the If-Match is looked at
        etag = delivery_etag(self.model, project.pk, row.version)
        require_if_match(request, etag, lambda: self.get_serializer(row).data)
        with conflict_as_412(lambda: self._current(pk)):
            cast(_DeliverySerializer, serializer).save_for(project, expected_version=row.version)
        etag, data = self._current(pk)
        return Response(data, headers={"ETag": etag})


class ProgressView(_DeliveryView):
    serializer_class = ProgressSerializer
    write_action = "record_progress"
    model = ProjectProgress

    @extend_schema(summary="A project's progress, with its ETag (version 0: none recorded yet)")
    def get(self, request, slug: str, pk: int):
        return super().get(request, slug, pk)

    @extend_schema(summary="Record progress on a building project (EM; If-Match)")
    def put(self, request, slug: str, pk: int):
        return super().put(request, slug, pk)


class OutcomeView(_DeliveryView):
    serializer_class = OutcomeSerializer
    write_action = "record_outcome"
    model = ProjectOutcome

    @extend_schema(summary="A project's outcome, with its ETag (version 0: none recorded yet)")
    def get(self, request, slug: str, pk: int):
        return super().get(request, slug, pk)

    @extend_schema(summary="Record or update a project's outcome (PM or EM; If-Match)")
    def put(self, request, slug: str, pk: int):
        return super().put(request, slug, pk)
