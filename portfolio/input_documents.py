"""A portfolio's complete planning inputs as one JSON-able document, and back to the math's inputs.

Pure Python (stdlib; ``scoring_inputs`` and ``sampling`` for the inputs' types; no Django). The
recompute reads the backlog into ``PlanInputs``, turns it into a document (``to_document``), computes FROM the
document read back (``from_document``) and stores it with the snapshot: so "the figures of a snapshot can be
recomputed from its inputs" holds by construction (DESIGN.md, "Review baselines and explained changes").

The document (format 1), every number in its own units:

- ``settings``: value unit label, cost per person-week (value units), horizon (years), trials, top-K, the
  success probability of each feasibility tag, team capacity (people), planning window (weeks), roadmap start
  (ISO date), seed, and whether the ranges are calibrated (corrected by their estimators' track record; the ranges
  listed are then the corrected ones the math used);
- ``projects`` (by id): name, status, impact [low, likely, high] (value units per year), effort in force
  [low, likely, high] (person-weeks, null without one), feasibility tag (null: not assessed), the EM's success
  probability override (null: none), staffing (people), target date (ISO, null), roadmap pin (null); for a project
  being built with a progress report also ``effort_from`` (ISO: the day its effort, the remaining range, counts
  from) and ``effort_spent`` (person-weeks so far); with an outcome, ``outcome``: actual effort (person-weeks),
  actual start and finish (ISO), succeeded (yes / no / unknown), realised impact (value units per year). Keys
  absent mean none, so documents stored before these existed read the same;
- ``links`` (by producer, consumer): producer id, consumer id, kind, effort saving fraction.

Project ids are the keys of the random streams, so a document recomputed gives the same draws bit for bit.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from . import scoring_inputs
from .sampling import Range

FORMAT = 1
DEFAULT_WINDOW_WEEKS = 13  # documents stored before the planning window existed were computed with none


@dataclass(frozen=True)
class PlanSettings:
    """The portfolio settings the ranking and the roadmap are computed with (units as in the module doc)."""

    value_unit: str
    cost_per_person_week: float
    horizon_years: float
    trials: int
    top_k: int
    p_easy: float
    p_hard: float
    p_impossible: float
    capacity: int
    roadmap_start: datetime.date
    seed: int
    planning_window_weeks: int = DEFAULT_WINDOW_WEEKS
    calibrated_ranges: bool = False  # the ranges below were corrected by their estimators' track record

    def by_tag(self) -> dict[str, float]:
        """The success probability of each feasibility tag."""
        return {"easy": self.p_easy, "hard": self.p_hard, "impossible": self.p_impossible}

    def scoring_settings(self) -> scoring_inputs.ScoringSettings:
        """These settings as the ranking takes them."""
        return scoring_inputs.ScoringSettings(
            cost_per_person_week=self.cost_per_person_week,
            horizon_years=self.horizon_years,
            trials=self.trials,
            top_k=self.top_k,
        )


@dataclass(frozen=True)
class ProjectFacts:
    """What the roadmap needs of a project beyond the ranking: staffing (people), target date, the PM's pin, and
    for a project being built the day its remaining effort counts from (it starts no earlier)."""

    staffing: int
    target_date: datetime.date | None
    pin: int | None
    effort_from: datetime.date | None = None


@dataclass(frozen=True)
class OutcomeFacts:
    """What happened to a project: actual effort (person-weeks), actual start and finish, succeeded (yes / no /
    unknown), realised impact (value units per year); None where not recorded."""

    actual_effort: float | None
    actual_start: datetime.date | None
    actual_finish: datetime.date | None
    succeeded: str
    realized_impact: float | None

    def document(self) -> dict[str, Any]:
        """The outcome as a document holds it."""
        return {
            "actual_effort": self.actual_effort,
            "actual_start": self.actual_start.isoformat() if self.actual_start else None,
            "actual_finish": self.actual_finish.isoformat() if self.actual_finish else None,
            "succeeded": self.succeeded,
            "realized_impact": self.realized_impact,
        }

    @classmethod
    def from_document(cls, values: dict[str, Any]) -> "OutcomeFacts":
        """The inverse of ``document``."""
        effort, impact = values["actual_effort"], values["realized_impact"]
        return cls(
            actual_effort=None if effort is None else float(effort),
            actual_start=_date(values["actual_start"]),
            actual_finish=_date(values["actual_finish"]),
            succeeded=str(values["succeeded"]),
            realized_impact=None if impact is None else float(impact),
        )


@dataclass(frozen=True)
class ProjectRecord:
    """One project's planning inputs: impact in value units per year, effort in force in person-weeks (None
    without one), tag None until assessed, ``probability_override`` the EM's (None: the tag's probability);
    ``effort_from`` and ``effort_spent`` for a project being built with a progress report, ``outcome`` once
    recorded."""

    key: int
    name: str
    status: str
    impact: Range
    effort: Range | None
    tag: str | None
    probability_override: float | None
    staffing: int
    target_date: datetime.date | None
    pin: int | None
    effort_from: datetime.date | None = None
    effort_spent: float | None = None
    outcome: OutcomeFacts | None = None

    def project_input(self, settings: PlanSettings) -> scoring_inputs.ProjectInput:
        """The project as the ranking sees it, its success probability resolved under ``settings``."""
        probability = scoring_inputs.success_probability(
            tag=self.tag, override=self.probability_override, by_tag=settings.by_tag()
        )
        return scoring_inputs.ProjectInput(
            key=self.key,
            name=self.name,
            status=self.status,
            impact=self.impact,
            effort=self.effort,
            tag=self.tag,
            success_probability=probability,
        )

    def facts(self) -> ProjectFacts:
        """The project's roadmap facts."""
        return ProjectFacts(
            staffing=self.staffing, target_date=self.target_date, pin=self.pin, effort_from=self.effort_from
        )


@dataclass(frozen=True)
class PlanInputs:
    """Everything a plan is computed from: the settings, every project (by id) and every reuse link."""

    settings: PlanSettings
    projects: tuple[ProjectRecord, ...]
    links: tuple[scoring_inputs.LinkInput, ...] = field(default=())

    def project_inputs(self) -> list[scoring_inputs.ProjectInput]:
        """The projects as the ranking takes them, in document order."""
        return [p.project_input(self.settings) for p in self.projects]

    def facts(self) -> dict[int, ProjectFacts]:
        """Each project's roadmap facts, keyed by project id."""
        return {p.key: p.facts() for p in self.projects}


def _range(values: list[float] | None) -> Range | None:
    return None if values is None else Range(*values)


def _date(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)


def _listed(estimate: Range | None) -> list[float] | None:
    return None if estimate is None else [estimate.low, estimate.likely, estimate.high]


def _settings_document(settings: PlanSettings) -> dict[str, Any]:
    return {
        "value_unit": settings.value_unit,
        "cost_per_person_week": settings.cost_per_person_week,
        "horizon_years": settings.horizon_years,
        "trials": settings.trials,
        "top_k": settings.top_k,
        "p_easy": settings.p_easy,
        "p_hard": settings.p_hard,
        "p_impossible": settings.p_impossible,
        "capacity": settings.capacity,
        "planning_window_weeks": settings.planning_window_weeks,
        "roadmap_start": settings.roadmap_start.isoformat(),
        "seed": settings.seed,
        "calibrated_ranges": settings.calibrated_ranges,
    }


def project_document(project: ProjectRecord) -> dict[str, Any]:
    """One project's entry of a document."""
    entry = {
        "id": project.key,
        "name": project.name,
        "status": project.status,
        "impact": _listed(project.impact),
        "effort": _listed(project.effort),
        "tag": project.tag,
        "probability_override": project.probability_override,
        "staffing": project.staffing,
        "target_date": project.target_date.isoformat() if project.target_date else None,
        "pin": project.pin,
    }
    if project.effort_from is not None:
        entry["effort_from"] = project.effort_from.isoformat()
        entry["effort_spent"] = project.effort_spent
    if project.outcome is not None:
        entry["outcome"] = project.outcome.document()
    return entry


def to_document(inputs: PlanInputs) -> dict[str, Any]:
    """The inputs as a JSON-able document: projects sorted by id, links by (producer, consumer)."""
    links = sorted(inputs.links, key=lambda link: (link.producer, link.consumer))
    return {
        "format": FORMAT,
        "settings": _settings_document(inputs.settings),
        "projects": [project_document(p) for p in sorted(inputs.projects, key=lambda p: p.key)],
        "links": [
            {"producer": lk.producer, "consumer": lk.consumer, "kind": lk.kind, "fraction": lk.fraction} for lk in links
        ],
    }


def settings_from_document(values: dict[str, Any]) -> PlanSettings:
    """The ``settings`` part of a document as ``PlanSettings``."""
    return PlanSettings(
        value_unit=str(values["value_unit"]),
        cost_per_person_week=float(values["cost_per_person_week"]),
        horizon_years=float(values["horizon_years"]),
        trials=int(values["trials"]),
        top_k=int(values["top_k"]),
        p_easy=float(values["p_easy"]),
        p_hard=float(values["p_hard"]),
        p_impossible=float(values["p_impossible"]),
        capacity=int(values["capacity"]),
        roadmap_start=datetime.date.fromisoformat(values["roadmap_start"]),
        seed=int(values["seed"]),
        planning_window_weeks=int(values.get("planning_window_weeks", DEFAULT_WINDOW_WEEKS)),
        calibrated_ranges=bool(values.get("calibrated_ranges", False)),  # absent from documents before it existed
    )


def project_from_document(values: dict[str, Any]) -> ProjectRecord:
    """One ``projects`` entry of a document as a ``ProjectRecord``."""
    override, spent, outcome = values["probability_override"], values.get("effort_spent"), values.get("outcome")
    return ProjectRecord(
        key=int(values["id"]),
        name=str(values["name"]),
        status=str(values["status"]),
        impact=Range(*values["impact"]),
        effort=_range(values["effort"]),
        tag=values["tag"],
        probability_override=None if override is None else float(override),
        staffing=int(values["staffing"]),
        target_date=_date(values["target_date"]),
        pin=values["pin"],
        effort_from=_date(values.get("effort_from")),
        effort_spent=None if spent is None else float(spent),
        outcome=None if outcome is None else OutcomeFacts.from_document(outcome),
    )


def from_document(document: dict[str, Any]) -> PlanInputs:
    """The inverse of ``to_document``: the inputs the math takes (ValueError on an unknown format)."""
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown input document format {document.get('format')!r}")
    return PlanInputs(
        settings=settings_from_document(document["settings"]),
        projects=tuple(project_from_document(p) for p in document["projects"]),
        links=tuple(
            scoring_inputs.LinkInput(
                producer=int(lk["producer"]),
                consumer=int(lk["consumer"]),
                kind=lk["kind"],
                fraction=float(lk["fraction"]),
            )
            for lk in document["links"]
        ),
    )
