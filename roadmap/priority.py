"""The roadmap list (DESIGN.md, "Roadmap simulation"): which ranked projects go on the roadmap, in which order,
before requirements reorder them.

The ranked projects that are not impossible, ``building`` ones first, then rank order; a PM's pin moves a project
to that place of the list (1 = first; pins are placed in pin order, ties by list order, and a pin past the end
means last); ``roadmap.simulation.schedule_order`` then lets no project come before a producer it requires.
Pure (plain dataclasses over portfolio.scoring and roadmap.simulation; no Django): ``roadmap.planning`` builds
the plan from this list.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Protocol

from portfolio import scoring, scoring_inputs

from . import simulation

LEFT_OFF_IMPOSSIBLE = "impossible: not on the roadmap"


class PlanFacts(Protocol):
    """A project's roadmap inputs (portfolio.input_selectors.PlanFacts): staffing (people), target date, PM's pin, and
    for a building project with a progress report the day its remaining effort counts from (None otherwise).
    Read-only, so frozen dataclasses satisfy it."""

    @property
    def staffing(self) -> int: ...
    @property
    def target_date(self) -> datetime.date | None: ...
    @property
    def pin(self) -> int | None: ...
    @property
    def effort_from(self) -> datetime.date | None: ...


def roadmap_list(
    ranking: scoring.RankingResult,
    projects: Sequence[scoring.ProjectInput],
    links: Sequence[scoring.LinkInput],
    facts: Mapping[int, PlanFacts],
) -> tuple[list[simulation.RoadmapItem], dict[int, str], dict[int, tuple[int, ...]]]:
    """The roadmap list in priority order (building first, rank order, pins applied) before requirements.

    Returns (items, {impossible key: reason}, {key: required producer keys}). Target weeks are left None
    here; ``roadmap.planning.plan_from_samples`` fills them in from the start date.
    """
    by_key = {p.key: p for p in projects}
    requires: dict[int, list[int]] = {}
    for link in links:
        if link.kind == "requires" and link.producer in by_key and link.consumer in by_key:
            requires.setdefault(link.consumer, []).append(link.producer)
    ranked = [s for s in ranking.scores if s.rank is not None]
    impossible = {s.key: LEFT_OFF_IMPOSSIBLE for s in ranked if s.tag == scoring_inputs.IMPOSSIBLE_TAG}
    candidates = [s for s in ranked if s.key not in impossible]
    candidates.sort(key=lambda s: (by_key[s.key].status != "building", s.rank or 0))  # all ranked here
    unpinned = [s for s in candidates if facts[s.key].pin is None]
    pinned = sorted((pin, n, s) for n, s in enumerate(candidates) if (pin := facts[s.key].pin) is not None)
    for pin, _, score in pinned:
        unpinned.insert(min(pin - 1, len(unpinned)), score)
    items = [
        simulation.RoadmapItem(
            key=s.key,
            name=s.name,
            status=by_key[s.key].status,
            staffing=facts[s.key].staffing,
            target_week=None,
            requires=tuple(sorted(requires.get(s.key, ()))),
        )
        for s in unpinned
    ]
    return items, impossible, {k: tuple(sorted(v)) for k, v in requires.items()}
