"""Project forms: the full edit form, the backlog's compact add form and inline row, the backlog filters.

Validation is the model's (ranges in order, finite numbers, limits), so messages land next to the
field they are about. Edit forms are ``VersionedModelForm``s (``forms/versioned.py``): they carry the
hidden ``version`` they were based on, and every field also carries its value as loaded
(``initial-<name>``), so a refused save can say what the other person changed.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ..models import Project, Status, Tag, normalize_project_name
from .rendering import DIRECT_WIDGETS
from .versioned import SeenVersionField, VersionedModelForm, VersionedObjectForm

PROJECT_FIELDS = (
    "name",
    "summary",
    "user_problem",
    "problem_type",
    "status",
    "owner",
    "output_kpi",
    "input_metrics",
    "lazy_10x_note",
    "target_date",
    "staffing",
    "impact_low",
    "impact_likely",
    "impact_high",
    "provisional_effort_low",
    "provisional_effort_likely",
    "provisional_effort_high",
)
CREATE_FIELDS = (
    "name",
    "status",
    "owner",
    "impact_low",
    "impact_likely",
    "impact_high",
    "provisional_effort_low",
    "provisional_effort_likely",
    "provisional_effort_high",
)
ROW_FIELDS = (*CREATE_FIELDS, "staffing", "target_date")  # the backlog row edits these too


class ProjectForm(VersionedModelForm):
    """Every field of a project a PM edits (the project page's edit form)."""

    class Meta:
        model = Project
        fields: tuple[str, ...] = PROJECT_FIELDS
        widgets = {
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "user_problem": forms.Textarea(attrs={"rows": 3}),
            "input_metrics": forms.Textarea(attrs={"rows": 3}),
            "lazy_10x_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "impact_low": "Impact low",
            "impact_likely": "Impact likely",
            "impact_high": "Impact high",
            "provisional_effort_low": "Provisional effort low",
            "provisional_effort_likely": "Provisional effort likely",
            "provisional_effort_high": "Provisional effort high",
            "staffing": "Staffing (people)",
        }

    def __init__(self, *args: Any, portfolio, **kwargs: Any):
        self.portfolio = portfolio
        super().__init__(*args, **kwargs)
        self.instance.portfolio = portfolio
        for name in ("impact_low", "impact_likely", "impact_high"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(step="any", min="0")
                self.fields[name].help_text = f"{portfolio.value_unit} per year"
        for name in ("provisional_effort_low", "provisional_effort_likely", "provisional_effort_high"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(step="any", min="0.1")
                self.fields[name].help_text = "person-weeks (optional: the PM's guess until an EM assesses it)"

    def clean_name(self) -> str:
        name = normalize_project_name(self.cleaned_data["name"])
        if self.instance.pk and name == self.instance.name:
            return name  # its own stored name: the unique constraint says no other project has it
        taken = Project.objects.filter(portfolio=self.portfolio, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("This portfolio already has a project with this name.", code="duplicate")
        return name

    def rebased(self, current: models.Model, **kwargs: Any) -> "ProjectForm":
        return type(self)(instance=current, portfolio=self.portfolio, **kwargs)


class ProjectRowForm(ProjectForm):
    """The backlog's inline edit of one row: the fields shown in the table."""

    default_renderer = DIRECT_WIDGETS  # each field is drawn twice (as typed, as loaded): see ``forms.rendering``

    class Meta(ProjectForm.Meta):
        fields = ROW_FIELDS

    def __init__(self, *args: Any, **kwargs: Any):
        # The add form above the table has inputs of the same names: keep the row's ids apart.
        instance = kwargs.get("instance")
        kwargs.setdefault("auto_id", f"row-{instance.pk if instance else 'new'}-%s")
        super().__init__(*args, **kwargs)


class ProjectCreateForm(ProjectForm):
    """The compact form above the backlog table; the other fields keep their defaults."""

    class Meta(ProjectForm.Meta):
        fields = CREATE_FIELDS


class ProjectDeleteForm(VersionedObjectForm):
    """The confirmation of a project's deletion: the project's version and the id of its current assessment
    (0 for none) as the page showed them, so a project someone changed or assessed since is not deleted."""

    assessment = SeenVersionField()

    def service_arguments(self) -> dict[str, Any]:
        return {"expected_assessment_id": self.cleaned_data["assessment"]}


SORT_CHOICES = (
    ("name", "Name"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("impact", "Impact"),
    ("effort", "Effort"),
    ("tag", "Feasibility"),
    ("rank", "Rank"),
    ("roi", "Expected ROI"),
    ("ptopk", "P(top-K)"),
)


class BacklogFilterForm(forms.Form):
    """Search, filters and sort order of the backlog (a GET form; bad values fall back to defaults)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.MultipleChoiceField(required=False, choices=Status.choices, widget=forms.CheckboxSelectMultiple)
    tag = forms.MultipleChoiceField(
        required=False,
        choices=[*Tag.choices, ("none", "Needs assessment")],
        widget=forms.CheckboxSelectMultiple,
        label="Feasibility",
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    dir = forms.ChoiceField(required=False, choices=(("asc", "ascending"), ("desc", "descending")))

    def value(self, name: str, default: Any = None) -> Any:
        """The cleaned value of one field, or ``default`` when it is missing or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default
