"""What the ranking math is given: the project statuses and feasibility tags it knows, the rule for a project's
success probability, and the projects, reuse links and settings it ranks, each checked when built.

Pure (stdlib only, and ``portfolio.sampling`` for ranges; no Django, no NumPy arrays). Units: impact in value units
per year, effort in person-weeks, cost per person-week in value units, horizon in years, probabilities in [0, 1].
``portfolio.scoring`` ranks with these.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .sampling import Range, finite

# The one definition of which statuses are delivered (they count as producers, not ranked), still to be built
# (ranked when they have an effort range) and parked; every query, form and page takes them from here.
DELIVERED_STATUSES = frozenset({"shipped", "iterating"})
TO_BUILD_STATUSES = frozenset({"idea", "discovery", "building"})
PARKED_STATUS = "parked"
STATUSES = DELIVERED_STATUSES | TO_BUILD_STATUSES | {PARKED_STATUS}
DEFAULT_SUCCESS_PROBABILITY = {"easy": 0.9, "hard": 0.5, "impossible": 0.0}
IMPOSSIBLE_TAG = "impossible"
UNASSESSED_TAG = "hard"  # a project no EM has assessed yet is scored with this tag's probability
LINK_KINDS = frozenset({"requires", "benefits"})
MAX_SAVING_FRACTION = 0.9


def success_probability(*, tag: str | None, override: float | None, by_tag: Mapping[str, float]) -> float:
    """The effective success probability of a project: the EM's ``override`` when there is one, else the
    probability ``by_tag`` gives its feasibility tag, else (``tag`` None: not assessed yet) the 'hard' one."""
    if override is not None:
        return override
    return by_tag[tag if tag is not None else UNASSESSED_TAG]


@dataclass(frozen=True)
class ProjectInput:
    """One project as the math sees it.

    ``impact`` is in value units per year; ``effort`` in person-weeks (the EM assessment's range, else
    the PM's provisional one, else None); ``tag`` is None until assessed ("needs feasibility");
    ``success_probability`` is already resolved by the caller (override, tag default or 'hard' default).
    """

    key: int
    name: str
    status: str
    impact: Range
    effort: Range | None
    tag: str | None
    success_probability: float

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"project {self.name!r}: unknown status {self.status!r}")
        if self.tag is not None and self.tag not in DEFAULT_SUCCESS_PROBABILITY:
            raise ValueError(f"project {self.name!r}: unknown feasibility tag {self.tag!r}")
        p = finite(self.success_probability, f"project {self.name!r}: success probability")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"project {self.name!r}: success probability must be in [0, 1], got {p}")
        object.__setattr__(self, "success_probability", p)


@dataclass(frozen=True)
class LinkInput:
    """A reuse link: ``producer`` saves ``fraction`` (0..0.9) of ``consumer``'s effort; keys are project keys."""

    producer: int
    consumer: int
    kind: str
    fraction: float

    def __post_init__(self) -> None:
        if self.kind not in LINK_KINDS:
            raise ValueError(f"unknown reuse link kind {self.kind!r}")
        fraction = finite(self.fraction, "reuse link fraction")
        if not 0.0 <= fraction <= MAX_SAVING_FRACTION:
            raise ValueError(f"reuse link fraction must be in [0, {MAX_SAVING_FRACTION}], got {fraction}")
        object.__setattr__(self, "fraction", fraction)


@dataclass(frozen=True)
class ScoringSettings:
    """Portfolio settings the ranking needs: value units per person-week, value horizon in years, Monte Carlo
    trials and the K of P(top-K)."""

    cost_per_person_week: float
    horizon_years: float
    trials: int
    top_k: int

    def __post_init__(self) -> None:
        if finite(self.cost_per_person_week, "cost per person-week") <= 0:
            raise ValueError("cost per person-week must be positive")
        if finite(self.horizon_years, "horizon in years") < 0:
            raise ValueError("horizon in years must not be negative")
        if int(self.trials) != self.trials or self.trials < 1:
            raise ValueError(f"trials must be a positive integer, got {self.trials!r}")
        if int(self.top_k) != self.top_k or self.top_k < 1:
            raise ValueError(f"top-K must be a positive integer, got {self.top_k!r}")
