"""Forms of the roadmap pages: a what-if scenario and a project's roadmap pin (set or clear).

All three are versioned forms (``portfolio.forms.versioned``): they carry the versions they were based on,
so the shared versioned save refuses a change on top of someone else's.
"""

from typing import Any, cast

from django import forms
from django.http import QueryDict

from portfolio.field_rules import MAX_ROADMAP_PIN
from portfolio.forms.versioned import VersionedForm, VersionedObjectForm
from portfolio.models import Portfolio, Project
from portfolio.parsing import whole_number
from portfolio.scoring_inputs import TO_BUILD_STATUSES

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


def _lenient_pairs(text: str) -> dict[int, int | None]:
    """The readable entries of ``"12:3,15:-"`` (the rest is left to ``_pairs`` to refuse)."""
    try:
        return _pairs(text, what="pin", allow_blank=True)
    except forms.ValidationError:
        return {}


def _pairs(text: str, *, what: str, allow_blank: bool = False) -> dict[int, int | None]:
    """``"12:3,15:-"`` -> {12: 3, 15: None} (``-`` or nothing after the colon only with ``allow_blank``); a
    ValidationError naming the first entry that is not ``<id>:<whole number>``."""
    pairs: dict[int, int | None] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        key, colon, value = entry.partition(":")
        pk, number = whole_number(key), whole_number(value)
        if not colon or pk is None or (number is None and not (allow_blank and value in ("", "-"))):
            raise forms.ValidationError(f"“{entry[:40]}” is not a {what} (write project id:number).", code="invalid")
        pairs[pk] = number
    return pairs


def saved_pin(project: Project) -> str:
    """A project's pin as a form shows it ("" for none)."""
    return "" if project.roadmap_pin is None else str(project.roadmap_pin)


def encode_pairs(pairs: dict[int, int | None]) -> str:
    """The inverse of ``_pairs``: {12: 3, 15: None} -> ``"12:3,15:-"``."""
    return ",".join(f"{pk}:{'-' if value is None else value}" for pk, value in pairs.items())


class ScenarioForm(VersionedForm, forms.Form):
    """A what-if: capacity (people), projects to drop or add, pins; plus the versions it was based on.

    A scenario sends only what it changes, so it works whatever the portfolio's size (2,000 projects and more:
    Django refuses a request of over ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields, a proxy a URL of over ~8 KB):

    - ``pins``: the changed pins as ``<project id>:<place>`` pairs, ``-`` to unpin (``"12:1,40:-"``); a project
      not named keeps its pin. The page's per-project ``pin_<id>`` inputs are read too when they are sent: a
      browser without JavaScript sends them all (a POST body, within ``DATA_UPLOAD_MAX_NUMBER_FIELDS``); with it,
      ``static/js/whatif.js`` folds the changed ones into ``pins`` and sends no ``pin_<id>``. The bound form
      puts the compact pins into the rows (``pin_<id>``), so the table shows the scenario's pins either way;
    - ``versions``: ``<project id>:<version>`` of the projects the page showed, checked when a PM saves the
      scenario as the plan (only those it changes need to be there; the page carries them all in one field);
    - its own version is the portfolio settings' (``settings_version``), with the capacity they had
      (``base_capacity``).
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
    pins = forms.CharField(label="Pins", required=False, widget=forms.HiddenInput(attrs={"id": "whatif-pins"}))
    versions = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "whatif-versions"}))
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
            "versions": encode_pairs({p.pk: p.version for p in [*self.to_build, *self.parked]}),
            **{f"pin_{p.pk}": p.roadmap_pin for p in self.to_build},
            **kwargs.pop("initial", {}),
        }
        if args and args[0] is not None:
            args = (self._pins_into_rows(args[0]), *args[1:])
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["drop"]).choices = [(p.pk, p.name) for p in self.to_build]
        cast(forms.ChoiceField, self.fields["add"]).choices = [(p.pk, p.name) for p in self.parked]
        for project in self.to_build:
            self.fields[f"pin_{project.pk}"] = forms.IntegerField(
                label=f"Pin {project.name}",
                required=False,
                min_value=1,
                max_value=MAX_ROADMAP_PIN,
                widget=forms.NumberInput(attrs={"data-pin-of": project.pk, "data-saved-pin": saved_pin(project)}),
            )

    def _pins_into_rows(self, data):
        """``data`` with a ``pin_<id>`` for every project still to be built: the one sent, else the compact ``pins``
        entry, else the pin it has now; the compact field is kept aside for ``clean`` and sent back empty."""
        data = data.copy()
        self.compact_pins = data.get("pins", "")
        changed = _lenient_pairs(self.compact_pins)
        for project in self.to_build:
            name = f"pin_{project.pk}"
            if project.pk in changed:
                data[name] = "" if changed[project.pk] is None else str(changed[project.pk])
            elif name not in data:
                data[name] = saved_pin(project)
        data["pins"] = ""
        return data

    @classmethod
    def for_portfolio(cls, portfolio: Portfolio, data=None) -> "ScenarioForm":
        """The form over the portfolio's projects (bound to ``data`` when given)."""
        projects = list(Project.objects.filter(portfolio=portfolio).order_by("name"))
        return cls(data, portfolio=portfolio, projects=projects)

    def project_rows(self) -> list[tuple[Project, forms.BoundField, bool]]:
        """(project, its pin field, dropped?) for each project still to be built, for the scenario table."""
        dropped = {str(v) for v in (cast(QueryDict, self.data).getlist("drop") if self.is_bound else [])}
        return [(p, self[f"pin_{p.pk}"], str(p.pk) in dropped) for p in self.to_build]

    def version_fields(self) -> list[forms.BoundField]:
        return [self["versions"], self["pins"]]

    def clean(self) -> dict[str, Any]:
        """Read the compact fields, with a message above the form (they are hidden): pins that do not read or name
        no project still to be built here (their places are checked by the rows' fields they were put into), and
        versions that do not read."""
        cleaned = super().clean() or {}
        try:
            pins = _pairs(getattr(self, "compact_pins", ""), what="pin", allow_blank=True)
            cleaned["versions"] = _pairs(cleaned.get("versions", ""), what="version")
        except forms.ValidationError as error:
            self.add_error(None, error)
            return cleaned
        to_build = {p.pk for p in self.to_build}
        if unknown := [str(pk) for pk in pins if pk not in to_build]:
            self.add_error(None, f"Pins name projects that are not still to be built here: {', '.join(unknown[:10])}.")
        return cleaned

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
        return {pk: version for pk, version in self.cleaned_data["versions"].items() if version}

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
        Save again applies it; ``current`` is what was in the way (the settings or a project). Its changed pins
        are in the rows (``pin_<id>``) by now, whichever way they were sent."""
        stored = type(self).for_portfolio(Portfolio.objects.get(pk=self.portfolio.pk))
        data = cast(QueryDict, self.data).copy()  # a bound form's POST
        for name in ("settings_version", "base_capacity", "versions"):
            data[name] = str(stored.initial[name])
        rebased = type(self)(data, portfolio=stored.portfolio, projects=stored.projects)
        rebased.is_valid()
        return rebased


class BaselineForm(forms.Form):
    """Mark the current figures as a review baseline, with a name ("Q1 planning")."""

    name = forms.CharField(
        label="Baseline name", max_length=120, help_text="e.g. “Q1 planning”: the review these figures were shown at."
    )
