"""The latest figures with their provenance: the ranking, and the roadmap with its value curve. Every member
reads them. A later kind of figures (funding, changes since a baseline) is a row serializer and a view like these:
``FiguresView`` pages its rows and adds the snapshot, the status and any extra keys."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from roadmap.export import funding_dict
from roadmap.selectors.schedule import value_curve_points
from roadmap.selectors.snapshots import figures_status

from ...selectors import ranking_rows, schedule_rows
from ..pagination import MAX_OFFSET, Pagination
from ..serializers.figures import (
    FundingPageSerializer,
    FundingRowSerializer,
    RankingPageSerializer,
    RankingRowSerializer,
    RoadmapPageSerializer,
    ScheduleRowSerializer,
    SnapshotSerializer,
    ValuePointSerializer,
)
from ..serializers.figures import figures_status as status_of
from .base import PortfolioView

PAGING = [
    OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1, "maximum": 1000}, description="Rows per page (default 50)."
    ),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, description="Rows to skip."),
]


class FiguresView(PortfolioView):
    """A page of the latest snapshot's rows (``rows(snapshot)``, shaped by ``serializer_class``), with the
    snapshot's provenance and the figures' status; ``extra(snapshot)`` adds keys (none by default)."""

    http_method_names = ["get", "head", "options"]

    def rows(self, snapshot):
        raise NotImplementedError

    def extra(self, snapshot) -> dict:
        return {}

    def get(self, request, slug: str):
        status = figures_status(portfolio=self.portfolio)
        snapshot = status.snapshot
        page = self.paginate_queryset(self.rows(snapshot)) if snapshot is not None else []
        paginator = self.paginator
        assert isinstance(paginator, Pagination)  # settings' DEFAULT_PAGINATION_CLASS
        body = {
            "snapshot": SnapshotSerializer(snapshot).data if snapshot is not None else None,
            "status": status_of(status),
            **self.extra(snapshot),
            "count": paginator.count if snapshot is not None else 0,
            "next": paginator.get_next_link() if snapshot is not None else None,
            "previous": paginator.get_previous_link() if snapshot is not None else None,
            "results": self.get_serializer(page, many=True).data,
        }
        return Response(body)


class RankingView(FiguresView):
    serializer_class = RankingRowSerializer

    def rows(self, snapshot):
        return ranking_rows(snapshot=snapshot)

    @extend_schema(
        summary="The latest ranking, with its provenance", parameters=PAGING, responses=RankingPageSerializer
    )
    def get(self, request, slug: str):
        return super().get(request, slug)


class RoadmapView(FiguresView):
    serializer_class = ScheduleRowSerializer

    def rows(self, snapshot):
        return schedule_rows(snapshot=snapshot)

    def extra(self, snapshot) -> dict:
        points = value_curve_points(snapshot=snapshot)
        return {"value_curve": ValuePointSerializer(points, many=True).data}

    @extend_schema(
        summary="The latest roadmap and value curve, with their provenance",
        parameters=PAGING,
        responses=RoadmapPageSerializer,
    )
    def get(self, request, slug: str):
        return super().get(request, slug)


class FundingView(FiguresView):
    serializer_class = FundingRowSerializer

    def rows(self, snapshot):
        return ranking_rows(snapshot=snapshot)

    def extra(self, snapshot) -> dict:
        return funding_dict(snapshot)

    @extend_schema(
        summary="The latest funding decision (what fits the budget, how sure, what to learn), with its provenance",
        parameters=PAGING,
        responses=FundingPageSerializer,
    )
    def get(self, request, slug: str):
        return super().get(request, slug)
