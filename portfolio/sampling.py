"""Random draws of a portfolio: PERT ranges and common random numbers, one set of streams per project.

Pure math (stdlib and NumPy only; no Django, nothing of ours). Every project draws from three streams of its own,
``numpy.random.default_rng([seed, project key, k])`` with k = 0 success (uniforms), 1 impact, 2 effort, ``trials``
draws each (DESIGN.md, "Common random numbers"). A project's samples therefore depend only on the portfolio seed,
its key, its own ranges and probability and the trial count: editing one project leaves every other project's
samples bit for bit, and the first n draws of a stream stay the same when the trial count grows.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

SUCCESS_STREAM = 0  # uniforms u_t; the project succeeds in trial t when u_t < p
IMPACT_STREAM = 1  # PERT draws of the impact range
EFFORT_STREAM = 2  # PERT draws of the effort range
MAX_SEED = 2**63 - 1  # a seed is a non-negative integer that fits a signed 64-bit column


def finite(value: object, what: str) -> float:
    """``value`` as a float, or ValueError naming ``what`` if it is not a finite number."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a number, got {value!r}") from exc
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


class PertShape(NamedTuple):
    """A PERT range as a Beta distribution: its shape parameters and its mean (in the range's units)."""

    alpha: float
    beta: float
    mean: float


def pert_shape(low: float, likely: float, high: float) -> PertShape:
    """PERT (alpha, beta, mean) of a range: alpha = 1 + 4 (likely - low) / (high - low), beta = 1 + 4 (high -
    likely) / (high - low), mean = (low + 4 likely + high) / 6; a constant range (low == high) has alpha = beta =
    1. The one place these formulas live: sampling, the range's mean and the worked example all use it."""
    mean = (low + 4 * likely + high) / 6
    if high <= low:
        return PertShape(1.0, 1.0, mean)
    return PertShape(1 + 4 * (likely - low) / (high - low), 1 + 4 * (high - likely) / (high - low), mean)


@dataclass(frozen=True)
class Range:
    """A three-point estimate (low <= likely <= high) read as a PERT distribution; units are the caller's."""

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "likely", "high"):
            object.__setattr__(self, name, finite(getattr(self, name), f"range {name}"))
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"range must satisfy low <= likely <= high, got {self.low}, {self.likely}, {self.high}")

    @property
    def mean(self) -> float:
        """PERT mean, (low + 4 likely + high) / 6, in the range's units."""
        return pert_shape(self.low, self.likely, self.high).mean


@dataclass(frozen=True, eq=False)  # eq=False: comparing NumPy arrays with == has no single truth value
class Samples:
    """One Monte Carlo draw shared by the ranking (and the roadmap simulation).

    Columns follow ``keys``. ``success`` is bool (trials, n); ``impact`` float (trials, n) in value units
    per year; ``effort`` float (trials, n) in person-weeks after savings from shipped producers, with a
    NaN column for a project that has no effort range.
    """

    keys: tuple[int, ...]
    success: np.ndarray
    impact: np.ndarray
    effort: np.ndarray


def check_seed(seed: object) -> int:
    """``seed`` as an int in 0..MAX_SEED, or ValueError."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"a seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def project_stream(seed: int, key: int, stream: int) -> np.random.Generator:
    """The generator of one project's stream: ``default_rng([seed, key, stream])`` (see the module docstring)."""
    return np.random.default_rng([seed, key, stream])


def pert_draws(estimate: Range, trials: int, rng: np.random.Generator) -> np.ndarray:
    """``trials`` PERT draws of one range (a 1-D array in its units); a constant range draws nothing."""
    if estimate.high <= estimate.low:
        return np.full(trials, estimate.low)
    shape = pert_shape(estimate.low, estimate.likely, estimate.high)
    out = rng.beta(shape.alpha, shape.beta, size=trials)
    out *= estimate.high - estimate.low
    out += estimate.low
    np.minimum(out, estimate.high, out=out)  # low + width * 1.0 may round one ulp above high
    return out


def pert_sample(ranges: list[Range] | tuple[Range, ...], trials: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``trials`` values of each PERT range from one generator: array (trials, len(ranges)).

    The vectorized reference draw (benchmarks, tests); the ranking itself draws per project (``draw_columns``).
    """
    low = np.array([r.low for r in ranges], dtype=float)
    high = np.array([r.high for r in ranges], dtype=float)
    shapes = [pert_shape(r.low, r.likely, r.high) for r in ranges]
    alpha = np.array([shape.alpha for shape in shapes], dtype=float)
    beta = np.array([shape.beta for shape in shapes], dtype=float)
    out = rng.beta(alpha, beta, size=(trials, len(ranges)))
    out *= high - low
    out += low
    np.minimum(out, high, out=out)
    return out


def draw_columns(
    seed: int,
    keys: tuple[int, ...],
    probabilities: list[float],
    impacts: list[Range],
    efforts: list[Range | None],
    trials: int,
) -> Samples:
    """Each project's own draws (before any reuse saving): success (bool), impact and effort (NaN without a range).

    Built project by project from its streams (rows of an (n, trials) array, written contiguously) and handed
    back as (trials, n) views, the shape the ranking and the schedule work on.
    """
    seed = check_seed(seed)
    n = len(keys)
    success = np.empty((n, trials), dtype=bool)
    impact = np.empty((n, trials))
    effort = np.full((n, trials), np.nan)
    for j, key in enumerate(keys):
        if isinstance(key, bool) or not isinstance(key, int | np.integer) or key < 0:
            raise ValueError(f"project keys must be non-negative integers (they seed the streams), got {key!r}")
        np.less(project_stream(seed, key, SUCCESS_STREAM).random(trials), probabilities[j], out=success[j])
        impact[j] = pert_draws(impacts[j], trials, project_stream(seed, key, IMPACT_STREAM))
        effort_range = efforts[j]
        if effort_range is not None:
            effort[j] = pert_draws(effort_range, trials, project_stream(seed, key, EFFORT_STREAM))
    return Samples(keys=keys, success=success.T, impact=impact.T, effort=effort.T)
