"""ETags of versioned resources and the If-Match check every change of one goes through.

An ETag is derived from the resource's ``version`` (which the services bump on every save): a project's and its
assessments' from the project's version and its current assessment's id (an assessment recorded changes what an EM
based theirs on), a reuse link's and the settings' from their own version. A change without ``If-Match`` is
refused with 428; one whose ``If-Match`` names only other versions with 412, the current representation and its
ETag (``*`` matches any version).
The version behind the ETag then goes to the service, which checks it again under its lock: a change that lands
in between is a ``ConflictError``, answered as the same 412 (``conflict_as_412``).
"""

import contextlib
import re
from collections.abc import Callable

from rest_framework.exceptions import ValidationError

from portfolio.services import ConflictError

from .problems import PreconditionFailed, PreconditionRequired

# RFC 9110 (8.8.3, 13.1.1): ``If-Match = "*" / #entity-tag``; an entity tag is ``[W/]"<etagc>*"``, where etagc is
# any visible character but a double quote (a comma and a backslash included) or obs-text; list items are separated
# by commas with optional spaces and tabs around them. The schema declares ``IF_MATCH_PATTERN`` (the form a client
# should send); the server also takes what RFC 9110 asks a recipient to take (empty list items, obs-text).
ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
IF_MATCH_PATTERN = r'^(\*|(W/)?"[\x21\x23-\x7E]*"([ \t]*,[ \t]*(W/)?"[\x21\x23-\x7E]*")*)$'
IF_MATCH = re.compile(rf"[ \t]*(?:\*|[ \t,]*{ENTITY_TAG}(?:[ \t]*,(?:[ \t]*{ENTITY_TAG})?)*)[ \t]*")
ANY = "*"
BAD_IF_MATCH = 'A list of entity tags in double quotes (e.g. "project-12-v3-a0", "project-12-v4-a0"), or *.'


def project_etag(project_id: int, version: int, assessment_id: int | None) -> str:
    """A project's (and its assessments') strong ETag: its version and its current assessment (a0: none)."""
    return f'"project-{project_id}-v{version}-a{assessment_id or 0}"'


def link_etag(link_id: int, version: int) -> str:
    """A reuse link's strong ETag, from its version."""
    return f'"link-{link_id}-v{version}"'


def settings_etag(portfolio_id: int, version: int) -> str:
    """A portfolio's settings' strong ETag, from their version."""
    return f'"settings-{portfolio_id}-v{version}"'


def if_match_tags(header: str | None) -> list[str] | None:
    """The entity tags an ``If-Match`` value lists, ``["*"]`` for ``*`` (None when the header is absent); a value
    that is not a list of entity tags is bad input (400)."""
    if header is None:
        return None
    if not IF_MATCH.fullmatch(header):
        raise ValidationError({"If-Match": [BAD_IF_MATCH]})
    return [ANY] if header.strip() == ANY else re.findall(ENTITY_TAG, header)


def require_if_match(request, current_etag: str, represent: Callable[[], dict]) -> None:
    """Refuse a change unless ``If-Match`` names ``current_etag`` (one of its tags, or ``*``: any version): 428
    without it, 412 with the current representation (``represent()``) when it names only other versions. Weak tags
    never match (If-Match compares strongly). Call it after the body is validated: bad input is a 400 first."""
    tags = if_match_tags(request.headers.get("If-Match"))
    if tags is None:
        raise PreconditionRequired()
    if ANY not in tags and current_etag not in tags:
        raise PreconditionFailed(current=represent(), etag=current_etag)


@contextlib.contextmanager
def conflict_as_412(current: Callable[[], tuple[str, dict]]):
    """Answer a service's ``ConflictError`` (someone saved between the If-Match check and the write) with 412;
    ``current()`` gives (ETag, representation) as they are now."""
    try:
        yield
    except ConflictError:
        etag, representation = current()
        raise PreconditionFailed(current=representation, etag=etag) from None


def delivery_etag(model, project_id: int, version: int) -> str:
    """A project's progress or outcome strong ETag, from its version (v0: none recorded yet)."""
    kind = "progress" if model._meta.model_name == "projectprogress" else "outcome"
    return f'"{kind}-{project_id}-v{version}"'
