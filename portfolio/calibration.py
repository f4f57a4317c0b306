"""Calibration of estimators against what happened (DESIGN.md, "Learning from delivery").

Pure math (stdlib, NumPy and SciPy; no Django, nothing of ours but ``sampling``). Every judged estimate is a PERT
range (low, likely, high) with the actual that came true, in the range's units (person-weeks for effort, value
units per year for impact). Definitions, each from DESIGN.md:

- PIT = the PERT CDF of the range at the actual; a constant range (low == high) gives 0 below, 1 above, 0.5 at it.
- Inside = 0.1 <= PIT <= 0.9; hit rate = share inside (a calibrated estimator scores 80%).
- Bias = median(actual / PERT mean).
- PIT histogram: 10 bins of width 0.1, bin = floor(10 PIT), PIT 1.0 in the last bin.
- Stretch (only with >= 5 estimates): the smallest s in {0.50, 0.55, ..., 5.00} such that at least 80% of the
  actuals fall inside the transformed ranges, 5.00 if none does. Transform of (low, likely, high) with bias b and
  stretch s: (b max(0, likely - s (likely - low)), b likely, b (likely + s (high - likely))).
- Tags: observed success rate with its Wilson 80% interval, flagged when the assumed probability lies outside.
"""

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from portfolio.sampling import Range, pert_shape

KINDS = ("effort", "impact")  # effort ranges come from EMs, impact ranges from PMs
POOLED = "all"  # the estimator label of the pooled row of each kind
IMPORTED = "imported"  # the estimator label of an estimate whose source named nobody
MIN_FOR_STRETCH = 5  # estimates an estimator needs before a stretch (and calibrated ranges) is computed
INSIDE_LOW, INSIDE_HIGH = 0.1, 0.9  # P10-P90: a PIT in [0.1, 0.9] means the actual fell inside
TARGET_HIT_RATE = 0.8  # what a calibrated estimator scores
BINS = 10
STRETCHES = tuple(k / 100 for k in range(50, 501, 5))  # 0.50, 0.55, ..., 5.00 (exact decimals, no float drift)
CONFIDENCE = 0.8  # of the Wilson interval of a tag's success rate


@dataclass(frozen=True)
class JudgedEstimate:
    """One resolved estimate: the range judged (low <= likely <= high) and the actual, in the same units."""

    kind: str
    estimator: str
    low: float
    likely: float
    high: float
    actual: float
    project: str = ""  # a label for pages and tests; the math ignores it

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        values = (self.low, self.likely, self.high, self.actual)
        if not all(math.isfinite(v) for v in values) or not self.low <= self.likely <= self.high:
            raise ValueError(f"a judged estimate needs finite low <= likely <= high and actual, got {values}")


@dataclass(frozen=True)
class TagOutcome:
    """Whether a resolved project of a feasibility tag succeeded."""

    tag: str
    succeeded: bool


@dataclass(frozen=True)
class Correction:
    """An estimator's calibration of one kind: multiply by ``bias`` and widen by ``stretch`` (see transform)."""

    bias: float
    stretch: float


def pit(low: float, likely: float, high: float, actual: float) -> float:
    """Probability integral transform: the PERT CDF of (low, likely, high) at ``actual``, in [0, 1]."""
    if high <= low:
        return 0.0 if actual < low else 1.0 if actual > low else 0.5
    return float(pits(np.array([low]), np.array([likely]), np.array([high]), np.array([actual]))[0])


def pits(low: np.ndarray, likely: np.ndarray, high: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Vectorized ``pit`` over arrays of ranges and actuals (same shapes)."""
    low, likely, high, actual = (np.asarray(a, dtype=float) for a in (low, likely, high, actual))
    width = high - low
    constant = width <= 0
    safe = np.where(constant, 1.0, width)
    alpha = np.where(constant, 1.0, 1 + 4 * (likely - low) / safe)
    beta = np.where(constant, 1.0, 1 + 4 * (high - likely) / safe)
    x = np.clip((actual - low) / safe, 0.0, 1.0)
    out = stats.beta.cdf(x, alpha, beta)
    out = np.where(actual <= low, 0.0, np.where(actual >= high, 1.0, out))
    at_constant = np.where(actual < low, 0.0, np.where(actual > low, 1.0, 0.5))
    return np.where(constant, at_constant, out)


def inside(pit_values: np.ndarray) -> np.ndarray:
    """Which PITs fell inside the P10-P90 band (0.1 <= PIT <= 0.9)."""
    values = np.asarray(pit_values, dtype=float)
    return (values >= INSIDE_LOW) & (values <= INSIDE_HIGH)


def hit_rate(pit_values: Sequence[float] | np.ndarray) -> float | None:
    """Share of PITs inside [0.1, 0.9]; None for no estimates."""
    values = np.asarray(pit_values, dtype=float)
    return int(inside(values).sum()) / len(values) if len(values) else None


def bias(estimates: Sequence[JudgedEstimate]) -> float | None:
    """median(actual / PERT mean) (1.0 = unbiased; 1.5 = actuals 50% above the means).

    An estimate whose PERT mean is 0 has no ratio and is left out; None when no estimate has one.
    """
    ratios = [e.actual / m for e in estimates if (m := pert_shape(e.low, e.likely, e.high).mean) != 0]
    return float(statistics.median(ratios)) if ratios else None


def pit_histogram(pit_values: Sequence[float] | np.ndarray) -> list[int]:
    """Counts of PITs in 10 bins [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]; PIT 1.0 goes in the last bin."""
    counts = [0] * BINS
    for value in np.asarray(pit_values, dtype=float):
        counts[min(int(math.floor(value * BINS)), BINS - 1)] += 1
    return counts


def transform(low: float, likely: float, high: float, correction: Correction) -> tuple[float, float, float]:
    """A range corrected by an estimator's bias b and stretch s: (b max(0, likely - s (likely - low)), b likely,
    b (likely + s (high - likely))), in the range's units."""
    b, s = correction.bias, correction.stretch
    return (b * max(0.0, likely - s * (likely - low)), b * likely, b * (likely + s * (high - likely)))


def corrected(estimate: Range, correction: Correction | None) -> Range:
    """``estimate`` transformed by ``correction``; unchanged without one, or when the bias is not positive (a
    track record of zero actuals would turn every range into nothing)."""
    if correction is None or not correction.bias > 0:
        return estimate
    return Range(*transform(estimate.low, estimate.likely, estimate.high, correction))


def _arrays(estimates: Sequence[JudgedEstimate]) -> tuple[np.ndarray, ...]:
    return tuple(np.array([getattr(e, f) for e in estimates], dtype=float) for f in ("low", "likely", "high", "actual"))


def stretch(estimates: Sequence[JudgedEstimate], estimate_bias: float | None) -> float | None:
    """The smallest s in {0.50, ..., 5.00} whose transformed ranges hold at least 80% of the actuals (5.00 if none
    does); None under 5 estimates or without a bias."""
    if len(estimates) < MIN_FOR_STRETCH or estimate_bias is None:
        return None
    low, likely, high, actual = _arrays(estimates)
    n = len(estimates)
    for s in STRETCHES:
        new_low = estimate_bias * np.maximum(0.0, likely - s * (likely - low))
        new_high = estimate_bias * (likely + s * (high - likely))
        hits = int(inside(pits(new_low, estimate_bias * likely, new_high, actual)).sum())
        if hits / n >= TARGET_HIT_RATE:
            return s
    return STRETCHES[-1]


@dataclass(frozen=True)
class EstimatorRow:
    """Calibration of one estimator (or ``all``) for one kind."""

    kind: str
    estimator: str
    n: int
    hit_rate: float
    bias: float | None
    stretch: float | None
    pit_histogram: tuple[int, ...]

    def as_json(self) -> dict:
        """The row as DESIGN.md's JSON object."""
        return {
            "kind": self.kind,
            "estimator": self.estimator,
            "n": self.n,
            "hit_rate": self.hit_rate,
            "bias": self.bias,
            "stretch": self.stretch,
            "pit_histogram": list(self.pit_histogram),
        }


def estimator_row(kind: str, estimator: str, estimates: Sequence[JudgedEstimate]) -> EstimatorRow:
    """n, hit rate, bias, stretch and PIT histogram of a non-empty group of estimates."""
    low, likely, high, actual = _arrays(estimates)
    values = pits(low, likely, high, actual)
    b = bias(estimates)
    return EstimatorRow(
        kind=kind,
        estimator=estimator,
        n=len(estimates),
        hit_rate=hit_rate(values) or 0.0,
        bias=b,
        stretch=stretch(estimates, b),
        pit_histogram=tuple(pit_histogram(values)),
    )


def estimator_rows(estimates: Iterable[JudgedEstimate]) -> list[EstimatorRow]:
    """Per kind (effort, then impact): one row per estimator (sorted by label), then the pooled row ``all``."""
    rows = []
    estimates = list(estimates)
    for kind in KINDS:
        of_kind = [e for e in estimates if e.kind == kind]
        if not of_kind:
            continue
        for label in sorted({e.estimator for e in of_kind}):
            rows.append(estimator_row(kind, label, [e for e in of_kind if e.estimator == label]))
        rows.append(estimator_row(kind, POOLED, of_kind))
    return rows


def corrections(estimates: Iterable[JudgedEstimate]) -> dict[tuple[str, str], Correction]:
    """(kind, estimator) -> its bias and stretch, for every estimator with >= 5 resolved estimates of that kind
    (the pooled row is not an estimator and corrects nobody)."""
    return {
        (row.kind, row.estimator): Correction(bias=row.bias, stretch=row.stretch)
        for row in estimator_rows(estimates)
        if row.estimator != POOLED and row.stretch is not None and row.bias is not None
    }


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson score interval of a binomial proportion (the form statsmodels uses), clipped to [0, 1]; None for
    n = 0."""
    if n <= 0:
        return None
    crit = float(stats.norm.isf((1 - confidence) / 2))
    p = successes / n
    crit2 = crit**2
    denom = 1 + crit2 / n
    center = (p + crit2 / (2 * n)) / denom
    dist = crit * math.sqrt(p * (1.0 - p) / n + crit2 / (4.0 * n**2)) / denom
    return (max(0.0, center - dist), min(1.0, center + dist))


@dataclass(frozen=True)
class TagRow:
    """Observed success of a feasibility tag against the probability the portfolio assumes."""

    tag: str
    n: int
    successes: int
    success_rate: float
    interval: tuple[float, float]
    assumed: float
    flagged: bool

    def as_json(self) -> dict:
        """The row as DESIGN.md's JSON object."""
        return {
            "tag": self.tag,
            "n": self.n,
            "success_rate": self.success_rate,
            "interval": list(self.interval),
            "assumed": self.assumed,
            "flagged": self.flagged,
        }


def tag_rows(outcomes: Iterable[TagOutcome], assumed: Mapping[str, float]) -> list[TagRow]:
    """One row per tag of ``assumed`` (in its order) with at least one resolved project."""
    outcomes = list(outcomes)
    rows = []
    for tag, probability in assumed.items():
        results = [o.succeeded for o in outcomes if o.tag == tag]
        if not results:
            continue
        n, successes = len(results), sum(results)
        interval = wilson_interval(successes, n)
        assert interval is not None  # n >= 1
        flagged = not interval[0] <= probability <= interval[1]
        rows.append(TagRow(tag, n, successes, successes / n, interval, float(probability), flagged))
    return rows


def calibration_document(
    estimates: Iterable[JudgedEstimate], outcomes: Iterable[TagOutcome], assumed: Mapping[str, float]
) -> dict:
    """DESIGN.md's JSON: ``{"estimators": [...], "tags": [...]}``."""
    return {
        "estimators": [row.as_json() for row in estimator_rows(estimates)],
        "tags": [row.as_json() for row in tag_rows(outcomes, assumed)],
    }
