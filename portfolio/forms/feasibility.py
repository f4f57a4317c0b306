"""The EM's feasibility assessment form: tag, optional success probability, effort range, data readiness.

Validation is the model's (effort range in order, finite numbers, 0..1 probabilities), so messages land
next to the field. The form also carries the version of the project it was filled against, a signed
snapshot of the project as shown and the id of the assessment that was current, so a save made after
the PM changed the project, or after another EM assessed it, is refused and the EM sees what changed
(it is a ``VersionedForm``: the shared versioned save records it).
"""

from typing import Any, cast

from django import forms
from django.core import signing
from django.http import QueryDict

from .. import model_fields, selectors
from ..models import FeasibilityAssessment, Portfolio, Project, Tag
from .fields import PercentField, plain_number_inputs
from .rendering import DIRECT_WIDGETS
from .versioned import VersionedForm

ASSESSMENT_FIELDS = (
    "tag",
    "success_probability_override",
    "effort_low",
    "effort_likely",
    "effort_high",
    "examples_needed",
    "examples_available",
    "label_agreement_target",
    "label_agreement_current",
    "rationale",
)
# What the EM sees of the project while assessing it; a change to any of these is reported on conflict.
PROJECT_SNAPSHOT_FIELDS = (
    "name",
    "summary",
    "status",
    "impact_low",
    "impact_likely",
    "impact_high",
    "provisional_effort_low",
    "provisional_effort_likely",
    "provisional_effort_high",
    "staffing",
    "target_date",
)
SNAPSHOT_SALT = "portfolio.forms.feasibility.project-snapshot"


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def project_snapshot(project: Project) -> str:
    """The project's fields as the form shows them, signed so the browser cannot alter them."""
    return signing.dumps({f: _shown(getattr(project, f)) for f in PROJECT_SNAPSHOT_FIELDS}, salt=SNAPSHOT_SALT)


def project_changes(snapshot: str, project: Project) -> dict[str, tuple[str | None, str | None]]:
    """What changed on ``project`` since ``snapshot``: {field label: (value then, value now)}."""
    try:
        then = signing.loads(snapshot, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return {}
    changes = {}
    for name in PROJECT_SNAPSHOT_FIELDS:
        now = _shown(getattr(project, name))
        if name in then and then[name] != now:
            changes[str(model_fields.column(Project, name).verbose_name)] = (then[name], now)
    return changes


def current_of(project: Project) -> FeasibilityAssessment | None:
    """The current assessment among the project's ``assessment_history`` (``selectors.project_for_assessment``)."""
    return next((a for a in project.assessment_history if a.is_current), None)


class AssessmentForm(VersionedForm, forms.ModelForm):
    """A new assessment of ``project``; prefilled from the current one, else from the PM's provisional effort.

    Its version is the project's (``project_version``); ``based_on`` is the assessment that was current, and a
    refusal compares the project with the snapshot the EM saw, or the other EM's assessment with that one.
    """

    version_field = "project_version"
    version_argument = "expected_project_version"
    default_renderer = DIRECT_WIDGETS  # see ``forms.rendering``

    tag = forms.ChoiceField(label="Feasibility", widget=forms.RadioSelect)
    project_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    project_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, label="Assessment seen")
    label_agreement_target = PercentField(
        required=False,
        label="Label agreement target (%)",
        help_text="Share of items two raters label alike, in percent (85 means 85%).",
    )
    label_agreement_current = PercentField(
        required=False, label="Label agreement now (%)", help_text="Agreement measured today, in percent (optional)."
    )

    class Meta:
        model = FeasibilityAssessment
        fields = ASSESSMENT_FIELDS
        labels = {
            "success_probability_override": "Success probability (override)",
            "effort_low": "Effort low",
            "effort_likely": "Effort likely",
            "effort_high": "Effort high",
            "examples_needed": "Labelled examples needed",
            "examples_available": "Labelled examples available",
        }
        help_texts = {
            "effort_low": "person-weeks, optimistic",
            "effort_likely": "person-weeks, most likely",
            "effort_high": "person-weeks, pessimistic",
            "examples_needed": "How many labelled examples the model needs (optional).",
            "examples_available": "How many labelled examples exist today (optional).",
            "rationale": "Why this tag and range: what is known, what is risky, what data is missing.",
        }
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, project: Project, portfolio: Portfolio, current=None, **kwargs: Any):
        self.project, self.current = project, current
        instance = FeasibilityAssessment(
            project=project,
            impact_low_seen=project.impact_low,
            impact_likely_seen=project.impact_likely,
            impact_high_seen=project.impact_high,
        )
        kwargs.setdefault("initial", {}).update(self._prefill(project, current))
        kwargs["instance"] = instance
        super().__init__(*args, **kwargs)
        plain_number_inputs(self)  # "100", not "100.0"
        self.portfolio = portfolio
        defaults = {tag: portfolio.success_probability_for(tag) for tag in Tag.values}
        cast(forms.ChoiceField, self.fields["tag"]).choices = [
            (tag, f"{label} (default {defaults[tag] * 100:.0f}% chance of success)") for tag, label in Tag.choices
        ]
        self.fields["success_probability_override"].help_text = (
            "Optional, a fraction 0 to 1. Empty = the portfolio's default for the tag: "
            + ", ".join(f"{tag} {p * 100:.0f}%" for tag, p in defaults.items())
            + "."
        )
        self.fields["success_probability_override"].widget.attrs.update(step="any", min="0", max="1")
        for name in ("effort_low", "effort_likely", "effort_high"):
            self.fields[name].widget.attrs.update(step="any", min="0.1")

    @staticmethod
    def _prefill(project: Project, current: FeasibilityAssessment | None) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "project_version": project.version,
            "project_snapshot": project_snapshot(project),
            "based_on": current.pk if current else None,
        }
        if current is not None:
            initial.update({name: getattr(current, name) for name in ASSESSMENT_FIELDS})
        elif project.has_provisional_effort:
            initial.update(
                effort_low=project.provisional_effort_low,
                effort_likely=project.provisional_effort_likely,
                effort_high=project.provisional_effort_high,
            )
        return initial

    def base_version(self) -> Project:
        return self.project

    def service_data(self) -> dict[str, Any]:
        """The assessment's fields, for ``services.assessment_record``."""
        return {name: self.cleaned_data[name] for name in ASSESSMENT_FIELDS}

    def service_arguments(self) -> dict[str, Any]:
        return {"expected_assessment_id": self.cleaned_data["based_on"], **self.service_data()}

    def rebased(self, current: Any) -> "AssessmentForm":
        """The same typed values, now based on the project and its assessments as stored, to save again.

        ``current`` is what was in the way (the project, or another EM's assessment); the form reloads the
        project with its history either way (``.project`` and ``.current`` are what the page shows next).
        """
        project = selectors.project_for_assessment(portfolio=self.portfolio, project_id=self.project.pk)
        current = current_of(project)
        data = cast(QueryDict, self.data).copy()  # a bound form's POST
        data["project_version"] = str(project.version)
        data["project_snapshot"] = project_snapshot(project)
        data["based_on"] = str(current.pk) if current else ""
        return type(self)(data, project=project, portfolio=self.portfolio, current=current)

    def conflict_changes(self, error: Any) -> dict[str, tuple[Any, Any]]:
        """The project's fields changed since the form was loaded, or how the other assessment differs from the
        one the EM saw (by the form's labels, in lower case as the sentence reads)."""
        if isinstance(error.obj, Project):
            return project_changes(self.cleaned_data["project_snapshot"], error.obj)
        return {self.field_label(name).lower(): values for name, values in error.changes.items()}
