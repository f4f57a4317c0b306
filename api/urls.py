"""The app's addresses: ``/api/`` (REST API v1, its schema, docs and problem types), the profile page's API tokens,
a portfolio's webhooks and share links (PMs), and ``/s/<token>/``, the page a share link opens."""

from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from .rest import problems
from .rest.views.docs import RedocView, SwaggerView
from .web import share_links, shared, tokens, webhooks

app_name = "api"

urlpatterns = [
    path("api/v1/", include("api.rest.urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("api/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("api/problems/<slug:name>/", problems.problem_type, name="problem"),
    path("accounts/api-tokens/", tokens.api_tokens, name="tokens"),
    path("accounts/api-tokens/<int:token_id>/revoke/", tokens.api_token_revoke, name="token-revoke"),
    path("p/<slug:slug>/webhooks/", webhooks.webhooks, name="webhooks"),
    path("p/<slug:slug>/webhooks/<int:webhook_id>/", webhooks.webhook_action, name="webhook-action"),
    path(
        "p/<slug:slug>/webhooks/deliveries/<int:delivery_id>/resend/", webhooks.delivery_resend, name="delivery-resend"
    ),
    path("p/<slug:slug>/share/", share_links.share_links_page, name="share-links"),
    path("p/<slug:slug>/share/<int:link_id>/revoke/", share_links.share_link_revoke, name="share-link-revoke"),
    path("s/<str:token>/", shared.shared, name="shared"),
    # Last: any other address under /api/ (an odd slug, a negative id) answers a problem document, not Django's
    # HTML 404 page (which DEBUG would otherwise show).
    re_path(r"^api/", csrf_exempt(problems.not_found)),
]
