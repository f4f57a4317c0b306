"""The one form base of every edit that checks a version (project, row, link, settings, assessment, pin, ...).

A versioned form carries the version of the object it was loaded from, and knows four things the shared
save (``portfolio.views.versioned.save_versioned``) asks it:

- ``expected_version()``: the version the user's page was based on;
- ``base_version()``: the object as the user saw it, so a refusal can say what someone else changed;
- ``service_arguments()``: what the service is called with besides the object and the version
  (``service_data()`` is the values the user typed);
- ``rebased(current)``: a form on the stored object, for the user to apply their change again.

``add_service_errors`` puts a ValidationError a service raised next to the form's fields.
"""

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ..parsing import whole_number
from .fields import plain_number_inputs

NO_VERSION = -1  # what a missing or unreadable version reads as: it matches no stored version


def add_service_errors(form: forms.BaseForm, error: ValidationError, *, aliases: dict | None = None) -> None:
    """Put a ValidationError raised by a service next to the form's fields (the rest above the form)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, messages)


class SeenVersionField(forms.Field):
    """The version a page showed, sent back by an action that changes nothing else (delete, remove, clear).

    It is never invalid: a missing or unreadable version (not plain ASCII digits, or absurdly long) reads as
    ``NO_VERSION``, which matches nothing, so the service refuses the action as a conflict.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int:
        number = whole_number(str(value or ""))
        return NO_VERSION if number is None else number


class VersionedForm(forms.BaseForm):
    """What every versioned form offers the shared save; mixed into ``forms.Form`` or ``forms.ModelForm``.

    Subclasses set ``version_field`` (the hidden input with the version, "version" unless told),
    ``version_argument`` (the service's keyword for it) and, for an edit of some fields whose service reports
    only the fields both sides changed, ``reapply_when_untouched`` (a concurrent save that changed none of
    them is then no conflict: the edit is applied on top of it).
    """

    version_field = "version"
    version_argument = "expected_version"
    reapply_when_untouched = False
    instance: Any  # the stored object the form is about (set by ModelForm, or by VersionedObjectForm)

    def expected_version(self) -> int:
        """The version the user's page was based on (call after ``is_valid``)."""
        return self.cleaned_data[self.version_field]

    def base_version(self) -> Any:
        """The object as the user saw it; a plain versioned form knows it as its ``instance``."""
        return self.instance

    def service_data(self) -> dict[str, Any]:
        """The values the user typed, for the service."""
        return {}

    def service_arguments(self) -> dict[str, Any]:
        """Everything the service takes besides the object, the expected version and the user."""
        return self.service_data()

    def rebased(self, current: Any) -> "VersionedForm":
        """A fresh form on the stored object, for the user to apply their change again."""
        form_class: Any = type(self)  # every concrete versioned form takes ``instance``; BaseForm does not
        return form_class(instance=current)

    def field_label(self, name: str) -> str:
        """How a conflict names the field ``name``: its label on this form ("Impact likely", not "impact_likely")."""
        return str(self[name].label) if name in self.fields else name.replace("_", " ")

    def conflict_changes(self, error: Any) -> dict[str, tuple[Any, Any]]:
        """What someone else changed, from a ConflictError's ``changes`` ({field: (value the user saw, value
        now)}): the fields whose value differs, named by their labels."""
        return {self.field_label(name): (then, now) for name, (then, now) in error.changes.items() if then != now}


class VersionedObjectForm(VersionedForm, forms.Form):
    """A versioned form about one stored object (a project to pin, a link to remove): ``instance`` is it."""

    version: forms.Field = SeenVersionField()

    def __init__(self, *args: Any, instance: Any, **kwargs: Any):
        self.instance = instance
        kwargs.setdefault("initial", {}).setdefault(self.version_field, instance.version)
        super().__init__(*args, **kwargs)


class VersionedModelForm(VersionedForm, forms.ModelForm):
    """A ModelForm for editing an object that carries the version it was based on.

    ``base_version()`` rebuilds the object as the user saw it when the form was loaded (from the
    hidden ``initial-<field>`` inputs), so a ConflictError can list what someone else changed.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reapply_when_untouched = True

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        plain_number_inputs(self)  # "100", not "100.0"
        self._as_loaded = copy.copy(self.instance)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            for name in self._meta.fields or ():
                self.fields[name].show_hidden_initial = True
        else:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of the model's fields, for the service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}

    def service_arguments(self) -> dict[str, Any]:
        """An edit service takes the new values as ``data``."""
        return {"data": self.service_data()}

    def base_version(self):
        """The object as the user saw it (their values where the loaded ones are missing or unreadable)."""
        seen = copy.copy(self._as_loaded)
        for name in self._meta.fields or ():
            field = self.fields[name]
            try:
                value = field.clean(self.data[self.add_initial_prefix(name)])
            except (KeyError, ValidationError):
                value = self.cleaned_data.get(name, getattr(seen, name))
            setattr(seen, name, value)
        return seen

    def rebased(self, current: models.Model, **kwargs: Any) -> "VersionedModelForm":
        """A fresh form showing the current values and version, for the user to reapply their changes."""
        return type(self)(instance=current, **kwargs)
