"""What every view of a portfolio's resources shares: the portfolio and the caller's role, checked after
authentication, permissions and rate limits, with the action the method needs (reads need membership only)."""

from rest_framework import generics
from rest_framework.permissions import SAFE_METHODS

from ..access import portfolio_for


class PortfolioView(generics.GenericAPIView):
    """A view under ``/api/v1/portfolios/<slug>/``: ``self.access`` is the caller's standing there.

    ``write_action`` is the ``portfolio.permissions`` action an unsafe method needs (None: any member)."""

    write_action: str | None = "edit_projects"
    expected_version: int | None = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        action = None if request.method in SAFE_METHODS else self.write_action
        self.access = portfolio_for(request, kwargs["slug"], action)

    @property
    def portfolio(self):
        return self.access.portfolio

    def get_serializer_context(self) -> dict:
        context = dict(super().get_serializer_context())
        if hasattr(self, "access"):
            context.update(portfolio=self.portfolio, user=self.request.user, expected_version=self.expected_version)
        return context

    def is_schema(self) -> bool:
        """True while drf-spectacular inspects the view (no request, no portfolio)."""
        return getattr(self, "swagger_fake_view", False)
