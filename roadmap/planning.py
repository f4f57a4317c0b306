"""From one Monte Carlo draw to a ranking and its roadmap: the glue between scoring and the schedule simulation.

No Django here either (plain dataclasses over portfolio.scoring and roadmap.simulation), so the recompute,
the what-if page and the tests all build a plan the same way. The roadmap list and its order are
``roadmap.priority``'s; ``schedule_order`` then lets no project come before a producer it requires. Efforts are
the ranking's own samples (after savings from shipped producers); a ``building`` project's effort range is read
as its remaining effort.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from portfolio import scoring, scoring_inputs
from portfolio.funding import FundingResult, compute_funding

from . import simulation, value_delivered
from .priority import PlanFacts, roadmap_list

MAX_QUARTERS = 40  # rows of the what-if table of value by quarter end (ten years)


@dataclass(frozen=True)
class PlannedProject:
    """A ranked project on the roadmap: its place and P10/P50/P90 dates, or why it is left off.

    ``finish_cdf`` is ((date, cumulative share of trials finished), ...); ``requires`` the producer keys
    it waits for (all of them, including delivered ones, which impose nothing).
    """

    key: int
    name: str
    status: str
    rank: int
    position: int | None
    pin: int | None
    staffing: int
    target_date: datetime.date | None
    requires: tuple[int, ...]
    left_off_reason: str = ""
    start_p10: datetime.date | None = None
    start_p50: datetime.date | None = None
    start_p90: datetime.date | None = None
    finish_p10: datetime.date | None = None
    finish_p50: datetime.date | None = None
    finish_p90: datetime.date | None = None
    p_meet_target: float | None = None
    finish_cdf: tuple[tuple[datetime.date, float], ...] = ()


@dataclass(frozen=True)
class CurvePoint:
    """Annual value delivered by ``date``, P10/P50/P90 over trials, in value units per year."""

    date: datetime.date
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class RoadmapPlan:
    """The roadmap of one draw: scheduled projects in schedule order, then the left-off ones by rank."""

    start: datetime.date
    capacity: int
    projects: tuple[PlannedProject, ...]
    value_curve: tuple[CurvePoint, ...]
    funding: FundingResult | None = None  # the funding decision of the same draw (None: not asked for)

    @property
    def scheduled(self) -> list[PlannedProject]:
        return [p for p in self.projects if p.position is not None]


def plan_from_samples(
    samples: scoring.Samples,
    ranking: scoring.RankingResult,
    projects: Sequence[scoring.ProjectInput],
    links: Sequence[scoring.LinkInput],
    facts: Mapping[int, PlanFacts],
    *,
    capacity: int,
    start: datetime.date,
) -> RoadmapPlan:
    """Schedule the ranking's projects with the ranking's own samples and summarise the bands as dates."""
    items, impossible, requires = roadmap_list(ranking, projects, links, facts)
    items = [_with_dates(item, facts[item.key], start) for item in items]
    delivered = frozenset(p.key for p in projects if p.status in scoring_inputs.DELIVERED_STATUSES)
    order, left_off = simulation.schedule_order(items, delivered=delivered, names={p.key: p.name for p in projects})
    item_of = {item.key: item for item in items}
    ordered = [item_of[key] for key in order]
    column = {key: i for i, key in enumerate(samples.keys)}
    columns = np.array([column[key] for key in order], dtype=np.intp)
    result = simulation.simulate_schedule(ordered, samples.effort[:, columns], capacity=capacity)
    bands = {b.key: b for b in simulation.project_bands(result, ordered)}
    curve = value_delivered.value_curve(result, samples.success[:, columns], samples.impact[:, columns])
    position = {key: i for i, key in enumerate(order, start=1)}
    reasons = {**left_off, **impossible}
    status = {p.key: p.status for p in projects}
    rows = [
        _planned(
            score,
            status[score.key],
            facts[score.key],
            requires=requires.get(score.key, ()),
            position=position.get(score.key),
            reason=reasons.get(score.key, ""),
            bands=bands.get(score.key),
            start=start,
        )
        for score in ranking.scores
        if score.rank is not None
    ]
    rows.sort(key=lambda p: (p.position is None, p.position or 0, p.rank))
    return RoadmapPlan(
        start=start,
        capacity=capacity,
        projects=tuple(rows),
        value_curve=_curve_by_date(start, curve),
    )


def _curve_by_date(start: datetime.date, curve: Sequence[value_delivered.ValuePoint]) -> tuple[CurvePoint, ...]:
    """The value curve as dates; points that round to the same day (a roadmap shorter than a few days, or dates
    capped at the calendar's end) keep the latest, which has delivered the most."""
    by_date = {}
    for point in curve:
        by_date[simulation.weeks_to_date(start, point.week)] = point
    return tuple(CurvePoint(day, p.p10, p.p50, p.p90) for day, p in by_date.items())


def _with_dates(item: simulation.RoadmapItem, fact: PlanFacts, start: datetime.date) -> simulation.RoadmapItem:
    """The item with its target date as weeks from the roadmap start, and (a building project's remaining effort)
    the week it may start from: the day the remaining range was recorded, not before the roadmap start."""
    week = None if fact.target_date is None else simulation.date_to_weeks(start, fact.target_date)
    since = fact.effort_from
    earliest = 0.0 if since is None else max(0.0, simulation.date_to_weeks(start, since))
    return replace(item, target_week=week, earliest_week=earliest)


def _planned(
    score: scoring.ScoredProject,
    status: str,
    fact: PlanFacts,
    *,
    requires: tuple[int, ...],
    position: int | None,
    reason: str,
    bands: simulation.ProjectBands | None,
    start: datetime.date,
) -> PlannedProject:
    """One row of the plan from the ranking row, the roadmap facts and (when scheduled) the bands."""
    base = PlannedProject(
        key=score.key,
        name=score.name,
        status=status,
        rank=score.rank or 0,
        position=position,
        pin=fact.pin,
        staffing=fact.staffing,
        target_date=fact.target_date,
        requires=requires,
        left_off_reason=reason,
    )
    if bands is None:
        return base
    day = simulation.weeks_to_date
    return replace(
        base,
        start_p10=day(start, bands.start_p10),
        start_p50=day(start, bands.start_p50),
        start_p90=day(start, bands.start_p90),
        finish_p10=day(start, bands.finish_p10),
        finish_p50=day(start, bands.finish_p50),
        finish_p90=day(start, bands.finish_p90),
        p_meet_target=bands.p_meet_target,
        finish_cdf=tuple((day(start, week), share) for week, share in bands.finish_histogram),
    )


def compute_plan(
    projects: Sequence[scoring.ProjectInput],
    links: Sequence[scoring.LinkInput],
    settings: scoring.ScoringSettings,
    facts: Mapping[int, PlanFacts],
    *,
    capacity: int,
    start: datetime.date,
    seed: int,
    window_weeks: int | None = None,
) -> tuple[scoring.RankingResult, RoadmapPlan]:
    """Draw once (each project from its own streams of ``seed``), rank, and schedule from the same samples:
    ranking and roadmap never disagree on inputs. With ``window_weeks`` (the planning window) the plan also
    carries the funding decision at capacity x window person-weeks, from the same samples."""
    projects, links = tuple(projects), tuple(links)
    scoring._check_ranked_efforts(projects)  # fail before the expensive draw, as compute_ranking does
    samples = scoring.draw_samples(projects, links, settings.trials, seed)
    ranking = scoring.rank_from_samples(samples, projects, links, settings)
    plan = plan_from_samples(samples, ranking, projects, links, facts, capacity=capacity, start=start)
    if window_weeks is not None:
        decision = compute_funding(
            samples, ranking, projects, links, settings, capacity=capacity, window_weeks=window_weeks
        )
        plan = replace(plan, funding=decision)
    return ranking, plan


# --- what-if scenarios ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A what-if on top of the current inputs, not saved: team capacity (people), projects dropped (treated
    as parked), projects added (parked ones treated as ideas), pins ({project key: place or None}) and the
    funding decision's planning window (weeks; None: the portfolio's)."""

    capacity: int
    drop: frozenset[int] = frozenset()
    add: frozenset[int] = frozenset()
    pins: Mapping[int, int | None] | None = None
    window_weeks: int | None = None


@dataclass(frozen=True)
class PinnedFacts:
    """PlanFacts with a scenario's pin."""

    staffing: int
    target_date: datetime.date | None
    pin: int | None
    effort_from: datetime.date | None = None


def apply_scenario(
    projects: Sequence[scoring.ProjectInput], facts: Mapping[int, PlanFacts], scenario: Scenario
) -> tuple[list[scoring.ProjectInput], dict[int, PlanFacts]]:
    """The inputs as the scenario would make them: dropped -> parked, added (when parked) -> idea, new pins.

    The projects keep their order, so a draw with the same seed gives every project the same samples.
    """
    changed = []
    for project in projects:
        if project.key in scenario.drop:
            project = replace(project, status=scoring_inputs.PARKED_STATUS)
        elif project.key in scenario.add and project.status == scoring_inputs.PARKED_STATUS:
            project = replace(project, status="idea")
        changed.append(project)
    pins = scenario.pins or {}
    new_facts: dict[int, PlanFacts] = {
        key: PinnedFacts(fact.staffing, fact.target_date, pins[key] if key in pins else fact.pin, fact.effort_from)
        for key, fact in facts.items()
    }
    return changed, new_facts


@dataclass(frozen=True)
class DateShift:
    """How a project's dates differ between the saved plan and a scenario (days; positive = later)."""

    key: int
    name: str
    saved: PlannedProject | None
    scenario: PlannedProject | None
    finish_p50_days: int | None
    finish_p90_days: int | None
    note: str


@dataclass(frozen=True)
class QuarterValue:
    """Annual value delivered by the end of a quarter (value units per year), saved plan vs scenario."""

    label: str
    date: datetime.date
    saved: CurvePoint
    scenario: CurvePoint

    @property
    def p50_change(self) -> float:
        return self.scenario.p50 - self.saved.p50


def _days(a: datetime.date | None, b: datetime.date | None) -> int | None:
    return None if a is None or b is None else (b - a).days


def date_shifts(saved: RoadmapPlan, scenario: RoadmapPlan) -> list[DateShift]:
    """Every project on either roadmap, in the scenario's order, with how far its finish dates move."""
    before = {p.key: p for p in saved.projects}
    after = {p.key: p for p in scenario.projects}
    keys = [p.key for p in scenario.projects] + [p.key for p in saved.projects if p.key not in after]
    shifts = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        named = new or old
        assert named is not None  # every key comes from one of the two plans
        on_old = old is not None and old.position is not None
        on_new = new is not None and new.position is not None
        note = "added" if on_new and not on_old else "dropped" if on_old and not on_new else ""
        if not on_old and not on_new:
            note = "not on either roadmap"
        shifts.append(
            DateShift(
                key=key,
                name=named.name,
                saved=old,
                scenario=new,
                finish_p50_days=_days(old.finish_p50 if old else None, new.finish_p50 if new else None),
                finish_p90_days=_days(old.finish_p90 if old else None, new.finish_p90 if new else None),
                note=note,
            )
        )
    return shifts


def value_at(curve: Sequence[CurvePoint], date: datetime.date) -> CurvePoint:
    """The curve's value by ``date``: its last point on or before it (0 before the first, the last after it)."""
    found = CurvePoint(date, 0.0, 0.0, 0.0)
    for point in curve:
        if point.date > date:
            break
        found = point
    return CurvePoint(date, found.p10, found.p50, found.p90)


def quarter_ends(start: datetime.date, last: datetime.date, *, most: int = MAX_QUARTERS) -> list[datetime.date]:
    """The last day of every calendar quarter from the one holding ``start`` to the one holding ``last``,
    at most ``most`` of them (a what-if table of ten years of quarters is already more than anyone reads)."""
    ends: list[datetime.date] = []
    year, quarter = start.year, (start.month - 1) // 3
    while len(ends) < most:
        if quarter == 3 and year == datetime.MAXYEAR:
            end = datetime.date.max
        else:
            month = 3 * quarter + 4
            end = datetime.date(year + (month > 12), (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)
        ends.append(end)
        if end >= last:
            break
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return ends


def quarter_values(saved: RoadmapPlan, scenario: RoadmapPlan) -> list[QuarterValue]:
    """Value delivered at the end of each quarter until both curves have run out, saved plan vs scenario."""
    last = max([p.date for p in saved.value_curve + scenario.value_curve] + [saved.start])
    return [
        QuarterValue(
            label=f"Q{(end.month - 1) // 3 + 1} {end.year}",
            date=end,
            saved=value_at(saved.value_curve, end),
            scenario=value_at(scenario.value_curve, end),
        )
        for end in quarter_ends(saved.start, last)
    ]
