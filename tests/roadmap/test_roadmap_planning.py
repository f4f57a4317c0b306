"""The plan from one draw (roadmap.planning): no database. The charts drawn from it are tested in charts/."""

import datetime
from dataclasses import dataclass

import numpy as np
import pytest

from portfolio import scoring
from roadmap import planning, priority, simulation

START = datetime.date(2027, 1, 4)  # a Monday
SETTINGS = scoring.ScoringSettings(cost_per_person_week=4.0, horizon_years=1.0, trials=4000, top_k=3)


@dataclass(frozen=True)
class Facts:
    staffing: int = 1
    target_date: datetime.date | None = None
    pin: int | None = None
    effort_from: datetime.date | None = None  # a building project's remaining effort counts from this day


def _project(key, impact, effort, *, status="idea", tag="easy", p=1.0):
    return scoring.ProjectInput(
        key=key,
        name=f"P{key}",
        status=status,
        impact=scoring.Range(*impact),
        effort=None if effort is None else scoring.Range(*effort),
        tag=tag,
        success_probability=p,
    )


def _plan(projects, links=(), facts=None, *, capacity=10, seed=1):
    facts = facts or {p.key: Facts() for p in projects}
    return planning.compute_plan(projects, links, SETTINGS, facts, capacity=capacity, start=START, seed=seed)


def test_projects_follow_rank_order_with_building_first():
    projects = [
        _project(1, (100, 100, 100), (1, 1, 1)),  # best ROI
        _project(2, (50, 50, 50), (1, 1, 1)),
        _project(3, (10, 10, 10), (1, 1, 1), status="building"),  # worst ROI but under way
    ]
    ranking, plan = _plan(projects, capacity=1)
    assert [p.key for p in plan.scheduled] == [3, 1, 2]
    assert [p.position for p in plan.scheduled] == [1, 2, 3]
    # Constant efforts of 1 person-week with one person: finishes one week apart.
    assert [p.finish_p50 for p in plan.scheduled] == [START + datetime.timedelta(days=7 * k) for k in (1, 2, 3)]


def test_a_pin_moves_a_project_to_its_place_and_past_the_end_means_last():
    projects = [_project(k, (100 - k, 100 - k, 100 - k), (1, 1, 1)) for k in range(1, 5)]  # rank order 1..4
    facts = {k: Facts() for k in range(1, 5)} | {4: Facts(pin=1), 1: Facts(pin=99)}
    _, plan = _plan(projects, facts=facts, capacity=1)
    assert [p.key for p in plan.scheduled] == [4, 2, 3, 1]
    assert plan.scheduled[0].pin == 1


def test_a_pinned_consumer_still_comes_after_the_producer_it_requires():
    projects = [_project(k, (100 - k, 100 - k, 100 - k), (1, 1, 1)) for k in range(1, 4)]
    links = [scoring.LinkInput(producer=2, consumer=3, kind="requires", fraction=0.0)]
    facts = {1: Facts(), 2: Facts(), 3: Facts(pin=1)}
    _, plan = _plan(projects, links, facts, capacity=1)
    # The list is 3, 1, 2; 3 is not ready until 2 is placed, so the highest-placed ready project goes first.
    assert [p.key for p in plan.scheduled] == [1, 2, 3]
    assert plan.scheduled[2].start_p50 >= plan.scheduled[1].finish_p50


def test_impossible_projects_are_ranked_but_left_off_the_roadmap():
    projects = [_project(1, (10, 10, 10), (1, 1, 1)), _project(2, (10, 10, 10), (1, 1, 1), tag="impossible", p=0)]
    _, plan = _plan(projects)
    off = next(p for p in plan.projects if p.key == 2)
    assert off.position is None and off.left_off_reason == priority.LEFT_OFF_IMPOSSIBLE
    assert [p.key for p in plan.scheduled] == [1]


def test_a_chain_of_pert_tasks_finishes_at_the_sum_of_means_within_monte_carlo_error():
    ranges = [(2, 4, 12), (1, 3, 5), (4, 6, 20)]
    projects = [_project(k, (100 - k, 100 - k, 100 - k), r) for k, r in enumerate(ranges, start=1)]
    links = [
        scoring.LinkInput(producer=1, consumer=2, kind="requires", fraction=0.0),
        scoring.LinkInput(producer=2, consumer=3, kind="requires", fraction=0.0),
    ]
    samples = scoring.draw_samples(projects, links, SETTINGS.trials, 3)
    ranking = scoring.rank_from_samples(samples, projects, links, SETTINGS)
    facts = {p.key: Facts() for p in projects}
    items, _, _ = priority.roadmap_list(ranking, projects, links, facts)
    order, _ = simulation.schedule_order(items, delivered=frozenset())
    columns = [samples.keys.index(k) for k in order]
    result = simulation.simulate_schedule(
        [next(i for i in items if i.key == k) for k in order], samples.effort[:, columns], capacity=10
    )
    last = result.finish[:, order.index(3)]
    expected = sum(scoring.Range(*r).mean for r in ranges)
    standard_error = np.sqrt(sum(_pert_variance(*r) for r in ranges) / SETTINGS.trials)
    assert abs(last.mean() - expected) < 4 * standard_error


def _pert_variance(low, likely, high):
    """Variance of PERT(low, likely, high): (high - low)^2 * alpha * beta / ((alpha + beta)^2 (alpha + beta + 1))."""
    alpha, beta = 1 + 4 * (likely - low) / (high - low), 1 + 4 * (high - likely) / (high - low)
    return (high - low) ** 2 * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))


def test_the_plan_uses_the_rankings_samples_for_its_dates():
    projects = [_project(1, (10, 10, 10), (2, 6, 30))]
    samples = scoring.draw_samples(projects, (), SETTINGS.trials, 11)
    ranking = scoring.rank_from_samples(samples, projects, (), SETTINGS)
    plan = planning.plan_from_samples(samples, ranking, projects, (), {1: Facts(staffing=2)}, capacity=4, start=START)
    weeks = np.percentile(samples.effort[:, 0] / 2, [10, 50, 90])
    row = plan.scheduled[0]
    assert [row.finish_p10, row.finish_p50, row.finish_p90] == [simulation.weeks_to_date(START, w) for w in weeks]
    assert row.start_p50 == START


def test_the_same_seed_gives_the_same_plan_and_another_seed_another_one():
    projects = [_project(k, (50, 100, 200), (2, 6, 30), p=0.7) for k in range(1, 6)]
    assert _plan(projects, seed=5)[1] == _plan(projects, seed=5)[1]
    assert _plan(projects, seed=5)[1] != _plan(projects, seed=6)[1]


def test_fewer_people_push_finishes_later_in_a_scenario():
    projects = [_project(k, (100 - k, 100 - k, 100 - k), (4, 8, 16)) for k in range(1, 7)]
    facts = {p.key: Facts(staffing=2) for p in projects}
    _, saved = _plan(projects, facts=facts, capacity=6)
    changed, new_facts = planning.apply_scenario(projects, facts, planning.Scenario(capacity=2))
    _, scenario = _plan(changed, facts=new_facts, capacity=2)
    shifts = planning.date_shifts(saved, scenario)
    assert all(s.finish_p50_days >= 0 for s in shifts) and any(s.finish_p50_days > 0 for s in shifts)
    quarters = planning.quarter_values(saved, scenario)
    assert quarters[0].date == datetime.date(2027, 3, 31)
    assert all(q.scenario.p50 <= q.saved.p50 for q in quarters)
    assert quarters[-1].scenario.p50 == quarters[-1].saved.p50  # everything is delivered in the end


def test_a_scenario_drops_parks_and_adds_back_and_repins():
    projects = [_project(1, (10, 10, 10), (1, 1, 1)), _project(2, (10, 10, 10), (1, 1, 1), status="parked")]
    facts = {1: Facts(pin=3), 2: Facts()}
    changed, new_facts = planning.apply_scenario(
        projects, facts, planning.Scenario(capacity=3, drop=frozenset({1}), add=frozenset({2}), pins={1: None})
    )
    assert [p.status for p in changed] == ["parked", "idea"]
    assert new_facts[1].pin is None and new_facts[2].pin is None
    _, saved = _plan(projects, facts=facts)
    _, scenario = _plan(changed, facts=new_facts)
    notes = {s.key: s.note for s in planning.date_shifts(saved, scenario)}
    assert notes == {1: "dropped", 2: "added"}


@pytest.mark.parametrize(
    ("start", "last", "expected"),
    [
        (datetime.date(2027, 1, 4), datetime.date(2027, 1, 5), [datetime.date(2027, 3, 31)]),
        (
            datetime.date(2027, 11, 2),
            datetime.date(2028, 4, 1),
            [datetime.date(2027, 12, 31), datetime.date(2028, 3, 31), datetime.date(2028, 6, 30)],
        ),
    ],
)
def test_quarter_ends_cover_start_to_last(start, last, expected):
    assert planning.quarter_ends(start, last) == expected


def test_value_at_takes_the_last_point_on_or_before_the_date():
    curve = [planning.CurvePoint(START + datetime.timedelta(days=30 * k), k, 2 * k, 3 * k) for k in range(4)]
    assert planning.value_at(curve, START - datetime.timedelta(days=1)).p50 == 0
    assert planning.value_at(curve, START + datetime.timedelta(days=45)).p50 == 2
    assert planning.value_at(curve, START + datetime.timedelta(days=999)).p90 == 9


def _naive_schedule(order, efforts, staffing, requires, capacity):
    """DESIGN.md's rules, one trial at a time in plain Python: the independent check of the vectorized plan."""
    free = [0.0] * capacity
    finish = {}
    for key in order:
        free.sort()
        people = min(max(staffing[key], 1), capacity)
        start = max([free[people - 1]] + [finish[p] for p in requires.get(key, ()) if p in finish])
        finish[key] = start + efforts[key] / people
        free[:people] = [finish[key]] * people
    return finish


def test_plan_bands_agree_with_an_independent_per_trial_scheduler():
    n, trials = 12, 300
    projects = [
        _project(k, (10, 20 + k, 60), (2, 4 + k % 5, 20 + k), status="building" if k in (7, 9) else "idea", p=0.8)
        for k in range(1, n + 1)
    ]
    requires = {5: (1, 2), 8: (5,), 11: (3, 8), 12: (7,)}
    links = [
        scoring.LinkInput(producer=p, consumer=c, kind="requires", fraction=0.1)
        for c, ps in requires.items()
        for p in ps
    ]
    facts = {p.key: Facts(staffing=1 + p.key % 3, pin=2 if p.key == 10 else None) for p in projects}
    settings = scoring.ScoringSettings(cost_per_person_week=4.0, horizon_years=1.0, trials=trials, top_k=3)
    samples = scoring.draw_samples(projects, links, trials, 2027)
    ranking = scoring.rank_from_samples(samples, projects, links, settings)
    plan = planning.plan_from_samples(samples, ranking, projects, links, facts, capacity=4, start=START)
    order = [p.key for p in plan.scheduled]
    assert order[:3] == [7, 10, 9]  # building first, except that project 10 is pinned to place 2
    staffing = {k: f.staffing for k, f in facts.items()}
    finishes = {k: [] for k in order}
    for t in range(trials):
        efforts = {k: samples.effort[t, samples.keys.index(k)] for k in order}
        for k, week in _naive_schedule(order, efforts, staffing, requires, 4).items():
            finishes[k].append(week)
    for row in plan.scheduled:
        weeks = np.percentile(finishes[row.key], [10, 50, 90])
        assert [row.finish_p10, row.finish_p50, row.finish_p90] == [simulation.weeks_to_date(START, w) for w in weeks]
