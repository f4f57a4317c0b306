"""Reuse link forms: add a link from a project's page (either direction), edit or remove one with its version."""

import math
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from ..models import LinkKind, Project, ReuseLink
from .fields import ManyOptionsSelect
from .versioned import VersionedModelForm, VersionedObjectForm

FRACTION_HELP = "Share of the consumer's effort the reuse saves, 0 to 0.9 (0.3 = 30%)."


def _check_fraction(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValidationError("Enter a finite number.", code="not_finite")
    return value


class LinkCreateForm(forms.Form):
    """A reuse link seen from one project: it reuses the other's output, or the other reuses its output."""

    REUSES = "reuses"
    REUSED_BY = "reused_by"

    direction = forms.ChoiceField(
        choices=((REUSES, "This project reuses the output of"), (REUSED_BY, "This project's output is reused by")),
        initial=REUSES,
    )
    other = forms.ModelChoiceField(
        queryset=Project.objects.none(), label="Project", empty_label="— choose —", widget=ManyOptionsSelect
    )
    kind = forms.ChoiceField(choices=LinkKind.choices, initial=LinkKind.BENEFITS)
    fraction = forms.FloatField(min_value=0.0, max_value=0.9, initial=0.2, help_text=FRACTION_HELP)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, project: Project, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.project = project
        other = cast(forms.ModelChoiceField, self.fields["other"])
        # Validation accepts any project of the portfolio (so a self link gets its own clear message);
        # the list offers the others.
        other.queryset = Project.objects.filter(portfolio_id=project.portfolio_id).only("id", "name")
        other.choices = [("", other.empty_label)] + [
            (pk, name) for pk, name in other.queryset.exclude(pk=project.pk).values_list("pk", "name")
        ]
        self.fields["fraction"].widget.attrs.update(step="any")

    def clean_fraction(self) -> float | None:
        return _check_fraction(self.cleaned_data.get("fraction"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        other = cleaned.get("other")
        if other is None:
            return cleaned
        if other.pk == self.project.pk:
            self.add_error("other", "A project cannot reuse its own output.")
            return cleaned
        producer, consumer = self.ends()
        if ReuseLink.objects.filter(producer=producer, consumer=consumer).exists():
            self.add_error("other", f"There is already a link: {consumer.name} reuses the output of {producer.name}.")
        return cleaned

    def ends(self) -> tuple[Project, Project]:
        """(producer, consumer) of the link the form describes."""
        other = self.cleaned_data["other"]
        if self.cleaned_data.get("direction") == self.REUSED_BY:
            return self.project, other
        return other, self.project

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("kind", "fraction", "note")}


class LinkEditForm(VersionedModelForm):
    """Kind, fraction and note of an existing link (its ends stay; remove and re-add to change them)."""

    class Meta:
        model = ReuseLink
        fields = ("kind", "fraction", "note")
        help_texts = {"fraction": FRACTION_HELP}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["fraction"].widget.attrs.update(step="any", min="0", max="0.9")


class LinkRemoveForm(VersionedObjectForm):
    """Remove a link: the form carries the link's version as the page showed it, so a link someone changed
    since is not removed unseen."""
