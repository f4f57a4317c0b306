"""The portfolio settings form (PM): scoring and roadmap inputs, each explained next to its field.

It is a ``VersionedModelForm``: it carries the version it was loaded at and every field's value as
loaded, so a save on top of someone else's is refused and the message says what they changed.
"""

from typing import Any

from django import forms

from ..models import Portfolio
from ..services import PORTFOLIO_SETTING_FIELDS
from .versioned import VersionedModelForm, VersionedObjectForm


class PortfolioSettingsForm(VersionedModelForm):
    """Name, description and every setting the ranking and the roadmap read."""

    class Meta:
        model = Portfolio
        fields = PORTFOLIO_SETTING_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "roadmap_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "value_unit": "Value unit",
            "cost_per_person_week": "Cost per person-week",
            "horizon_years": "Value horizon (years)",
            "trials": "Monte Carlo trials",
            "top_k": "Top-K",
            "p_easy": "Success probability: easy",
            "p_hard": "Success probability: hard",
            "p_impossible": "Success probability: impossible",
            "capacity": "Team capacity (people)",
            "planning_window_weeks": "Planning window (weeks)",
            "roadmap_start": "Roadmap start",
            "seed": "Random seed",
            "calibrated_ranges": "Calibrated ranges",
        }
        help_texts = {
            "name": "Shown at the top of every page.",
            "description": "What this backlog covers (optional).",
            "value_unit": "Label of every impact and value figure, e.g. k$ (thousands of dollars) or M€.",
            "horizon_years": "Years of value a shipped project is credited with: value = impact per year × "
            "horizon. 0.1 to 20.",
            "trials": "Simulated outcomes per ranking: more trials, steadier figures, slower recompute. 100 to 20,000.",
            "top_k": "P(top-K) is the share of trials in which a project's ROI is among the K highest.",
            "p_easy": "Chance an easy ML problem succeeds, 0 to 1 (0.9 = 90%). An EM may override it per project.",
            "p_hard": "Chance a hard problem succeeds, 0 to 1; also used for projects not assessed yet.",
            "p_impossible": "Chance an impossible problem succeeds, 0 to 1 (usually 0); such projects rank last.",
            "capacity": "People who build the roadmap; each project takes its staffing from them.",
            "planning_window_weeks": "Weeks the funding decision covers (13 = a quarter). Budget = capacity × window "
            "person-weeks: projects are funded in rank order while their expected effort fits it. 1 to 520.",
            "roadmap_start": "Day the roadmap simulation starts; start and finish dates count from here.",
            "seed": "Each project draws its random outcomes from its own streams of this number, so a figure moves "
            "only when an input it depends on moves. Change it to check that a decision does not hang on luck: "
            "every figure is redrawn.",
            "calibrated_ranges": "Before sampling, correct the ranges of each estimator with at least 5 resolved "
            "estimates by their track record on the Calibration page (scaled by their bias, widened by their "
            "stretch). Every page says when it is on.",
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit = self.instance.value_unit
        self.fields[
            "cost_per_person_week"
        ].help_text = f"What one person-week costs, in {unit}: cost of a project = effort (person-weeks) × this."
        for name in ("cost_per_person_week", "horizon_years", "p_easy", "p_hard", "p_impossible"):
            self.fields[name].widget.attrs.update(step="any")
        for name in ("p_easy", "p_hard", "p_impossible"):
            self.fields[name].widget.attrs.update(min="0", max="1")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class TagRatesForm(VersionedObjectForm):
    """Adopt the observed success rate of each feasibility tag (the calibration page's one click): hidden fields
    with the rates the page showed, on the settings version it showed. A tag with no rate is left as it is."""

    p_easy = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    p_hard = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    p_impossible = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, instance: Portfolio, rates: dict[str, float] | None = None, **kwargs: Any):
        initial = kwargs.setdefault("initial", {})
        for tag, rate in (rates or {}).items():
            initial[f"p_{tag}"] = rate
        super().__init__(*args, instance=instance, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"p_{tag}") is not None for tag in ("easy", "hard", "impossible")):
            raise forms.ValidationError("No observed success rate to adopt.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        names = ("p_easy", "p_hard", "p_impossible")
        return {"data": {name: self.cleaned_data[name] for name in names if self.cleaned_data.get(name) is not None}}

    def field_label(self, name: str) -> str:
        return PortfolioSettingsForm.Meta.labels.get(name, super().field_label(name))
