"""Changes to a project's inputs in words: labels, units and one arrow style ("Effort, high: 35 → 20 person-weeks").

The one place that says how an input change reads, for the project page's history (``Change`` rows: field names
and values kept as text) and for the causes on the "Changes since" page (differences between two input
documents). Pure Python (numbers through ``formatting``; no Django, nothing of ours above it).
"""

import re
from collections.abc import Sequence

from . import formatting

ARROW = "→"
NONE = "none"
_VALUE = "value"  # a unit placeholder: the portfolio's value unit per year
_EFFORT = "person-weeks"

# Field of a Change row (prefix included) -> (label, unit); unit None for text, "%" for a probability.
FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("Name", None),
    "status": ("Status", None),
    "staffing": ("Staffing", "people"),
    "target_date": ("Target date", None),
    "impact_low": ("Impact, low", _VALUE),
    "impact_likely": ("Impact, likely", _VALUE),
    "impact_high": ("Impact, high", _VALUE),
    "provisional_effort_low": ("Provisional effort, low", _EFFORT),
    "provisional_effort_likely": ("Provisional effort, likely", _EFFORT),
    "provisional_effort_high": ("Provisional effort, high", _EFFORT),
    "roadmap_pin": ("Roadmap pin", None),
    "feasibility.tag": ("Feasibility", None),
    "feasibility.success_probability_override": ("Success probability override", "%"),
    "feasibility.effort_low": ("Effort, low", _EFFORT),
    "feasibility.effort_likely": ("Effort, likely", _EFFORT),
    "feasibility.effort_high": ("Effort, high", _EFFORT),
    "impact_estimated_by": ("Impact estimated by", None),
    "effort_estimated_by": ("Effort estimated by", None),
    "progress.effort_spent": ("Effort spent so far", _EFFORT),
    "progress.remaining_low": ("Remaining effort, low", _EFFORT),
    "progress.remaining_likely": ("Remaining effort, likely", _EFFORT),
    "progress.remaining_high": ("Remaining effort, high", _EFFORT),
    "outcome.actual_effort": ("Actual effort", _EFFORT),
    "outcome.actual_start": ("Actual start", None),
    "outcome.actual_finish": ("Actual finish", None),
    "outcome.succeeded": ("Succeeded", None),
    "outcome.realized_impact": ("Realised impact", _VALUE),
}
# The outcome's entries of an input document: (key, label, unit; _VALUE is the value unit per year).
OUTCOME_ENTRIES = (
    ("actual_effort", "actual effort", " " + _EFFORT),
    ("actual_start", "actual start", ""),
    ("actual_finish", "actual finish", ""),
    ("succeeded", "succeeded", ""),
    ("realized_impact", "realised impact", _VALUE),
)
_LINK_TEXT = re.compile(r"^(?P<producer>.+) -> (?P<consumer>.+) \((?P<kind>requires|benefits), (?P<fraction>[^)]+)\)$")


def value_unit_per_year(value_unit: str) -> str:
    """The unit of impact: "k$/year"."""
    return f"{value_unit}/year"


def _number(text: str, unit: str | None) -> str:
    """A value kept as text, written for people: numbers through ``formatting``, a probability as a percentage."""
    if text == "":
        return NONE
    try:
        value = float(text)
    except ValueError:
        return text
    if unit == "%":
        return formatting.percent(value)
    return formatting.plain_number(value)


def field_change(field: str, old: str, new: str, *, value_unit: str) -> str:
    """One history row in words: "Effort, high: 35 → 20 person-weeks", "Status: idea → building",
    "Impact, likely: 300 → 400 k$/year"; a reuse link change says which link and how; "created" says so."""
    if field == "created":
        return f"Created as “{new}”"
    if field.startswith("link."):
        return link_change(old, new)
    label, unit = FIELDS.get(field, (field.replace("_", " ").capitalize(), None))
    shown_unit = value_unit_per_year(value_unit) if unit == _VALUE else unit
    before, after = _number(old, unit), _number(new, unit)
    suffix = f" {shown_unit}" if shown_unit and shown_unit != "%" else ""
    return f"{label}: {before} {ARROW} {after}{suffix}"


def link_words(kind: str, fraction: float) -> str:
    """A reuse link's kind and saving: "requires it, saves 30% of the effort"."""
    verb = "requires it" if kind == "requires" else "benefits from it"
    return f"{verb}, saves {formatting.percent(fraction)} of the effort"


def _link_parts(text: str) -> tuple[str, str, str] | None:
    """(producer → consumer, kind, saving) of a link kept as text by the history, or None if it does not parse."""
    match = _LINK_TEXT.match(text)
    if match is None:
        return None
    try:
        fraction = float(match["fraction"])
    except ValueError:
        return None
    return f"{match['producer']} {ARROW} {match['consumer']}", match["kind"], link_words(match["kind"], fraction)


def link_change(old: str, new: str) -> str:
    """A reuse link added, removed or changed, from the history's text of it, in words."""
    before, after = _link_parts(old) if old else None, _link_parts(new) if new else None
    if before is None and after is None:
        return f"Reuse link: {old or NONE} {ARROW} {new or NONE}"
    if before is None:
        assert after is not None  # not both None: handled above
        return f"Reuse link added: {after[0]} ({after[2]})"
    if after is None:
        return f"Reuse link removed: {before[0]} ({before[2]})"
    return f"Reuse link {after[0]}: {before[2]} {ARROW} {after[2]}"


def range_words(values: Sequence[float] | None) -> str:
    """A (low, likely, high) range: "300–400–800"; None gives "none"."""
    if values is None:
        return NONE
    return "–".join(formatting.plain_number(v) for v in values)


def range_change(label: str, old: Sequence[float] | None, new: Sequence[float] | None, unit: str) -> str:
    """A range that changed: "Impact 300–400–800 → 400–500–900 k$/year"."""
    return f"{label} {range_words(old)} {ARROW} {range_words(new)} {unit}"


def _plain(value: object) -> str:
    if value is None:
        return NONE
    if isinstance(value, float | int) and not isinstance(value, bool):
        return formatting.plain_number(value)
    return str(value)


def project_entry_changes(old: dict, new: dict, *, value_unit: str) -> list[str]:
    """What differs between two input-document entries of one project, each in words (impact and effort as ranges,
    the success probability override as a percentage)."""
    words = []
    for key, label, unit in (("impact", "impact", value_unit_per_year(value_unit)), ("effort", "effort", _EFFORT)):
        if old[key] != new[key]:
            words.append(range_change(label, old[key], new[key], unit))
    if old["tag"] != new["tag"]:
        words.append(f"feasibility {old['tag'] or 'not assessed'} {ARROW} {new['tag'] or 'not assessed'}")
    if old["probability_override"] != new["probability_override"]:
        before, after = (
            formatting.percent(v) if v is not None else NONE
            for v in (old["probability_override"], new["probability_override"])
        )
        words.append(f"success probability override {before} {ARROW} {after}")
    for key, label, unit in (
        ("status", "status", ""),
        ("staffing", "staffing", " people"),
        ("target_date", "target date", ""),
        ("pin", "roadmap pin", ""),
        ("name", "name", ""),
    ):
        if old[key] != new[key]:
            words.append(f"{label} {_plain(old[key])} {ARROW} {_plain(new[key])}{unit}")
    return words + _delivery_changes(old, new, value_unit=value_unit)


def _delivery_changes(old: dict, new: dict, *, value_unit: str) -> list[str]:
    """What differs in the progress and outcome of two entries of one project (keys absent mean none)."""
    words = []
    if old.get("effort_spent") != new.get("effort_spent"):
        before, after = _plain(old.get("effort_spent")), _plain(new.get("effort_spent"))
        words.append(f"effort spent so far {before} {ARROW} {after} {_EFFORT}")
    if old.get("effort_from") != new.get("effort_from"):
        words.append(
            f"remaining effort counted from {_plain(old.get('effort_from'))} {ARROW} {_plain(new.get('effort_from'))}"
        )
    was: dict = old.get("outcome") or {}
    now: dict = new.get("outcome") or {}
    for key, label, unit in OUTCOME_ENTRIES:
        if was.get(key) != now.get(key):
            shown = " " + value_unit_per_year(value_unit) if unit == _VALUE else unit
            words.append(f"{label} {_plain(was.get(key))} {ARROW} {_plain(now.get(key))}{shown}")
    return words


SETTING_LABELS = {
    "value_unit": ("value unit", ""),
    "cost_per_person_week": ("cost per person-week", " {unit}"),
    "horizon_years": ("horizon", " years"),
    "trials": ("trials", ""),
    "top_k": ("top-K", ""),
    "p_easy": ("success probability of easy", "%"),
    "p_hard": ("success probability of hard", "%"),
    "p_impossible": ("success probability of impossible", "%"),
    "capacity": ("team capacity", " people"),
    "planning_window_weeks": ("planning window", " weeks"),
    "roadmap_start": ("roadmap start", ""),
    "seed": ("seed", ""),
    "calibrated_ranges": ("calibrated ranges", ""),
}


def settings_changes(old: dict, new: dict) -> list[str]:
    """What differs between two input documents' settings, each in words ("trials 2,000 → 4,000")."""
    words = []
    for key, (label, unit) in SETTING_LABELS.items():
        if old.get(key) == new.get(key) or key not in old or key not in new:
            continue  # a key missing on one side: a document stored before that setting existed
        if unit == "%":
            words.append(f"{label} {formatting.percent(old[key])} {ARROW} {formatting.percent(new[key])}")
        elif key == "calibrated_ranges":
            words.append(f"{label} {'on' if new.get(key) else 'off'}")
        elif key == "seed":
            words.append(f"{label} {old[key]} {ARROW} {new[key]}")
        else:
            shown = unit.format(unit=new.get("value_unit", ""))
            words.append(f"{label} {_plain(old.get(key))} {ARROW} {_plain(new.get(key))}{shown}")
    return words
