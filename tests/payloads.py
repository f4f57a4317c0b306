"""Form data as the pages post it, for every test that submits a project's edit form or its backlog row.

Built from the forms' own field lists, so a field added to a form is posted by every test that uses these.
"""

import datetime
from collections.abc import Iterable

from portfolio.forms.project import PROJECT_FIELDS, ROW_FIELDS
from portfolio.models import Project


def _as_posted(value):
    """A model value as its input sends it back: nothing is an empty input, a date is ISO (YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def project_form(project: Project, fields: Iterable[str] = PROJECT_FIELDS, **changes) -> dict:
    """The project edit form as its page posts it: every field with the project's current value, the hidden copy
    of that value as loaded (``initial-<field>``) and the ``version`` the form was loaded at; then ``changes``."""
    values = {name: _as_posted(getattr(project, name)) for name in fields}
    return {
        **values,
        **{f"initial-{name}": value for name, value in values.items()},
        "version": project.version,
        **changes,
    }


def project_row_form(project: Project, **changes) -> dict:
    """The backlog's inline edit row of ``project`` as it posts (its fewer fields, same version handling)."""
    return project_form(project, ROW_FIELDS, **changes)
