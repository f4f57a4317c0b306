"""How the schema describes the API's authentication (drf-spectacular extensions; imported by ``ApiConfig.ready``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
