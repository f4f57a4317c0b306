"""The value a Monte Carlo schedule delivers over time: P10/P50/P90 over trials of the annual value of the work
finished by each week, vectorized across trials.

Pure math (stdlib and NumPy only; of ours, only the schedule it reads, ``roadmap.simulation``). Units: times are
weeks from the roadmap start, value is value units per year.
"""

import math
from dataclasses import dataclass

import numpy as np

from .simulation import PERCENTILES, ScheduleResult

MAX_CURVE_POINTS = 1200  # points of the value curve: monthly for 100 years, then a wider step
CHUNK_ELEMENTS = 1 << 17  # value_curve works on ~128K (trial, project) cells at a time (~1 MB per array)


@dataclass(frozen=True)
class ValuePoint:
    """Annual value delivered by ``week`` (weeks from the roadmap start): P10/P50/P90 over trials, value units/year."""

    week: float
    p10: float
    p50: float
    p90: float


def value_curve(
    result: ScheduleResult,
    success: np.ndarray,
    impact: np.ndarray,
    *,
    step_weeks: float = 4.345,
    until_week: float | None = None,
    max_points: int = MAX_CURVE_POINTS,
) -> list[ValuePoint]:
    """P10/P50/P90 over trials of the annual value delivered by each week: sum(success * impact) of finished work.

    ``success`` (bool) and ``impact`` (value units per year) are (trials, m) with columns in ``result.keys``
    order. The weeks run from 0 in steps of ``step_weeks`` (default 4.345, about a month) to ``until_week``
    (default: the latest P90 finish of any project), end point included. A project counts from its finish.
    A roadmap longer than ``max_points`` steps (100 years of months) gets a wider step, so that the curve's
    size stays bounded whatever the efforts.
    """
    success, impact = np.asarray(success, dtype=bool), np.asarray(impact, dtype=float)
    if success.shape != result.finish.shape or impact.shape != result.finish.shape:
        raise ValueError(f"success and impact must be {result.finish.shape}, like the schedule")
    end = _last_p90_finish(result.finish) if until_week is None else float(until_week)
    if not (0 < step_weeks < math.inf and 0 <= end < math.inf):
        raise ValueError(f"need step_weeks > 0 and until_week >= 0, finite; got {step_weeks} and {end}")
    step_weeks = max(step_weeks, end / max(max_points - 1, 1))
    weeks = np.arange(0.0, end, step_weeks)
    if weeks.size == 0 or weeks[-1] < end:
        weeks = np.append(weeks, end)
    delivered = _delivered_by(result.finish, success, impact, weeks, step_weeks)
    bands = np.percentile(delivered, PERCENTILES, axis=0)
    return [
        ValuePoint(float(w), float(p10), float(p50), float(p90)) for w, p10, p50, p90 in zip(weeks, *bands, strict=True)
    ]


def _last_p90_finish(finish: np.ndarray) -> float:
    """The latest P90 finish over projects (weeks); 0 with no projects.

    A project's P90 is at most its latest finish, so projects are visited latest-finish first and the
    search stops once no remaining project can beat the best P90 found (usually after a few).
    """
    if finish.shape[1] == 0:
        return 0.0
    latest = finish.max(axis=0)
    best = -math.inf
    for column in np.argsort(latest)[::-1]:
        if latest[column] <= best:
            break
        best = max(best, float(np.percentile(finish[:, column], 90)))
    return max(best, 0.0)


def _delivered_by(
    finish: np.ndarray, success: np.ndarray, impact: np.ndarray, weeks: np.ndarray, step_weeks: float
) -> np.ndarray:
    """(trials, len(weeks)) annual value delivered by each week, per trial.

    Each (trial, project) adds success * impact to the first week on or after its finish; a cumulative
    sum over weeks does the rest. Worked in chunks of projects so no (trials x projects x weeks) array.
    """
    trials, m = finish.shape
    slots = weeks.size + 1  # the extra slot holds work finishing after the last week
    offsets = (np.arange(trials) * slots)[:, None]
    totals = np.zeros(trials * slots)
    # Small chunks stay in cache, but each costs a pass over the (trials, slots) totals: keep width >= slots / 2.
    width = max(1, CHUNK_ELEMENTS // max(trials, 1), slots // 2)
    for first in range(0, m, width):
        part = slice(first, first + width)
        slot = _first_week_on_or_after(weeks, step_weeks, finish[:, part]) + offsets
        value = np.where(success[:, part], impact[:, part], 0.0)
        totals += np.bincount(slot.ravel(), weights=value.ravel(), minlength=totals.size)
    return np.cumsum(totals.reshape(trials, slots)[:, :-1], axis=1)


def _first_week_on_or_after(weeks: np.ndarray, step_weeks: float, finish: np.ndarray) -> np.ndarray:
    """Index of the first of ``weeks`` (k * step_weeks, then the end point) >= each finish; len(weeks) if none.

    Equals np.searchsorted(weeks, finish), about five times faster: the grid is regular, so
    ceil(finish / step) is right up to one rounding step, which two comparisons put right.
    """
    guess = np.ceil(finish / step_weeks)
    np.clip(guess, 0, weeks.size, out=guess)
    index = guess.astype(np.intp)
    bounded = np.concatenate(([-np.inf], weeks, [np.inf]))  # bounded[i + 1] is weeks[i]
    index += bounded[index + 1] < finish
    index -= bounded[index] >= finish
    return index
