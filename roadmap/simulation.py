"""The roadmap as a Monte Carlo schedule: list scheduling of the ranked projects, vectorized across trials.

Pure math (stdlib and NumPy only, no Django, nothing of ours): the caller passes plain arrays of sampled
effort, success and impact, one row per trial and one column per project, and gets arrays and frozen
dataclasses back. Units: times are weeks from the roadmap start, effort is person-weeks, staffing and
capacity are people, value is value units per year.

How it works (see DESIGN.md, "Roadmap simulation"): a team of ``capacity`` people, each with a
next-free time. Projects are taken in schedule order; each takes the ``staffing`` people who are free
earliest, starts when the last of them is free and every producer it requires has finished, lasts
``effort / staffing`` weeks and keeps those people until it finishes (no backfilling into earlier gaps).
The only Python loop is over projects; every step works on all trials at once.
The value the schedule delivers over time is computed from it in ``roadmap.value_delivered``.
"""

import datetime
import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PERCENTILES = (10.0, 50.0, 90.0)
HISTOGRAM_POINTS = 20


@dataclass(frozen=True)
class RoadmapItem:
    """One project on the roadmap list, in the words of the scheduler.

    ``staffing`` is people (clipped to 1..capacity when simulated); ``target_week`` is the target date as
    weeks from the roadmap start (None: no target); ``requires`` are the keys of producers it cannot start
    without. A ``building`` item is already under way: its sampled effort is the remaining effort, which it
    starts on no earlier than ``earliest_week`` (the week that remaining effort was reported; 0 = the start).
    """

    key: int
    name: str
    status: str
    staffing: int
    target_week: float | None
    requires: tuple[int, ...] = ()
    earliest_week: float = 0.0


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """Simulated start and finish of every project, in weeks from the roadmap start.

    ``start`` and ``finish`` are read-only (trials, m) arrays whose columns follow ``keys`` (schedule order).
    """

    keys: tuple[int, ...]
    start: np.ndarray
    finish: np.ndarray


@dataclass(frozen=True)
class ProjectBands:
    """Confidence bands of one project's start and finish (weeks from the roadmap start).

    ``p_meet_target`` is the share of trials finishing by the target week (None without a target);
    ``finish_histogram`` is the finish CDF as (bin upper edge in weeks, cumulative share of trials) points.
    """

    key: int
    start_p10: float
    start_p50: float
    start_p90: float
    finish_p10: float
    finish_p50: float
    finish_p90: float
    p_meet_target: float | None
    finish_histogram: tuple[tuple[float, float], ...]


# --- the list: which projects, in which order ----------------------------------------------------------------


def schedule_order(
    items: Sequence[RoadmapItem], *, delivered: frozenset[int], names: Mapping[int, str] | None = None
) -> tuple[list[int], dict[int, str]]:
    """Order the roadmap list so that no project comes before a producer it requires.

    ``items`` come in priority order (building first, then rank order, PM pins applied by the caller).
    Repeatedly takes the highest-placed item whose required producers are all placed already or
    ``delivered`` (shipped or iterating keys). An item requiring a producer that is neither on the list nor
    delivered would wait forever, so it is left off, and so is every item requiring a left-off item.
    ``names`` labels producers that are not in ``items`` (e.g. parked projects) in the reasons.
    Returns (keys in schedule order, {left-off key: reason}); O((n + links) log n).
    """
    position = {item.key: i for i, item in enumerate(items)}
    if len(position) != len(items):
        raise ValueError("roadmap items must have distinct keys")
    consumers: list[list[int]] = [[] for _ in items]
    waiting = [0] * len(items)
    left_off: dict[int, str] = {}
    for i, item in enumerate(items):
        for producer in dict.fromkeys(item.requires):  # a repeated requirement counts once
            if producer in delivered:
                continue
            if producer in position:
                consumers[position[producer]].append(i)
                waiting[i] += 1
            elif item.key not in left_off:
                label = (names or {}).get(producer, f"project {producer}")
                left_off[item.key] = f"waits for {label} which is not on the roadmap"
    _leave_off_consumers(items, consumers, left_off, position)
    order = _place(items, consumers, waiting, left_off)
    for item in items:  # only a cycle of requirements (rejected at input) can leave an item unplaced here
        if item.key not in left_off and waiting[position[item.key]] > 0:
            left_off[item.key] = "waits for a cycle of required producers"
    return order, left_off


def _leave_off_consumers(
    items: Sequence[RoadmapItem], consumers: list[list[int]], left_off: dict[int, str], position: dict[int, int]
) -> None:
    """Leave off, transitively, every item that requires a left-off item (breadth first, each link once)."""
    queue = [position[key] for key in left_off]
    while queue:
        producer = queue.pop()
        for consumer in consumers[producer]:
            key = items[consumer].key
            if key not in left_off:
                left_off[key] = f"waits for {items[producer].name} which is not on the roadmap"
                queue.append(consumer)


def _place(
    items: Sequence[RoadmapItem], consumers: list[list[int]], waiting: list[int], left_off: dict[int, str]
) -> list[int]:
    """Kahn's algorithm with a heap on list position: always the highest-placed item that is ready."""
    ready = [i for i, item in enumerate(items) if waiting[i] == 0 and item.key not in left_off]
    heapq.heapify(ready)
    order = []
    while ready:
        placed = heapq.heappop(ready)
        order.append(items[placed].key)
        for consumer in consumers[placed]:
            waiting[consumer] -= 1
            if waiting[consumer] == 0 and items[consumer].key not in left_off:
                heapq.heappush(ready, consumer)
    return order


# --- the schedule ----------------------------------------------------------------------------------------------


def simulate_schedule(order_items: Sequence[RoadmapItem], effort: np.ndarray, *, capacity: int) -> ScheduleResult:
    """List-schedule the items in the given order, in every trial at once.

    ``effort`` is (trials, m) person-weeks with columns in the order of ``order_items`` (as returned by
    ``schedule_order``); ``capacity`` is the team size in people. Each item takes the ``staffing`` people
    who are free earliest (staffing clipped to 1..capacity); start = max(time the last of them is free,
    finish of every required producer on the list, the item's ``earliest_week``); duration = effort / staffing
    weeks; those people are busy until it finishes. Requirements on keys not in ``order_items`` are delivered.
    Returns start and finish as (trials, m) weeks from the roadmap start.
    """
    work = _checked_effort(effort, len(order_items))  # (m, trials): one contiguous row per project
    if capacity < 1:
        raise ValueError(f"capacity must be at least 1 person, got {capacity}")
    column = {item.key: i for i, item in enumerate(order_items)}
    start, finish = np.empty_like(work), np.empty_like(work)
    # Next-free times held as (people, trials), sorted ascending down each trial's column: person j's
    # times across trials are one contiguous row, which makes every step a handful of row-wise passes.
    free, spare = np.zeros((capacity, work.shape[1])), np.empty((capacity, work.shape[1]))
    for i, item in enumerate(order_items):
        staffing = min(max(int(item.staffing), 1), capacity)
        start[i] = free[staffing - 1]  # the last of the `staffing` earliest-free people
        if item.earliest_week > 0:
            np.maximum(start[i], item.earliest_week, out=start[i])
        for producer in _producer_columns(item, column, i):
            np.maximum(start[i], finish[producer], out=start[i])
        np.add(start[i], work[i] / staffing, out=finish[i])
        _hand_over(free, staffing, finish[i], out=spare)
        free, spare = spare, free
    start.setflags(write=False)
    finish.setflags(write=False)
    return ScheduleResult(keys=tuple(column), start=start.T, finish=finish.T)


def _checked_effort(effort: np.ndarray, m: int) -> np.ndarray:
    """Effort as a (m, trials) float array; rejects a wrong shape, NaN, inf or negative person-weeks."""
    effort = np.asarray(effort, dtype=float)
    if effort.ndim != 2 or effort.shape[1] != m:
        raise ValueError(f"effort must be (trials, {m}) person-weeks, got shape {effort.shape}")
    if not np.isfinite(effort).all() or (effort < 0).any():
        raise ValueError("effort must be finite, non-negative person-weeks")
    return np.ascontiguousarray(effort.T)


def _producer_columns(item: RoadmapItem, column: dict[int, int], at: int) -> list[int]:
    """Columns of the producers ``item`` requires that are on the list; they must come before it."""
    columns = [column[key] for key in item.requires if key in column]
    if any(c >= at for c in columns):
        raise ValueError(f"{item.name} is listed before a producer it requires; order the list with schedule_order")
    return columns


def _hand_over(free: np.ndarray, staffing: int, finish: np.ndarray, *, out: np.ndarray) -> None:
    """The team's sorted next-free times after the ``staffing`` earliest-free people work until ``finish``.

    ``free`` is (people, trials) sorted down each column; the new times go to ``out``, sorted too. The
    ``staffing`` first entries are dropped and ``staffing`` copies of ``finish`` merged in. Since
    free[j] <= free[j + s] for a sorted column, entry j of the merge is finish clipped to
    [free[j], free[j + s]] (the last s entries have no upper bound): two passes, no sort.
    """
    kept = free.shape[0] - staffing
    np.maximum(free, finish, out=out)
    np.minimum(out[:kept], free[staffing:], out=out[:kept])


# --- the bands --------------------------------------------------------------------------------------------------


def project_bands(result: ScheduleResult, items: Sequence[RoadmapItem]) -> list[ProjectBands]:
    """P10/P50/P90 start and finish (weeks), P(finish <= target week) and a finish CDF per project.

    ``items`` supplies the target weeks (any order; every key of ``result`` must be among them).
    Percentiles use NumPy's default (linear) method, over trials.
    """
    targets = {item.key: item.target_week for item in items}
    starts = _percentiles_of_sorted(np.sort(result.start.T, axis=1)).tolist()
    finishes = np.sort(result.finish.T, axis=1)  # (m, trials), each project's finishes ascending
    finish_bands = _percentiles_of_sorted(finishes).tolist()
    bands = []
    for i, key in enumerate(result.keys):
        (s10, s50, s90), (f10, f50, f90), target = starts[i], finish_bands[i], targets[key]
        bands.append(
            ProjectBands(
                key=key,
                start_p10=s10,
                start_p50=s50,
                start_p90=s90,
                finish_p10=f10,
                finish_p50=f50,
                finish_p90=f90,
                p_meet_target=None if target is None else _share_by(finishes[i], target),
                finish_histogram=_cdf_points(finishes[i]),
            )
        )
    return bands


def _percentiles_of_sorted(rows: np.ndarray) -> np.ndarray:
    """P10/P50/P90 of each row of ascending-sorted (m, trials) data: (m, 3), as np.percentile's linear method.

    One SIMD sort plus indexing is about three times faster than np.percentile's partitioning here.
    """
    trials = rows.shape[1]
    if trials == 0:
        raise ValueError("no trials to take percentiles over")
    position = np.asarray(PERCENTILES) / 100 * (trials - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, trials - 1)
    weight = position - below
    low, high = rows[:, below], rows[:, above]
    gap = high - low
    lerp = np.where(weight >= 0.5, high - gap * (1 - weight), low + gap * weight)  # NumPy's _lerp, for equality
    return np.asarray(lerp, dtype=np.float64)


def _share_by(sorted_finish: np.ndarray, week: float) -> float:
    """Share of trials finishing by ``week`` (finish <= week), from one project's sorted finishes."""
    return float(np.searchsorted(sorted_finish, week, side="right") / sorted_finish.size)


def _cdf_points(sorted_finish: np.ndarray) -> tuple[tuple[float, float], ...]:
    """The finish CDF at HISTOGRAM_POINTS equal-width bin upper edges from first to last finish (weeks)."""
    first, last = float(sorted_finish[0]), float(sorted_finish[-1])
    if last <= first:
        return ((last, 1.0),)
    edges = first + (last - first) * np.arange(1, HISTOGRAM_POINTS + 1) / HISTOGRAM_POINTS
    edges[-1] = last
    shares = np.searchsorted(sorted_finish, edges, side="right") / sorted_finish.size
    return tuple(zip(edges.tolist(), shares.tolist(), strict=True))


# --- dates --------------------------------------------------------------------------------------------------------


def weeks_to_date(start: datetime.date, weeks: float) -> datetime.date:
    """The date ``weeks`` weeks after ``start`` (the roadmap start), rounded to the day; half a day rounds up.

    Dates past ``datetime.date.max`` (9999-12-31) are capped at it.
    """
    days = weeks * 7
    if not math.isfinite(days):
        raise ValueError(f"weeks must be finite, got {weeks}")
    days = math.floor(days + 0.5)
    # Efforts at the input bounds with a tiny team can push a serial roadmap past the calendar's end (year
    # 9999); such dates are shown as the last representable day rather than failing the whole recompute.
    return start + datetime.timedelta(days=min(days, (datetime.date.max - start).days))


def date_to_weeks(start: datetime.date, date: datetime.date) -> float:
    """Weeks from ``start`` (the roadmap start) to ``date``; negative for a date before the start."""
    return (date - start).days / 7
