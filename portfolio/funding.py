"""The funding decision (DESIGN.md, "The funding decision"): what fits the team's budget, how sure that is, what
the funded set brings, and what to learn before committing.

Pure math (stdlib and NumPy only; no Django, nothing of ours but the scoring and value-of-information modules).
Units: budget and efforts in person-weeks, value and net value in value units over the horizon, ROI a ratio.

- Budget B = capacity (people) x planning window (weeks).
- Funded set, from expected figures: ranked ``building`` projects first (committed, their expected effort
  counted even past B); then the ranked, not-impossible projects in rank order, funded when their expected
  effort fits what is left and each producer they *require* is funded or delivered.
- P(funded if known): the same greedy in every trial on that trial's roi_t (order) and effort_t (against B),
  vectorized over trials: one loop over places in the order, each step a NumPy operation over all trials.
- Funded value, frontier (21 budgets), cut-line ROI; EVPPI, EVPI and tornado in ``information_value``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import information_value as info
from .sampling import Samples
from .scoring import RankingResult, value_samples
from .scoring_inputs import DELIVERED_STATUSES, IMPOSSIBLE_TAG, LinkInput, ProjectInput, ScoringSettings

DEFAULT_WINDOW_WEEKS = 13
LEARN_NEXT = 10  # "What to learn next" lists the ten largest (project, input) EVPPIs
FRONTIER_STEPS = 20  # the frontier's budgets are j / 20 of the total expected effort, j = 0..20
CORE_AT_LEAST = 0.9  # P(funded if known) >= 0.9: core
OUT_AT_MOST = 0.1  # <= 0.1: out; between: borderline

FUNDED_COMMITTED = "committed: already building"
FUNDED_FITS = "fits the budget"
SKIPPED_NO_FIT = "does not fit the budget"
SKIPPED_WAITS = "waits for an unfunded producer"
SKIPPED_IMPOSSIBLE = "impossible: never funded"

# A project "fits" when its effort is at most what is left plus this share of the budget: summing and subtracting
# floats in another order must not leave the last project of the whole backlog out at 100 % of its total effort.
FIT_SLACK = 1e-9

# Outcome codes of the greedy for one row (one budget or one trial) and one candidate.
_FUNDED, _NO_FIT, _WAITS = 1, 2, 3


@dataclass(frozen=True)
class Band:
    """Mean and P10/P50/P90 over trials of a sum of value_t - cost_t (value units)."""

    mean: float
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class FrontierPoint:
    """The funded set at one budget (person-weeks): mean, P10 and P90 of its summed value_t - cost_t."""

    budget: float
    mean: float
    p10: float
    p90: float


@dataclass(frozen=True)
class ProjectFunding:
    """One project's funding figures. ``reason`` says why it is funded or not; figures are None for a project
    that is not ranked (``p_funded_if_known`` is 0 for an impossible one, 1 for a committed one); ``evppi``
    maps input -> value units; ``tornado`` is sorted by swing, largest first."""

    key: int
    funded: bool
    reason: str
    p_funded_if_known: float | None = None
    evpi: float | None = None
    evppi: dict[str, float] | None = None
    tornado: tuple[info.TornadoBar, ...] = ()

    @property
    def robustness(self) -> str:
        """core (P >= 0.9), out (P <= 0.1), borderline between; "" when the project is not ranked."""
        return robustness(self.p_funded_if_known)


@dataclass(frozen=True)
class LearnPair:
    """One (project, input) pair of "What to learn next": its EVPPI in value units."""

    key: int
    input: str
    evppi: float


@dataclass(frozen=True)
class FundingResult:
    """The funding decision of one draw: budget (person-weeks), cut-line ROI, funded value, frontier, and per
    project (in the ranking's order) whether it is funded and why. ``one_more`` and ``one_fewer`` are the
    funded value with one person more or fewer over the same window."""

    window_weeks: int
    capacity: int
    budget_person_weeks: float
    cut_line_roi: float
    funded_value: Band
    one_more: Band
    one_fewer: Band
    frontier: tuple[FrontierPoint, ...]
    projects: tuple[ProjectFunding, ...]
    learn_next: tuple[LearnPair, ...] = ()
    cut_rank: int | None = None  # rank of the first ranked project not funded: the cut line is drawn above it

    def by_key(self) -> dict[int, ProjectFunding]:
        return {p.key: p for p in self.projects}


def robustness(p_funded_if_known: float | None) -> str:
    """The core-index badge of a probability of being funded if the outcomes were known."""
    if p_funded_if_known is None:
        return ""
    if p_funded_if_known >= CORE_AT_LEAST:
        return "core"
    if p_funded_if_known <= OUT_AT_MOST:
        return "out"
    return "borderline"


def budget(capacity: int, window_weeks: int) -> float:
    """B = capacity (people) x planning window (weeks), in person-weeks."""
    if capacity < 0 or window_weeks < 0:
        raise ValueError("capacity and planning window must not be negative")
    return float(capacity * window_weeks)


@dataclass(frozen=True)
class Candidates:
    """The greedy's inputs. ``committed`` and ``candidates`` are positions in the ranked columns (rank order);
    ``producers`` is (len(candidates), P): per candidate the candidate indices of the producers it requires,
    padded with ``len(candidates)`` (always satisfied) and ``len(candidates) + 1`` (never: a producer that is
    neither funded nor delivered can be, e.g. parked, impossible or without an effort range)."""

    committed: np.ndarray
    candidates: np.ndarray
    producers: np.ndarray


def candidates_of(ranked: Sequence[ProjectInput], links: Sequence[LinkInput], delivered: frozenset[int]) -> Candidates:
    """Split the ranked projects (in rank order) into committed (building) and candidates (not impossible, not
    building), and resolve each candidate's required producers (see ``Candidates``)."""
    committed = [i for i, p in enumerate(ranked) if p.status == "building"]
    candidates = [i for i, p in enumerate(ranked) if p.status != "building" and p.tag != IMPOSSIBLE_TAG]
    committed_keys = {ranked[i].key for i in committed}
    m = len(candidates)
    required: list[list[int]] = [[] for _ in candidates]
    candidate_keys = {ranked[i].key: j for j, i in enumerate(candidates)}
    for link in links:
        j = candidate_keys.get(link.consumer)
        if link.kind != "requires" or j is None or link.producer == link.consumer:
            continue
        if link.producer in delivered or link.producer in committed_keys:
            continue
        required[j].append(candidate_keys.get(link.producer, m + 1))
    width = max((len(r) for r in required), default=0)
    producers = np.full((m, width), m, dtype=np.intp)
    for j, r in enumerate(required):
        producers[j, : len(r)] = r
    return Candidates(np.array(committed, dtype=np.intp), np.array(candidates, dtype=np.intp), producers)


def greedy(
    order: np.ndarray,
    effort: np.ndarray,
    remaining: np.ndarray,
    producers: np.ndarray,
    *,
    slack: np.ndarray | float = 0.0,
    outcomes: bool = False,
) -> np.ndarray:
    """The funding greedy over R rows at once (budgets or trials): array (R, m) of funded flags, or of outcome
    codes (funded, does not fit, waits) with ``outcomes``.

    ``order`` (R, m): candidate indices in the order each row considers them; ``effort`` (m, R): each
    candidate's effort in each row, in candidate order (person-weeks); ``remaining`` (R,): budget left after
    the committed projects (may be negative). A candidate is funded when its effort fits what is left (up to
    ``slack`` person-weeks, per row or for all) and every producer it requires is funded already; fit is checked
    first, so a candidate failing both does not fit.
    """
    rows_n, m = order.shape
    rows = np.arange(rows_n)
    left = np.array(remaining, dtype=float)
    slack = np.broadcast_to(np.asarray(slack, dtype=float), left.shape)
    funded = np.zeros((rows_n, m + 2), dtype=bool)
    funded[:, m] = True  # the padding column of producers that impose nothing
    codes = np.zeros((rows_n, m), dtype=np.int8) if outcomes else None
    steps = order.T.copy()  # (m, R): step k reads one contiguous row
    check = producers.shape[1] > 0
    for k in range(m):
        column = steps[k]
        spent = effort[column, rows]
        fits = spent <= left + slack
        take = fits & funded[rows[:, None], producers[column]].all(axis=1) if check else fits
        np.subtract(left, spent, out=left, where=take)
        funded[rows, column] = take
        if codes is not None:
            codes[rows, column] = np.where(take, _FUNDED, np.where(fits, _WAITS, _NO_FIT))
    return codes if codes is not None else funded[:, :m]


def _band(net: np.ndarray) -> Band:
    """Mean and P10/P50/P90 of a per-trial sum (value units)."""
    p10, p50, p90 = np.percentile(net, [10, 50, 90])
    return Band(float(net.mean()), float(p10), float(p50), float(p90))


def _deterministic(
    expected_effort: np.ndarray, cands: Candidates, budgets: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """The funded set from expected efforts at each budget: (codes (len(budgets), m), funded mask over all
    ranked columns (len(budgets), ranked)). Committed efforts are subtracted one by one in rank order."""
    left = np.array(budgets, dtype=float)
    for i in cands.committed:
        left -= expected_effort[i]
    m = len(cands.candidates)
    order = np.broadcast_to(np.arange(m), (len(budgets), m))
    effort = np.broadcast_to(expected_effort[cands.candidates][:, None], (m, len(budgets)))
    slack = FIT_SLACK * np.abs(np.array(budgets, dtype=float))
    codes = greedy(order, effort, left, cands.producers, slack=slack, outcomes=True)
    mask = np.zeros((len(budgets), len(expected_effort)), dtype=bool)
    mask[:, cands.committed] = True
    mask[:, cands.candidates] = codes == _FUNDED
    return codes, mask


def p_funded_if_known(roi: np.ndarray, effort: np.ndarray, cands: Candidates, total_budget: float) -> np.ndarray:
    """Share of trials in which each ranked project is funded when every trial's outcomes are known: committed
    ones always, the candidates by the greedy on that trial's roi_t (descending; ties keep rank order) and
    effort_t. ``roi`` and ``effort`` are rows per ranked project: (projects, trials)."""
    trials = roi.shape[1]
    share = np.zeros(roi.shape[0])
    share[cands.committed] = 1.0
    if len(cands.candidates) == 0:
        return share
    left = total_budget - effort[cands.committed].sum(axis=0)
    order = np.argsort(np.ascontiguousarray(-roi[cands.candidates].T), axis=1, kind="stable")
    funded = greedy(order, effort[cands.candidates], left, cands.producers, slack=FIT_SLACK * total_budget)
    share[cands.candidates] = np.count_nonzero(funded, axis=0) / trials
    return share


def compute_funding(
    samples: Samples,
    ranking: RankingResult,
    projects: Sequence[ProjectInput],
    links: Sequence[LinkInput],
    settings: ScoringSettings,
    *,
    capacity: int,
    window_weeks: int,
) -> FundingResult:
    """Every funding figure of a ranking, from the ranking's own samples (see the module docstring)."""
    by_key = {p.key: p for p in projects}
    column = {key: i for i, key in enumerate(samples.keys)}
    ranked_scores = [s for s in ranking.scores if s.rank is not None]
    ranked = [by_key[s.key] for s in ranked_scores]
    columns = np.array([column[p.key] for p in ranked], dtype=np.intp)
    delivered = frozenset(p.key for p in projects if p.status in DELIVERED_STATUSES)
    cands = candidates_of(ranked, links, delivered)
    expected_effort = np.array([s.expected_effort for s in ranked_scores], dtype=float)
    expected_roi = np.array([s.expected_roi for s in ranked_scores], dtype=float)
    total = budget(capacity, window_weeks)
    # The frontier spans the total expected effort of the ranked, not impossible projects, summed in rank order.
    total_effort = sum(
        float(e) for s in ranked_scores if s.tag != IMPOSSIBLE_TAG and (e := s.expected_effort) is not None
    )
    steps = [j / FRONTIER_STEPS * total_effort for j in range(FRONTIER_STEPS + 1)]
    budgets = [total, budget(capacity + 1, window_weeks), budget(max(capacity - 1, 0), window_weeks), *steps]
    codes, masks = _deterministic(expected_effort, cands, budgets)

    # Rows per ranked project, (projects, trials), so every per-project pass reads contiguous memory.
    cost = settings.cost_per_person_week
    value = np.ascontiguousarray(value_samples(samples, projects, links, settings, columns).T)
    effort = samples.effort.T[columns]
    net = value - effort * cost  # value_t - cost_t
    sums = masks.astype(float) @ net  # (budgets, trials): each funded set's summed net value per trial
    no_fit = [expected_roi[cands.candidates[j]] for j in np.flatnonzero(codes[0] == _NO_FIT)]
    cut_line = max([0.0, *no_fit])
    roi = np.divide(net, effort, out=value)  # value is not needed any more: roi_t in its place
    roi /= cost
    p_known = p_funded_if_known(roi, effort, cands, total)
    net -= (cut_line * cost) * effort  # net_t = value_t - (1 + r*) cost_t, what learning is measured on
    figures = info.analyse(net, roi, samples.impact.T[columns], effort, samples.success.T[columns])
    learn = {i for i, p in enumerate(ranked) if p.tag != IMPOSSIBLE_TAG}
    outcome = dict(zip(cands.candidates.tolist(), codes[0].tolist(), strict=True))
    rows = []
    for i, project in enumerate(ranked):
        funded, reason = _decision(project, i, cands, outcome)
        rows.append(
            ProjectFunding(
                key=project.key,
                funded=funded,
                reason=reason,
                p_funded_if_known=float(p_known[i]),
                evpi=figures.evpi[i] if i in learn else None,
                evppi=figures.evppi[i] if i in learn else None,
                tornado=figures.tornado[i],
            )
        )
    rows += [
        ProjectFunding(key=s.key, funded=False, reason=s.excluded_reason) for s in ranking.scores if s.rank is None
    ]
    return FundingResult(
        window_weeks=window_weeks,
        capacity=capacity,
        budget_person_weeks=total,
        cut_line_roi=float(cut_line),
        funded_value=_band(sums[0]),
        one_more=_band(sums[1]),
        one_fewer=_band(sums[2]),
        frontier=tuple(FrontierPoint(b, *_frontier_figures(sums[3 + j])) for j, b in enumerate(steps)),
        projects=tuple(rows),
        learn_next=learn_next(rows),
        cut_rank=next((s.rank for s, row in zip(ranked_scores, rows, strict=False) if not row.funded), None),
    )


def learn_next(projects: Sequence[ProjectFunding], most: int = LEARN_NEXT) -> tuple[LearnPair, ...]:
    """The ``most`` largest (project, input) EVPPIs above 0, largest first (ties: project order, then input)."""
    pairs = [
        LearnPair(p.key, name, value)
        for p in projects
        if p.evppi is not None
        for name, value in p.evppi.items()
        if value > 0
    ]
    return tuple(sorted(pairs, key=lambda pair: -pair.evppi)[:most])


def _frontier_figures(net: np.ndarray) -> tuple[float, float, float]:
    """Mean, P10 and P90 of a frontier point's per-trial summed net value (value units)."""
    p10, p90 = np.percentile(net, [10, 90])
    return float(net.mean()), float(p10), float(p90)


def _decision(project: ProjectInput, i: int, cands: Candidates, outcome: dict[int, int]) -> tuple[bool, str]:
    """Whether ranked column ``i`` is funded at the budget, and why (or why not)."""
    if project.status == "building":
        return True, FUNDED_COMMITTED
    if project.tag == IMPOSSIBLE_TAG:
        return False, SKIPPED_IMPOSSIBLE
    code = outcome[i]
    return code == _FUNDED, {_FUNDED: FUNDED_FITS, _NO_FIT: SKIPPED_NO_FIT, _WAITS: SKIPPED_WAITS}[code]
