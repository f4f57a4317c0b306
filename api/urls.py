"""The app's addresses: ``/api/`` (REST API v1, its schema, docs and problem types) and the pages for tokens,
webhooks and share links."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from .rest import problems
from .rest.views.docs import RedocView, SwaggerView

app_name = "api"

urlpatterns = [
    path("api/v1/", include("api.rest.urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("api/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("api/problems/<slug:name>/", problems.problem_type, name="problem"),
]
