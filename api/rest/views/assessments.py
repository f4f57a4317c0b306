"""A project's feasibility assessments: every member lists them (newest first); an EM records one with ``If-Match``
naming the project's ETag (its version and current assessment), so an EM never assesses what they have not seen."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from portfolio.models import FeasibilityAssessment

from ..conditional import conflict_as_412, require_if_match
from ..serializers.assessments import AssessmentSerializer
from ..serializers.projects import ProjectSerializer, etag_of
from .base import PortfolioView
from .projects import project_of


class AssessmentListView(PortfolioView, generics.ListCreateAPIView):
    serializer_class = AssessmentSerializer
    write_action = "assess"
    conditional_methods = ("POST",)

    def get_queryset(self):
        if self.is_schema():
            return FeasibilityAssessment.objects.none()
        project = project_of(self.portfolio, self.kwargs["pk"])
        return FeasibilityAssessment.objects.filter(project=project).select_related("assessed_by")

    @extend_schema(summary="A project's assessments, newest first (ETag: the project's)")
    def get(self, request, *args, **kwargs):
        response = self.list(request, *args, **kwargs)
        response["ETag"] = etag_of(project_of(self.portfolio, kwargs["pk"]))
        return response

    @extend_schema(
        summary="Record an assessment (EM; If-Match: the project's ETag)",
        responses={201: AssessmentSerializer},
    )
    def post(self, request, slug: str, pk: int):
        project = project_of(self.portfolio, pk)
        current = ProjectSerializer(project, context=self.get_serializer_context())
        assessment_id = current.data["feasibility"]["assessment_id"]
        self.expected_version = project.version
        context = {**self.get_serializer_context(), "project": project, "expected_assessment_id": assessment_id}
        serializer = AssessmentSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)  # bad input is a 400 before the If-Match is looked at
        require_if_match(request, etag_of(project), lambda: current.data)
        with conflict_as_412(lambda: self._project_now(pk)):
            assessment = serializer.save()
        return Response(
            AssessmentSerializer(assessment, context=context).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(project_of(self.portfolio, pk))},
        )

    def _project_now(self, pk: int) -> tuple[str, dict]:
        project = project_of(self.portfolio, pk)
        return etag_of(project), ProjectSerializer(project, context=self.get_serializer_context()).data
