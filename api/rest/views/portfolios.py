"""The portfolios the caller is a member of (superusers: all), one portfolio, and its settings (PMs change them
with ``If-Match``; a change to a ranking input recomputes the figures, as on the settings page)."""

import copy

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from portfolio import selectors

from ..conditional import conflict_as_412, require_if_match, settings_etag
from ..serializers.portfolios import PortfolioSerializer, SettingsSerializer
from .base import PortfolioView


class PortfolioListView(generics.ListAPIView):
    serializer_class = PortfolioSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        rows = selectors.portfolios_for_user(self.request.user)
        self.roles = {portfolio.pk: role for portfolio, role in rows}
        return [portfolio for portfolio, _ in rows]

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "roles": getattr(self, "roles", {})}

    @extend_schema(summary="Portfolios you are a member of, with your role")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class PortfolioDetailView(PortfolioView):
    serializer_class = PortfolioSerializer
    http_method_names = ["get", "head", "options"]

    @extend_schema(summary="One portfolio, with your role")
    def get(self, request, slug: str):
        context = {**self.get_serializer_context(), "roles": {self.portfolio.pk: self.access.role}}
        return Response(PortfolioSerializer(self.portfolio, context=context).data)


class SettingsView(PortfolioView):
    serializer_class = SettingsSerializer
    write_action = "edit_settings"
    http_method_names = ["get", "patch", "head", "options"]
    conditional_methods = ("PATCH",)

    def _current(self) -> tuple[str, dict]:
        self.portfolio.refresh_from_db()
        return settings_etag(self.portfolio.pk, self.portfolio.version), self.get_serializer(self.portfolio).data

    @extend_schema(summary="The portfolio's settings, with their ETag")
    def get(self, request, slug: str):
        etag, data = self._current()
        return Response(data, headers={"ETag": etag})

    @extend_schema(
        summary="Change settings (PM; If-Match)",
        responses=SettingsSerializer,
    )
    def patch(self, request, slug: str):
        portfolio = self.portfolio
        self.expected_version = portfolio.version
        # Validated on a copy, as the settings page does: a refused save leaves the portfolio as it is. Bad input
        # is a 400 before the If-Match is looked at.
        serializer = self.get_serializer(copy.copy(portfolio), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        require_if_match(request, settings_etag(portfolio.pk, portfolio.version), lambda: self._current()[1])
        with conflict_as_412(self._current):
            serializer.save()
        etag, data = self._current()
        return Response(data, headers={"ETag": etag})
