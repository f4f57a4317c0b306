"""What-if scenarios: a roadmap with another capacity, pins or set of projects, beside the plan, saving nothing;
and "Save as plan", which turns a scenario into the backlog's inputs through the backlog's services.

A what-if draws with the portfolio's seed, each project from its own streams (common random numbers), and ranks
and schedules through the same ``recompute.plan_for``: the unchanged plan equals the saved one, every difference
is the scenario's, and "Save as plan" gives exactly the dates the preview showed. Its work per request is bounded
by a trial budget (``whatif_trials``); a reduced what-if draws the first trials of the same streams.
"""

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from portfolio import input_selectors
from portfolio import services as portfolio_services
from portfolio.models import Portfolio, Project

from .. import planning
from .recompute import plan_for

WHATIF_MIN_TRIALS = 200  # a reduced what-if never draws fewer trials than this per project (P50/P90 stay readable)


def whatif_trials(*, projects: int, trials: int, budget: int) -> int:
    """Trials each side of a what-if draws: the portfolio's ``trials`` while ``projects`` x ``trials`` fits
    the ``budget`` (project-trials per side), else budget // projects, never below WHATIF_MIN_TRIALS (nor above
    ``trials``). E.g. 1,000 projects x 20,000 trials with a budget of 2,000,000 -> 2,000 trials."""
    if projects * trials <= budget:
        return trials
    return min(trials, max(WHATIF_MIN_TRIALS, budget // projects))


@dataclass(frozen=True)
class ScenarioComparison:
    """A scenario's roadmap beside the plan from the same inputs, seed and trial count, with what moves and by
    how much. ``trials`` is what both sides drew; ``portfolio_trials`` what the saved plan draws."""

    saved: planning.RoadmapPlan
    scenario: planning.RoadmapPlan
    shifts: list[planning.DateShift]
    quarters: list[planning.QuarterValue]
    input_version: int
    seed: int
    duration_ms: int
    trials: int
    portfolio_trials: int

    @property
    def moved(self) -> list[planning.DateShift]:
        return [s for s in self.shifts if s.note or s.finish_p50_days or s.finish_p90_days]

    @property
    def funding_moves(self) -> list[tuple[str, str]]:
        """Projects the scenario funds that the plan does not, or the reverse: (name, "funded now" | "no longer
        funded"), in the scenario's rank order; empty when either side has no funding decision."""
        saved, scenario = self.saved.funding, self.scenario.funding
        if saved is None or scenario is None:
            return []
        before = {p.key: p.funded for p in saved.projects}
        names = {p.key: p.name for p in self.scenario.projects} | {p.key: p.name for p in self.saved.projects}
        moves = []
        for project in scenario.projects:
            if project.key in names and project.funded != before.get(project.key, False):
                moves.append((names[project.key], "funded now" if project.funded else "no longer funded"))
        return moves

    @property
    def reduced(self) -> bool:
        """True when the what-if drew fewer trials than the saved plan, to answer within its budget."""
        return self.trials < self.portfolio_trials


def scenario_compare(*, portfolio_id: int, scenario: planning.Scenario) -> ScenarioComparison:
    """Compute a what-if inline, saving nothing: the plan and the scenario from the same draw (same seed).

    The seed is the portfolio's, as for the saved plan, so the unchanged plan equals the saved one once the
    recompute has caught up, every difference is the scenario's, not Monte Carlo noise, and the scenario saved as
    the plan gives exactly these dates.
    A request's work is bounded: when projects x trials exceeds ``settings.WHATIF_MAX_PROJECT_TRIALS``, both
    sides draw fewer trials (``whatif_trials``), the same number with the same seed, so they still compare
    like for like; the unchanged plan is then close to the saved one rather than equal to it.
    """
    started = time.perf_counter()
    portfolio, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio_id)
    seed = portfolio.seed
    trials = whatif_trials(projects=len(projects), trials=portfolio.trials, budget=settings.WHATIF_MAX_PROJECT_TRIALS)
    _, saved = plan_for(portfolio, projects, links, facts, seed=seed, trials=trials)
    changed, new_facts = planning.apply_scenario(projects, facts, scenario)
    _, plan = plan_for(
        portfolio,
        changed,
        links,
        new_facts,
        seed=seed,
        capacity=scenario.capacity,
        trials=trials,
        window_weeks=scenario.window_weeks,
    )
    return ScenarioComparison(
        saved=saved,
        scenario=plan,
        shifts=planning.date_shifts(saved, plan),
        quarters=planning.quarter_values(saved, plan),
        input_version=portfolio.input_version,
        seed=seed,
        duration_ms=int((time.perf_counter() - started) * 1000),
        trials=trials,
        portfolio_trials=portfolio.trials,
    )


@transaction.atomic
def scenario_save(
    *,
    portfolio: Portfolio,
    scenario: planning.Scenario,
    settings_version: int,
    base_capacity: int,
    project_versions: Mapping[int, int],
    user=None,
) -> None:
    """Make a scenario the plan, all or nothing, through the backlog's services and their version checks.

    Capacity and the planning window go into the portfolio settings; pins onto the projects; a dropped project is
    parked and an added (parked) one goes back to idea. ``settings_version``, ``base_capacity`` and ``project_versions``
    are what the scenario form was based on: anything changed since raises ConflictError and saves nothing.
    """
    settings_changes = {}
    if scenario.capacity != base_capacity:
        settings_changes["capacity"] = scenario.capacity
    if scenario.window_weeks is not None and scenario.window_weeks != portfolio.planning_window_weeks:
        settings_changes["planning_window_weeks"] = scenario.window_weeks
    if settings_changes:
        mine = copy.copy(portfolio)
        mine.capacity = base_capacity
        portfolio_services.portfolio_update(portfolio=mine, data=settings_changes, expected_version=settings_version)
    pins = dict(scenario.pins or {})
    touched = sorted(set(pins) | scenario.drop | scenario.add)
    for project in Project.objects.filter(portfolio=portfolio, pk__in=touched).order_by("pk"):
        new_pin = project.pk in pins and pins[project.pk] != project.roadmap_pin
        if not new_pin and not _scenario_status(project, scenario):
            continue  # the scenario leaves it as it is now
        # A project the scenario changes must be the version the form showed; a form without it saves nothing.
        version = project_versions.get(project.pk)
        if project.version != version:
            raise portfolio_services.ConflictError(project, {"version": (version, project.version)})
        if new_pin:
            project = portfolio_services.project_pin_set(
                project=project, position=pins[project.pk], user=user, expected_version=version
            )
        status = _scenario_status(project, scenario)
        if status:
            portfolio_services.project_update(
                project=project, data={"status": status}, user=user, expected_version=project.version
            )


def _scenario_status(project: Project, scenario: planning.Scenario) -> str:
    """The status a scenario gives the project ("" for no change): dropped -> parked, added -> idea."""
    if project.pk in scenario.drop and project.status != "parked":
        return "parked"
    if project.pk in scenario.add and project.status == "parked":
        return "idea"
    return ""
