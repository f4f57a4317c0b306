"""ETags of versioned resources and the If-Match check every change of one goes through.

An ETag is derived from the resource's ``version`` (which the services bump on every save): a project's and its
assessments' from the project's version and its current assessment's id (an assessment recorded changes what an EM
based theirs on), a reuse link's and the settings' from their own version. A change without ``If-Match`` is
refused with 428; one whose ``If-Match`` names another version with 412, the current representation and its ETag.
The version behind the ETag then goes to the service, which checks it again under its lock: a change that lands
in between is a ``ConflictError``, answered as the same 412 (``conflict_as_412``).
"""

import contextlib
import re
from collections.abc import Callable

from rest_framework.exceptions import ValidationError

from portfolio.services import ConflictError

from .problems import PreconditionFailed, PreconditionRequired

ENTITY_TAG = re.compile(r'^(W/)?"[^"]*"$')
NOT_A_STAR = "If-Match must name the ETag of the version you based your change on (`*` is not accepted)."


def project_etag(project_id: int, version: int, assessment_id: int | None) -> str:
    """A project's (and its assessments') strong ETag: its version and its current assessment (a0: none)."""
    return f'"project-{project_id}-v{version}-a{assessment_id or 0}"'


def link_etag(link_id: int, version: int) -> str:
    """A reuse link's strong ETag, from its version."""
    return f'"link-{link_id}-v{version}"'


def settings_etag(portfolio_id: int, version: int) -> str:
    """A portfolio's settings' strong ETag, from their version."""
    return f'"settings-{portfolio_id}-v{version}"'


def if_match_tags(request) -> list[str] | None:
    """The entity tags ``If-Match`` lists (None when the header is absent)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def require_if_match(request, current_etag: str, represent: Callable[[], dict]) -> None:
    """Refuse a change unless ``If-Match`` names ``current_etag``: 428 without it (or with ``*``), 412 with the
    current representation (``represent()``) when it names another version. Weak tags never match."""
    tags = if_match_tags(request)
    if tags and any(not ENTITY_TAG.match(tag) for tag in tags if tag != "*"):
        raise ValidationError({"If-Match": ['Entity tags in double quotes, e.g. "project-12-v3-a0".']})
    if not tags or "*" in tags:
        raise PreconditionRequired(NOT_A_STAR if tags else None)
    if current_etag not in tags:
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
