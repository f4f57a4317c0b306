"""The API's documentation pages, served from the vendored Swagger UI and Redoc files (drf-spectacular-sidecar),
under the app's Content-Security-Policy: no inline script (Swagger UI's start-up script is a file of its own,
``?script``; Redoc's is ``static/api/redoc-init.js``) and no outside origin. Redoc writes its styles into
``<style>`` elements, so its page alone allows inline styles (and a worker from a blob for its search)."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]


@method_decorator(csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}), name="get")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    permission_classes = [AllowAny]
