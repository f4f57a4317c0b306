"""How the schema describes the API: its authentication (drf-spectacular extensions, registered by ``ApiConfig.ready``),
its problem responses and the If-Match its changes need (``ApiSchema``, the default schema class)."""

from typing import Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .problems import BY_STATUS, CONTENT_TYPE, PROBLEMS


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.rest.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`mlp_…`): your profile page, or `manage.py api_token USERNAME`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.rest.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457): what kind (``type``, a URL that explains it), its title, the HTTP status, what happened;
    ``errors`` names each refused field; a 412 carries ``current`` (the resource now) and its ``etag``."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # The metaclass takes declared fields off the class: this does not shadow Serializer.errors at run time.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    current = serializers.DictField(required=False)
    etag = serializers.CharField(required=False)


READ_PROBLEMS = ("400", "401", "403", "404", "405", "406", "415", "429")
WRITE_PROBLEMS = READ_PROBLEMS + ("409", "412", "413", "428")
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^"[^"]+"(\s*,\s*"[^"]+")*$'},
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version your change is based on (from a GET, or the `etag` field).",
)


class ApiSchema(AutoSchema):
    """The API's schema: every operation documents its problem responses (``application/problem+json``), and
    the changes of a versioned resource (a view's ``conditional_methods``) their required ``If-Match``."""

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if self.method in getattr(self.view, "conditional_methods", ()):
            parameters = [*parameters, IF_MATCH]
        return parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        codes = READ_PROBLEMS if self.method in ("GET", "HEAD", "OPTIONS") else WRITE_PROBLEMS
        for code in codes:
            response = self._get_response_for_code(ProblemSerializer, code, media_types=[CONTENT_TYPE])
            response["description"] = PROBLEMS[BY_STATUS[int(code)]][1]
            responses[code] = response
        return responses
