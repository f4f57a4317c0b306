"""Every API error as ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``, ``detail`` and, for
bad input, ``errors`` naming each field ({"impact_high": ["high must be at least likely (40)."]}).

Bad input gets the status that says why (``refusal_status``): a field the schema describes and the value breaks
(type, range, length, pattern, choice) is a 400; a referenced object this portfolio does not have (a project id) a
404; a clash with what is stored (a taken name, a link that would close a cycle) a 409; and a rule across fields
the schema cannot state (low <= likely <= high), which a service's ``full_clean`` enforces once each field has
passed the serializer, a 422. Each names the fields in ``errors``.

``PreconditionRequired`` (428) and ``PreconditionFailed`` (412, with the current representation and its ETag) are
the API's version checks (``conditional``). ``type`` links to ``/api/problems/<name>/``, which says in a sentence
what the problem means. Django's own 404 and 500 answer paths under ``/api/`` the same way, as does every address
under ``/api/`` that no pattern matches.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from portfolio.collisions import SaveCollision, is_collision

CONTENT_TYPE = "application/problem+json"

# name -> (status, title, what it means)
PROBLEMS = {
    "invalid-input": (400, "Invalid input", "The request's data was refused; `errors` names each field and why."),
    "not-authenticated": (401, "Not authenticated", "Send `Authorization: Bearer <token>` or log in."),
    "permission-denied": (403, "Permission denied", "Your role in this portfolio (or your token) does not allow it."),
    "not-found": (404, "Not found", "No such resource, or you are not a member of its portfolio."),
    "method-not-allowed": (405, "Method not allowed", "This resource does not take that HTTP method."),
    "not-acceptable": (406, "Not acceptable", "The API answers in JSON (and CSV for the export)."),
    "conflict": (
        409,
        "Conflict",
        "The request clashes with what is stored (a taken name, a reuse link that would close a cycle, a project in "
        "another state, an import overtaken by newer changes); `detail` and `errors` say what.",
    ),
    "precondition-failed": (
        412,
        "Precondition failed",
        "Your If-Match names an older version: someone changed the resource since. `current` is it as it is now, "
        "and the ETag header its version; apply your change to it and send it again.",
    ),
    "unprocessable": (
        422,
        "Unprocessable",
        "Each field is well formed but together they break a rule (e.g. low <= likely <= high); `errors` names them.",
    ),
    "payload-too-large": (413, "Payload too large", "The request body is over the limit."),
    "unsupported-media-type": (415, "Unsupported media type", "Send JSON (or CSV, or a form upload, where said)."),
    "precondition-required": (
        428,
        "Precondition required",
        "A change to a versioned resource needs `If-Match` with the ETag of the version you based it on.",
    ),
    "too-many-requests": (429, "Too many requests", "Over the rate limit: wait `Retry-After` seconds."),
    "server-error": (500, "Server error", "Something went wrong on our side; it has been logged."),
}
BY_STATUS = {code: name for name, (code, _, _) in PROBLEMS.items()}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = PROBLEMS["precondition-required"][2]
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    """412: ``current`` is the resource's representation now and ``etag`` its ETag (sent as the ETag header)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since the version your If-Match names."
    default_code = "precondition_failed"

    def __init__(self, *, current: dict, etag: str, detail: str | None = None):
        super().__init__(detail)
        self.current, self.etag = current, etag


class Conflict(exceptions.APIException):
    """409 with more to say in ``extra`` (e.g. a fresh import preview)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = PROBLEMS["conflict"][2]
    default_code = "conflict"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.extra = extra


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's (possibly nested) error detail as {"field": [messages]}, nested names joined by dots."""
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key)
            errors.update(field_errors(value, f"{prefix}.{name}" if prefix else name))
        return errors
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        errors = {}
        for index, item in enumerate(detail):
            errors.update(field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    messages = [str(m) for m in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: messages}


# Error codes that mean the input is well formed but refers to something missing (404) or clashes with what is
# stored (409); serializers raise them (``ErrorDetail(..., code=NOT_IN_PORTFOLIO)``), and DRF's own related fields
# and unique validators use ``does_not_exist`` and ``unique``.
NOT_IN_PORTFOLIO = "does_not_exist"
CLASHES = frozenset({"unique", "unique_together", "cycle", "conflict"})


class Unprocessable(exceptions.ValidationError):
    """A service's refusal of input whose every field passed the serializer: a rule across fields (422), or only a
    clash with what is stored (409, e.g. a taken name)."""

    status_code = 422
    default_code = "unprocessable"


def from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, field by field, with its codes (``refusal_status`` reads them)."""
    if hasattr(error, "error_dict"):
        detail = {
            field: [exceptions.ErrorDetail(message, code=e.code) for e in errors for message in e.messages]
            for field, errors in error.error_dict.items()
        }
    else:
        detail = {
            api_settings.NON_FIELD_ERRORS_KEY: [
                exceptions.ErrorDetail(message, code=e.code) for e in error.error_list for message in e.messages
            ]
        }
    return Unprocessable(detail)


def _codes(codes) -> list[str]:
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _codes(value)]
    if isinstance(codes, list):
        return [code for value in codes for code in _codes(value)]
    return [str(codes)]


def refusal_status(exc: exceptions.ValidationError) -> int:
    """The status of refused input, from its error codes: 404 when all name objects the portfolio does not have, 409
    when all clash with what is stored, else 422 for a service's refusal and 400 for a serializer's."""
    codes = set(_codes(exc.get_codes()))
    if codes == {NOT_IN_PORTFOLIO}:
        return 404
    if codes and codes <= CLASHES:
        return 409
    return exc.status_code


def problem(request: HttpRequest | None, code: int, detail: str, **extra) -> dict:
    """The body of a problem of HTTP status ``code``."""
    name = BY_STATUS.get(code, "server-error" if code >= 500 else "invalid-input")
    path = reverse("api:problem", args=[name])
    return {
        "type": request.build_absolute_uri(path) if request is not None else path,
        "title": PROBLEMS[name][1],
        "status": code,
        "detail": detail,
        **extra,
    }


def _detail_and_errors(exc: exceptions.APIException) -> tuple[str, dict]:
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        fields = ", ".join(sorted(errors))
        return f"{PROBLEMS[BY_STATUS[refusal_status(exc)]][1]}: {fields}.", {"errors": errors}
    return str(exc.detail), {}


def exception_handler(exc, context):
    """DRF's handler (status, ``WWW-Authenticate``, ``Retry-After``), its body replaced by a problem document."""
    if isinstance(exc, DjangoValidationError):
        exc = from_django(exc)
    elif isinstance(exc, Http404 | ObjectDoesNotExist):  # ObjectDoesNotExist: deleted while this request was on its way
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):  # a role that may not (portfolio.permissions.RoleDenied)
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, SaveCollision) or is_collision(exc):  # a deadlock retried in vain: not "database down"
        exc = Conflict(str(SaveCollision()))
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError) and response is not None:
        response.status_code = refusal_status(exc)
    if response is None:
        return None  # an unexpected error: Django's 500 handler (``server_error`` below) answers
    request = context.get("request")
    detail, extra = _detail_and_errors(exc)
    if isinstance(exc, PreconditionFailed):
        extra.update(current=exc.current, etag=exc.etag)
        response["ETag"] = exc.etag
    if isinstance(exc, Conflict):
        extra.update(exc.extra)
    response.data = problem(request, response.status_code, detail, **extra)
    response.content_type = CONTENT_TYPE
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """Django's 404 handler, and the view of every address under ``/api/`` no other pattern matches: a problem
    document under ``/api/`` (whatever the method, and with DEBUG on too), the site's 404 page elsewhere."""
    if _is_api(request):
        body = problem(request, 404, "There is no such resource at this address.")
        return JsonResponse(body, status=404, content_type=CONTENT_TYPE)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a problem document under ``/api/``, the site's 500 page elsewhere."""
    if _is_api(request):
        return JsonResponse(problem(request, 500, PROBLEMS["server-error"][2]), status=500, content_type=CONTENT_TYPE)
    return defaults.server_error(request)


def problem_type(request: HttpRequest, name: str) -> HttpResponse:
    """What a problem ``type`` means, in a sentence (the URL each problem document's ``type`` names)."""
    if name not in PROBLEMS:
        return not_found(request)
    code, title, meaning = PROBLEMS[name]
    return HttpResponse(f"{code} {title}\n\n{meaning}\n", content_type="text/plain; charset=utf-8")
