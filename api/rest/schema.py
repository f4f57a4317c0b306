"""How the schema describes the API: its authentication (drf-spectacular extensions, registered by ``ApiConfig.ready``),
its problem responses and the If-Match its changes need (``ApiSchema``, the default schema class)."""

import datetime
from typing import Literal

from django.core.validators import MaxValueValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from portfolio import names

from .conditional import IF_MATCH_PATTERN
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


# Every operation may answer these; a change (any unsafe method) also 409, 413 and 422; a change of a versioned
# resource (a view's ``conditional_methods``) also 412 (``If-Match`` names another version) and 428 (no ``If-Match``).
READ_PROBLEMS = ("400", "401", "403", "404", "405", "406", "415", "429")
WRITE_PROBLEMS = READ_PROBLEMS + ("409", "413", "422")
CONDITIONAL_PROBLEMS = ("412", "428")
ETAG_HEADER = {"schema": {"type": "string"}, "description": "The resource's ETag: send it in If-Match to change it."}
PROBLEM_HEADERS = {
    "429": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Seconds to wait before the next request (the per-token rate limit, API_RATE_LIMIT).",
        }
    },
    "412": {
        "ETag": {"schema": {"type": "string"}, "description": "The resource's current ETag (also in `etag`)."},
    },
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version your change is based on (from a GET, or the `etag` field); a list of ETags "
    "matches if any of them is current, and `*` matches any version. Without it: 428; naming only other versions: 412.",
)


def _at_most(digits: str) -> str:
    """A regex of the fixed-width decimal numbers up to ``digits`` ("2999": 0000 to 2999)."""
    if not digits:
        return ""
    first, rest = int(digits[0]), digits[1:]
    below = [f"[0-{first - 1}]" + "[0-9]" * len(rest)] if first else []
    return "(?:" + "|".join([*below, f"{first}{_at_most(rest)}"]) + ")"


def latest_date_pattern(validator) -> str | None:
    """A pattern for a ``MaxValueValidator`` on a date that is the last day of its year (dates up to it): OpenAPI
    has no maximum for a date."""
    limit = getattr(validator, "limit_value", None)
    if not (isinstance(validator, MaxValueValidator) and isinstance(limit, datetime.date)):
        return None
    if (limit.month, limit.day) != (12, 31):
        return None
    return f"^{_at_most(f'{limit.year:04d}')}-"


class ApiSchema(AutoSchema):
    """The API's schema: every operation documents its problem responses (``application/problem+json``, with
    ``Retry-After`` on a 429), and the changes of a versioned resource (a view's ``conditional_methods``) their
    required ``If-Match`` and its 412 and 428."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False) -> dict:
        """A field's schema, with a ``pattern`` for the validators OpenAPI has no keyword for (a name's characters,
        the latest date), so that what the schema allows is accepted."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        for validator in getattr(field, "validators", ()) if direction == "request" else ():
            pattern = names.pattern_of(validator) or latest_date_pattern(validator)
            if pattern and isinstance(schema, dict) and schema.get("type") == "string":
                schema["pattern"] = pattern
        return schema

    def _is_conditional(self) -> bool:
        return self.method in getattr(self.view, "conditional_methods", ())

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if self._is_conditional():
            parameters = [*parameters, IF_MATCH]
        return parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if getattr(self.view, "conditional_methods", ()):
            for code in ("200", "201"):
                if code in responses:
                    responses[code]["headers"] = {"ETag": ETAG_HEADER}
        codes: tuple[str, ...] = READ_PROBLEMS if self.method in ("GET", "HEAD", "OPTIONS") else WRITE_PROBLEMS
        if self._is_conditional():
            codes += CONDITIONAL_PROBLEMS
        for code in codes:
            response = self._get_response_for_code(ProblemSerializer, code, media_types=[CONTENT_TYPE])
            response["description"] = responses.get(code, {}).get("description") or PROBLEMS[BY_STATUS[int(code)]][1]
            if code in PROBLEM_HEADERS:
                response["headers"] = PROBLEM_HEADERS[code]
            responses[code] = response
        return responses
