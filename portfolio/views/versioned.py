"""The one versioned write every edit page goes through: validate the form, call the service with the version
the user's page was based on, and on a refusal give the page what to show.

A page builds its form (a ``portfolio.forms.versioned.VersionedForm``), calls ``save_versioned`` with the
service, and renders what comes back: on success what the service returned; on a conflict (409) the form
re-based on the stored object and the conflict with the fields named by their labels; on bad input (400)
the form with the messages next to its fields, a service's ValidationError included. A write the database rolls
back as a collision with another (a deadlock, a serialization failure) is run again a few times
(``portfolio.collisions``); if it still collides the form comes back with "Someone else was saving at the same
moment; try again." (409), nothing saved.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from ..collisions import SaveCollision, retry_collisions
from ..forms.versioned import VersionedForm, add_service_errors
from ..services import ConflictError


@dataclass(frozen=True)
class VersionedSave:
    """What saving a versioned form gave: whether it was written and what the service returned, or the form to
    show again (re-based on the stored version after a conflict, with its errors otherwise) and the conflict."""

    written: bool
    form: Any
    saved: Any = None
    conflict: ConflictError | None = None
    collided: bool = False

    @property
    def status(self) -> int:
        """The status of a refused save: 409 for a conflict or a collision, 400 for bad input."""
        return 409 if self.conflict or self.collided else 400


def write_versioned(service, target: str, form: VersionedForm, **kwargs: Any) -> Any:
    """Call ``service`` (taking ``<target>=``, the form's version argument and arguments) for a valid ``form``.

    A form that sets ``reapply_when_untouched`` treats a concurrent save that changed none of its fields as
    no conflict: the edit is applied on top of it. Otherwise ``ConflictError`` propagates.
    """
    arguments = {target: form.base_version(), **form.service_arguments(), **kwargs}

    def write() -> Any:
        try:
            return service(**arguments, **{form.version_argument: form.expected_version()})
        except ConflictError as error:
            if error.changes or not form.reapply_when_untouched:
                raise
            return service(**arguments, **{form.version_argument: error.obj.version})

    return retry_collisions(write)


def save_versioned(form: VersionedForm, service, target: str, **kwargs: Any) -> VersionedSave:
    """Validate ``form`` and write it through ``service`` (see ``write_versioned``; ``kwargs``, the user say,
    go to the service). A conflict comes back with what the other person changed, named by the form's labels,
    and the form re-based on the stored object; a service's ValidationError lands next to the fields."""
    if form.is_valid():
        try:
            return VersionedSave(True, form, write_versioned(service, target, form, **kwargs))
        except ConflictError as error:
            explained = ConflictError(error.obj, form.conflict_changes(error))
            return VersionedSave(False, form.rebased(error.obj), conflict=explained)
        except ValidationError as error:
            add_service_errors(form, error)
        except SaveCollision as collision:
            form.add_error(None, str(collision))
            return VersionedSave(False, form, collided=True)
    return VersionedSave(False, form)
