"""Forms of the roadmap pages: a what-if scenario and a project's roadmap pin (set or clear).

All three are versioned forms (``portfolio.forms.versioned``): they carry the versions they were based on,
so the shared versioned save refuses a change on top of someone else's.
"""

from typing import Any

from django import forms

from portfolio.forms.versioned import VersionedForm, VersionedObjectForm
from portfolio.models import MAX_ROADMAP_PIN, Portfolio, Project
from portfolio.scoring import TO_BUILD_STATUSES

from .planning import Scenario

PIN_LABEL = "Place on the roadmap"


class _PinChangeForm(VersionedObjectForm):
    """A change of a project's pin (``instance``), on the project's version the page showed."""

    def field_label(self, name: str) -> str:
        return PIN_LABEL if name == "roadmap_pin" else super().field_label(name)


class PinForm(_PinChangeForm):
    """Pin a project (``instance``) to a place on the roadmap list (1 = first), on the version the page showed."""

    position = forms.IntegerField(
        label=PIN_LABEL,
        min_value=1,
        max_value=MAX_ROADMAP_PIN,
        help_text="1 puts it first; producers it requires still come before it.",
    )
    # A typed edit: a missing or unreadable version is bad input (400), not a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, instance: Project, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("position", instance.roadmap_pin)
        super().__init__(*args, instance=instance, **kwargs)

    def service_data(self) -> dict[str, Any]:
        return {"position": self.cleaned_data["position"]}

    def rebased(self, current: Project) -> "PinForm":
        """The place the user typed, on the project's current version, to save again."""
        return type(self)(instance=current, initial={"position": self.cleaned_data["position"]})


class PinClearForm(_PinChangeForm):
    """Clear a project's pin: the form carries the project's version as the page showed it, so a project
    someone changed since (moved its pin, say) keeps its pin."""


class ScenarioForm(VersionedForm, forms.Form):
    """A what-if: capacity (people), projects to drop or add, pins; plus the versions it was based on.

    One ``pin_<id>`` field per project still to be built; ``v_<id>`` hidden versions for every project
    the scenario may touch, checked when a PM saves the scenario as the plan. Its own version is the
    portfolio settings' (``settings_version``), with the capacity they had (``base_capacity``).
    """

    version_field = version_argument = "settings_version"

    capacity = forms.IntegerField(
        label="Team capacity (people)",
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"id": "whatif-capacity"}),
    )
    window_weeks = forms.IntegerField(
        label="Planning window (weeks)",
        required=False,
        min_value=1,
        max_value=520,
        help_text="The funding decision's window: budget = capacity × window person-weeks.",
        widget=forms.NumberInput(attrs={"id": "whatif-window"}),
    )
    drop = forms.TypedMultipleChoiceField(
        label="Drop from the roadmap", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    add = forms.TypedMultipleChoiceField(
        label="Add parked projects", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    settings_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    base_capacity = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, portfolio: Portfolio, projects: list[Project], **kwargs):
        self.portfolio, self.projects = portfolio, projects
        self.to_build = [p for p in projects if p.status in TO_BUILD_STATUSES]
        self.parked = [p for p in projects if p.status == "parked"]
        initial = {
            "capacity": portfolio.capacity,
            "window_weeks": portfolio.planning_window_weeks,
            "base_capacity": portfolio.capacity,
            "settings_version": portfolio.version,
            **{f"pin_{p.pk}": p.roadmap_pin for p in self.to_build},
            **{f"v_{p.pk}": p.version for p in projects},
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["drop"].choices = [(p.pk, p.name) for p in self.to_build]
        self.fields["add"].choices = [(p.pk, p.name) for p in self.parked]
        for project in self.to_build:
            self.fields[f"pin_{project.pk}"] = forms.IntegerField(
                label=f"Pin {project.name}", required=False, min_value=1, max_value=MAX_ROADMAP_PIN
            )
        for project in projects:
            self.fields[f"v_{project.pk}"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @classmethod
    def for_portfolio(cls, portfolio: Portfolio, data=None) -> "ScenarioForm":
        """The form over the portfolio's projects (bound to ``data`` when given)."""
        projects = list(Project.objects.filter(portfolio=portfolio).order_by("name"))
        return cls(data, portfolio=portfolio, projects=projects)

    def project_rows(self) -> list[tuple[Project, forms.BoundField, bool]]:
        """(project, its pin field, dropped?) for each project still to be built, for the scenario table."""
        dropped = {str(v) for v in (self.data.getlist("drop") if self.is_bound else [])}
        return [(p, self[f"pin_{p.pk}"], str(p.pk) in dropped) for p in self.to_build]

    def version_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("v_")]

    def scenario(self) -> Scenario:
        """The validated scenario (call after is_valid)."""
        data = self.cleaned_data
        return Scenario(
            capacity=data["capacity"],
            drop=frozenset(data["drop"]),
            add=frozenset(data["add"]),
            pins={p.pk: data.get(f"pin_{p.pk}") for p in self.to_build},
            window_weeks=data.get("window_weeks"),
        )

    def project_versions(self) -> dict[int, int]:
        return {int(name[2:]): value for name, value in self.cleaned_data.items() if name.startswith("v_") and value}

    def base_version(self) -> Portfolio:
        return self.portfolio

    def service_arguments(self) -> dict[str, Any]:
        """For ``roadmap.services.scenario_save``: the scenario and the capacity and project versions it was on."""
        return {
            "scenario": self.scenario(),
            "base_capacity": self.cleaned_data["base_capacity"],
            "project_versions": self.project_versions(),
        }

    def rebased(self, current: Any) -> "ScenarioForm":
        """The user's scenario on top of the stored versions (settings, capacity, each project's), so pressing
        Save again applies it; ``current`` is what was in the way (the settings or a project)."""
        stored = type(self).for_portfolio(Portfolio.objects.get(pk=self.portfolio.pk))
        data = self.data.copy()
        for name in ("settings_version", "base_capacity", *(f"v_{p.pk}" for p in stored.projects)):
            data[name] = str(stored.initial[name])
        rebased = type(self)(data, portfolio=stored.portfolio, projects=stored.projects)
        rebased.is_valid()
        return rebased


class BaselineForm(forms.Form):
    """Mark the current figures as a review baseline, with a name ("Q1 planning")."""

    name = forms.CharField(
        label="Baseline name", max_length=120, help_text="e.g. “Q1 planning”: the review these figures were shown at."
    )
