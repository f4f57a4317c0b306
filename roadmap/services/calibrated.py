"""Entered vs calibrated ranges, side by side: the ranking and the roadmap computed from the ranges as their
estimators entered them, and from the same ranges corrected by each estimator's track record (DESIGN.md, "Learning
from delivery"). Saves nothing.

Both sides draw with the portfolio's seed and the same trial count, each project from its own streams, so every
difference is the correction's, not Monte Carlo noise.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from portfolio import input_selectors, scoring

from .. import planning
from .recompute import plan_for
from .whatif import whatif_trials


@dataclass(frozen=True)
class SideBySide:
    """One project under entered and calibrated ranges: rank, expected ROI (ratio), finish P50 and P90 (dates),
    whether it is funded."""

    key: int
    name: str
    entered: scoring.ScoredProject
    calibrated: scoring.ScoredProject
    entered_plan: planning.PlannedProject | None
    calibrated_plan: planning.PlannedProject | None
    entered_funded: bool | None = None  # in the funded set (None: no funding decision for it)
    calibrated_funded: bool | None = None

    @property
    def rank_move(self) -> int | None:
        """Places gained under calibrated ranges (positive = up), None unless ranked both ways."""
        if self.entered.rank is None or self.calibrated.rank is None:
            return None
        return self.entered.rank - self.calibrated.rank

    @property
    def finish_p50_days(self) -> int | None:
        """Days the P50 finish moves under calibrated ranges (positive = later)."""
        return _days(self.entered_plan, self.calibrated_plan, "finish_p50")


def _days(old: planning.PlannedProject | None, new: planning.PlannedProject | None, field: str) -> int | None:
    a, b = getattr(old, field, None), getattr(new, field, None)
    return (b - a).days if isinstance(a, datetime.date) and isinstance(b, datetime.date) else None


def _funded(plan: planning.RoadmapPlan) -> dict[int, bool]:
    """Project key -> in the plan's funded set (empty without a funding decision)."""
    return {key: f.funded for key, f in plan.funding.by_key().items()} if plan.funding is not None else {}


@dataclass(frozen=True)
class CalibratedComparison:
    """The portfolio's ranking and roadmap both ways; ``rows`` in calibrated rank order (unranked last)."""

    rows: list[SideBySide]
    corrected: int  # how many projects had a range corrected
    trials: int
    seed: int


def calibrated_compare(*, portfolio_id: int) -> CalibratedComparison:
    """Rank and schedule the portfolio with its ranges as entered and as calibrated (same seed and trials)."""
    portfolio, entered, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio_id, calibrated=False)
    _, calibrated, _, _ = input_selectors.planning_inputs(portfolio_id=portfolio_id, calibrated=True)
    trials = whatif_trials(projects=len(entered), trials=portfolio.trials, budget=settings.WHATIF_MAX_PROJECT_TRIALS)
    ranking_a, plan_a = plan_for(portfolio, entered, links, facts, seed=portfolio.seed, trials=trials)
    ranking_b, plan_b = plan_for(portfolio, calibrated, links, facts, seed=portfolio.seed, trials=trials)
    scores_a = {s.key: s for s in ranking_a.scores}
    planned_a, planned_b = ({p.key: p for p in plan.projects} for plan in (plan_a, plan_b))
    funded_a, funded_b = (_funded(plan) for plan in (plan_a, plan_b))
    rows = [
        SideBySide(
            s.key,
            s.name,
            scores_a[s.key],
            s,
            planned_a.get(s.key),
            planned_b.get(s.key),
            funded_a.get(s.key),
            funded_b.get(s.key),
        )
        for s in ranking_b.scores
    ]
    corrected = sum(a.impact != b.impact or a.effort != b.effort for a, b in zip(entered, calibrated, strict=True))
    return CalibratedComparison(rows=rows, corrected=corrected, trials=trials, seed=portfolio.seed)
