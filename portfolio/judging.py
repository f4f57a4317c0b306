"""The judged estimate of a project: the range the decision was made on, replayed from the project's history.

Pure Python (no Django; ``Range`` from ``sampling``). DESIGN.md, "Learning from delivery": the estimate that is
judged is the range in force when the project entered ``building`` (from the history), else the range current
when the outcome was recorded. The history is the project's ``Change`` rows in the order they were written (each
save writes its estimate rows before its status row, so a range set in the save that moved the project to building
counts as in force then). Units: impact in value units per year, effort in person-weeks.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .sampling import Range

IMPACT = "impact"  # the kinds of estimate: a PM's impact range, an EM's (or a provisional) effort range
EFFORT = "effort"
ESTIMATE_KINDS = (IMPACT, EFFORT)
BUILDING = "building"
ENTERED_BUILDING = "building"  # the range in force when the project entered building
AT_OUTCOME = "outcome"  # no move to building in the history: the range current when the outcome was recorded
PARTS = ("low", "likely", "high")
IMPACT_FIELDS = tuple(f"impact_{p}" for p in PARTS)
ASSESSED_FIELDS = tuple(f"feasibility.effort_{p}" for p in PARTS)
PROVISIONAL_FIELDS = tuple(f"provisional_effort_{p}" for p in PARTS)


@dataclass(frozen=True)
class HistoryRow:
    """One ``Change`` row: its id (the order it was written in), the field (prefix included) and the values as
    text ("" for none)."""

    id: int
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class JudgedEstimate:
    """The range of one kind (``impact`` or ``effort``) that is judged, who estimated it and when it was in force
    (``ENTERED_BUILDING`` or ``AT_OUTCOME``)."""

    kind: str
    range: Range
    estimator: str
    moment: str


def _value_at(rows: Sequence[HistoryRow], field: str, moment: int, now: str) -> str:
    """The text value of ``field`` right after row ``moment`` was written: the latest change at or before it, else
    the earliest change's "before" value, else ``now`` (the field never changed)."""
    before = [r for r in rows if r.field == field and r.id <= moment]
    if before:
        return before[-1].new
    after = [r for r in rows if r.field == field and r.id > moment]
    return after[0].old if after else now


def _range_at(rows: Sequence[HistoryRow], fields: Sequence[str], moment: int, now: Mapping[str, str]) -> Range | None:
    values = [_value_at(rows, f, moment, now.get(f, "")) for f in fields]
    if "" in values:
        return None
    try:
        return Range(*(float(v) for v in values))
    except ValueError:
        return None


def entered_building(rows: Sequence[HistoryRow], *, status_now: str) -> int | None:
    """The id of the row after which the project first was in ``building``: its first status change to building,
    or its ``created`` row when it was created in building; None when the history never shows it in building."""
    statuses = [r for r in rows if r.field == "status"]
    created = next((r.id for r in rows if r.field == "created"), None)
    first_status = statuses[0].old if statuses else status_now
    if first_status == BUILDING and created is not None:
        return created
    return next((r.id for r in statuses if r.new == BUILDING), None)


def judged_estimates(
    rows: Sequence[HistoryRow], *, now: Mapping[str, str], status_now: str
) -> dict[str, JudgedEstimate | None]:
    """The judged impact and effort estimates of one project from its history ``rows`` (in the order written).

    ``now`` holds today's values as text by history field ("impact_low", "feasibility.effort_low", ...,
    "impact_estimated_by", "effort_estimated_by": the estimators' names now). The moment judged is when the project
    entered building; if the history never shows that (or no range of that kind was in force then), the first row
    of its outcome; without either, today. The effort in force then is the assessment's, else the provisional one.
    """
    rows = sorted(rows, key=lambda r: r.id)
    building = entered_building(rows, status_now=status_now)
    outcome = next((r.id for r in rows if r.field.startswith("outcome.")), None)
    last = rows[-1].id if rows else 0
    found: dict[str, JudgedEstimate | None] = {}
    for kind in (IMPACT, EFFORT):
        found[kind] = None
        for moment, label in ((building, ENTERED_BUILDING), (outcome if outcome is not None else last, AT_OUTCOME)):
            if moment is None:
                continue
            if kind == IMPACT:
                estimate = _range_at(rows, IMPACT_FIELDS, moment, now)
            else:
                estimate = _range_at(rows, ASSESSED_FIELDS, moment, now) or _range_at(
                    rows, PROVISIONAL_FIELDS, moment, now
                )
            if estimate is not None:
                who = _value_at(rows, f"{kind}_estimated_by", moment, now.get(f"{kind}_estimated_by", ""))
                found[kind] = JudgedEstimate(kind, estimate, who, label)
                break
    return found
