"""Forms of the roadmap pages: a what-if scenario and a project's roadmap pin."""

from django import forms

from portfolio.models import MAX_ROADMAP_PIN, Portfolio, Project
from portfolio.scoring import TO_BUILD_STATUSES

from .planning import Scenario


class PinForm(forms.Form):
    """Pin a project to a place on the roadmap list (1 = first)."""

    position = forms.IntegerField(
        label="Place on the roadmap",
        min_value=1,
        max_value=MAX_ROADMAP_PIN,
        help_text="1 puts it first; producers it requires still come before it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ScenarioForm(forms.Form):
    """A what-if: capacity (people), projects to drop or add, pins; plus the versions it was based on.

    One ``pin_<id>`` field per project still to be built; ``v_<id>`` hidden versions for every project
    the scenario may touch, checked when a PM saves the scenario as the plan.
    """

    capacity = forms.IntegerField(
        label="Team capacity (people)",
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"id": "whatif-capacity"}),
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
        self.portfolio = portfolio
        self.to_build = [p for p in projects if p.status in TO_BUILD_STATUSES]
        self.parked = [p for p in projects if p.status == "parked"]
        initial = {
            "capacity": portfolio.capacity,
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
        )

    def project_versions(self) -> dict[int, int]:
        return {int(name[2:]): value for name, value in self.cleaned_data.items() if name.startswith("v_") and value}
