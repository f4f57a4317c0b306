"""A what-if run: the scenario beside the plan, computed inline and saved nowhere. Every member may run one (as on
the roadmap page), counted against the same ``WHATIF_RATE_LIMIT`` per user as the page's runs."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from roadmap.services import whatif as whatif_services

from ..serializers.whatif import ComparisonSerializer, ScenarioSerializer
from ..throttling import ApiRateThrottle, WhatIfThrottle
from .base import PortfolioView


class WhatIfView(PortfolioView):
    serializer_class = ScenarioSerializer
    write_action = None  # it changes nothing: any member
    throttle_classes = [ApiRateThrottle, WhatIfThrottle]
    http_method_names = ["post", "options"]

    @extend_schema(summary="Run a what-if (saves nothing)", responses=ComparisonSerializer)
    def post(self, request, slug: str):
        serializer = self.get_serializer(data=request.data)
        assert isinstance(serializer, ScenarioSerializer)  # this view's serializer_class
        serializer.is_valid(raise_exception=True)
        comparison = whatif_services.scenario_compare(portfolio_id=self.portfolio.pk, scenario=serializer.scenario())
        return Response(ComparisonSerializer(comparison).data)
