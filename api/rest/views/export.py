"""The portfolio with its latest figures, as the export downloads give it (``roadmap.export``): the JSON document,
or the CSV that the import reads back. Every member."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from roadmap.export import export_csv, portfolio_export

from ..renderers import CSVRenderer
from .base import PortfolioView


class ExportView(PortfolioView):
    http_method_names = ["get", "head", "options"]

    @extend_schema(summary="Export: the JSON document of roadmap/export.py", responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        return Response(portfolio_export(self.portfolio))


class ExportCsvView(PortfolioView):
    http_method_names = ["get", "head", "options"]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        summary="Export: CSV (the import's columns, then the figures)",
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR)},
    )
    def get(self, request, slug: str):
        body = export_csv(portfolio_export(self.portfolio))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.portfolio.slug}.csv"'
        return response
