"""Projects of a portfolio: the backlog's list (filters, sort, search, paging), create, read, change, delete.

Reads are for every member; writes for PMs (and owners), through ``portfolio.services``. A change or a deletion
needs ``If-Match`` with the project's ETag (428 without, 412 with the project as it is now when stale).
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portfolio import selectors, services
from portfolio.links import id_url
from portfolio.models import Project
from roadmap.selectors.snapshots import latest_snapshot, score_sort_keys

from ..conditional import conflict_as_412, require_if_match
from ..serializers.projects import ProjectFilterSerializer, ProjectSerializer, etag_of
from .base import PortfolioView


def project_of(portfolio, pk: int) -> Project:
    """One project of the portfolio with its current assessment (404 when it has no such project)."""
    project = selectors.project_list(portfolio=portfolio).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


class ProjectListView(PortfolioView, generics.ListCreateAPIView):
    serializer_class = ProjectSerializer

    @extend_schema(parameters=[ProjectFilterSerializer], summary="List projects (the backlog's filters and sort)")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        """The backlog's rows, filtered and sorted by the database (``selectors.backlog_page``); figures columns
        (rank, roi, ptopk) sort by the latest snapshot."""
        if self.is_schema():
            return Project.objects.none()
        if empty := [
            name for name in ("sort", "dir", "status", "tag") if "" in self.request.query_params.getlist(name)
        ]:
            raise ValidationError({name: ["Give a value, or leave the parameter out."] for name in empty})
        filters = ProjectFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        return selectors.backlog_page(
            portfolio=self.portfolio,
            search=chosen.get("q", "").strip(),
            statuses=chosen.get("status"),
            tags=chosen.get("tag"),
            sort=chosen["sort"],
            direction=chosen["dir"],
            score_keys=score_sort_keys(snapshot=latest_snapshot(portfolio=self.portfolio)),
        )

    @extend_schema(summary="Add a project (PM)")
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_of(self.portfolio, serializer.save().pk)
        url = request.build_absolute_uri(id_url("api:project", self.portfolio.slug, project.pk))
        headers = {"ETag": etag_of(project), "Location": url}
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED, headers=headers)


class ProjectDetailView(PortfolioView):
    serializer_class = ProjectSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]
    conditional_methods = ("PATCH", "DELETE")

    def _current(self, pk: int) -> tuple[str, dict]:
        project = project_of(self.portfolio, pk)
        return etag_of(project), self.get_serializer(project).data

    @extend_schema(summary="A project, with its ETag")
    def get(self, request, slug: str, pk: int):
        etag, data = self._current(pk)
        return Response(data, headers={"ETag": etag})

    @extend_schema(summary="Change a project (PM; If-Match)", responses={200: ProjectSerializer})
    def patch(self, request, slug: str, pk: int):
        project = project_of(self.portfolio, pk)
        self.expected_version = project.version
        serializer = self.get_serializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)  # bad input is a 400 before the If-Match is looked at
        require_if_match(request, etag_of(project), lambda: self.get_serializer(project).data)
        with conflict_as_412(lambda: self._current(pk)):
            serializer.save()
        etag, data = self._current(pk)
        return Response(data, headers={"ETag": etag})

    @extend_schema(summary="Delete a project (PM; If-Match)", responses={204: None})
    def delete(self, request, slug: str, pk: int):
        project = project_of(self.portfolio, pk)
        require_if_match(request, etag_of(project), lambda: self.get_serializer(project).data)
        assessment = selectors.current_assessment(project)
        with conflict_as_412(lambda: self._current(pk)):
            services.project_delete(
                project=project,
                user=request.user,
                expected_version=project.version,
                expected_assessment_id=assessment.pk if assessment else 0,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
