"""Portfolios the caller is a member of, with their role, and a portfolio's settings (PMs change them)."""

from rest_framework import serializers

from portfolio import services
from portfolio.models import Portfolio
from portfolio.permissions import role_label
from portfolio.services import PORTFOLIO_SETTING_FIELDS

from ..conditional import settings_etag
from .strict import StrictModelSerializer


class PortfolioSerializer(StrictModelSerializer):
    """A portfolio as listed: its ``slug`` (the API's addresses use it), name, value unit, the caller's role and
    the input version (it goes up with every change to a ranking input)."""

    role = serializers.SerializerMethodField()
    role_label = serializers.SerializerMethodField()

    class Meta:
        model = Portfolio
        fields = ("slug", "name", "description", "value_unit", "role", "role_label", "input_version")
        read_only_fields = fields

    def get_role(self, portfolio: Portfolio) -> str:
        return self.context["roles"][portfolio.pk]

    def get_role_label(self, portfolio: Portfolio) -> str:
        return role_label(self.get_role(portfolio))


class SettingsSerializer(StrictModelSerializer):
    """Every setting the ranking and the roadmap read (units as on the settings page: cost per person-week in the
    value unit, horizon in years, capacity in people), their ``version`` and ``etag`` for If-Match."""

    etag = serializers.SerializerMethodField()

    class Meta:
        model = Portfolio
        fields = ("slug", *PORTFOLIO_SETTING_FIELDS, "version", "etag", "input_version")
        read_only_fields = ("slug", "version", "input_version")

    def get_etag(self, portfolio: Portfolio) -> str:
        return settings_etag(portfolio.pk, portfolio.version)

    def validate_name(self, value: str) -> str:
        return value.strip()

    def update(self, instance: Portfolio, validated_data: dict) -> Portfolio:
        """Through ``portfolio_update``, on the version the If-Match named (a ranking input recomputes)."""
        expected = self.context["expected_version"]
        return services.portfolio_update(portfolio=instance, data=validated_data, expected_version=expected)
