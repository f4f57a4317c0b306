"""The forms of what delivery taught: an EM's progress on a project being built, a project's outcome.

Both are versioned model forms (``VersionedModelForm``) on the project's one progress report or outcome; before
the first one is recorded the form is on a new, unsaved row and the version it was based on is 0 ("none yet").
"""

from typing import Any

from django import forms

from ..models import Project, ProjectOutcome, ProjectProgress
from .versioned import VersionedModelForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DeliveryForm(VersionedModelForm):
    """A versioned form on a project's progress report or outcome; the services take the project."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The version the page was based on, 0 before the first is recorded: a save on top of one recorded
        # meanwhile is then a conflict too.
        seen = self.instance.version if self.instance.pk else 0
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=seen)
        for field in self.fields.values():
            if isinstance(field, forms.FloatField):
                field.widget.attrs.update(step="any", min="0")

    @classmethod
    def for_project(cls, project: Project, *args: Any, **kwargs: Any) -> "_DeliveryForm":
        """The form on ``project``'s row, or on a new one when none is recorded yet."""
        row = cls._meta.model.objects.filter(project=project).first() or cls._meta.model(project=project)
        return cls(*args, instance=row, **kwargs)

    def base_version(self) -> Project:
        """The project (what the services are called with); ``seen`` carries the row as the user saw it."""
        return self.instance.project

    def service_arguments(self) -> dict[str, Any]:
        seen = super().base_version()
        return {"data": self.service_data(), "seen": {name: getattr(seen, name) for name in self._meta.fields or ()}}

    def rebased(self, current: Any, **kwargs: Any) -> VersionedModelForm:
        if isinstance(current, Project):
            return type(self).for_project(current, **kwargs)
        return super().rebased(current, **kwargs)


class ProgressForm(_DeliveryForm):
    """Effort spent so far and the effort still to go (person-weeks), by the EM."""

    class Meta:
        model = ProjectProgress
        fields = ("effort_spent", "remaining_low", "remaining_likely", "remaining_high", "note")
        labels = {
            "effort_spent": "Effort spent so far (person-weeks)",
            "remaining_low": "Remaining effort, low (person-weeks)",
            "remaining_likely": "Remaining effort, likely (person-weeks)",
            "remaining_high": "Remaining effort, high (person-weeks)",
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class OutcomeForm(_DeliveryForm):
    """What happened: actual effort, start and finish, success, realised impact (later, optional)."""

    class Meta:
        model = ProjectOutcome
        fields = ("actual_effort", "actual_start", "actual_finish", "succeeded", "realized_impact", "note")
        labels = {
            "actual_effort": "Actual effort (person-weeks)",
            "succeeded": "Did it reach the performance it needed?",
            "realized_impact": "Realised impact per year",
        }
        widgets = {"actual_start": DATE_WIDGET, "actual_finish": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
