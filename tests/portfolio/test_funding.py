"""The funding decision's math on cases worked by hand (DESIGN.md, "The funding decision")."""

import numpy as np
import pytest

from portfolio import funding
from portfolio import information_value as info
from portfolio.sampling import Range, Samples
from portfolio.scoring import LinkInput, ProjectInput, ScoringSettings, compute_ranking, draw_samples, rank_from_samples

SETTINGS = ScoringSettings(cost_per_person_week=1.0, horizon_years=1.0, trials=4, top_k=3)


def _project(key, name, *, status="idea", tag="easy"):
    return ProjectInput(key, name, status, Range(1, 1, 1), Range(1, 1, 1), tag, 0.9)


def _fund(projects, columns, *, links=(), capacity=1, window=10, settings=SETTINGS):
    """Fund projects whose per-trial value and effort are given as {key: (values, efforts)} (success always)."""
    keys = tuple(p.key for p in projects)
    value = np.array([columns[k][0] for k in keys], dtype=float).T
    effort = np.array([columns[k][1] for k in keys], dtype=float).T
    samples = Samples(keys, np.ones(value.shape, dtype=bool), value, effort)
    ranking = rank_from_samples(samples, projects, links, settings)
    result = funding.compute_funding(
        samples, ranking, projects, links, settings, capacity=capacity, window_weeks=window
    )
    return ranking, result


def _constant(value, effort, trials=4):
    return [value] * trials, [effort] * trials


def test_budget_is_capacity_times_window():
    assert funding.budget(10, 13) == 130.0


def test_greedy_funds_in_rank_order_while_the_budget_lasts():
    projects = [_project(1, "A"), _project(2, "B"), _project(3, "C"), _project(4, "D")]
    # ROI = value / effort - 1: A 4.0, B 3.0, C 2.0, D 1.0; budget 10: A (4) + B (5) leave 1: C (3) does not fit, D (1).
    columns = {1: _constant(20, 4), 2: _constant(20, 5), 3: _constant(9, 3), 4: _constant(2, 1)}
    ranking, result = _fund(projects, columns)
    assert [s.name for s in ranking.scores] == ["A", "B", "C", "D"]
    by_key = result.by_key()
    assert [by_key[k].funded for k in (1, 2, 3, 4)] == [True, True, False, True]
    assert by_key[3].reason == funding.SKIPPED_NO_FIT
    assert result.cut_rank == 3  # the cut line is drawn above C, the first ranked project not funded
    assert result.budget_person_weeks == 10
    assert result.cut_line_roi == pytest.approx(2.0)
    # funded value: (20 - 4) + (20 - 5) + (2 - 1) = 32 in every trial
    assert result.funded_value == funding.Band(32.0, 32.0, 32.0, 32.0)


def test_cut_line_roi_is_floored_at_zero_and_zero_when_nothing_is_left_out():
    projects = [_project(1, "A"), _project(2, "B")]
    _, result = _fund(projects, {1: _constant(8, 4), 2: _constant(2, 8)})  # B: ROI -0.75, does not fit
    assert result.by_key()[2].reason == funding.SKIPPED_NO_FIT
    assert result.cut_line_roi == 0.0
    _, result = _fund(projects, {1: _constant(8, 4), 2: _constant(2, 2)})
    assert result.cut_line_roi == 0.0


def test_a_consumer_ranked_above_its_required_producer_waits():
    projects = [_project(1, "Consumer"), _project(2, "Producer"), _project(3, "Other")]
    links = (LinkInput(2, 1, "requires", 0.0),)
    columns = {1: _constant(50, 2), 2: _constant(6, 2), 3: _constant(3, 2)}
    _, result = _fund(projects, columns, links=links)
    by_key = result.by_key()
    assert not by_key[1].funded and by_key[1].reason == funding.SKIPPED_WAITS
    assert by_key[2].funded and by_key[3].funded
    assert result.cut_line_roi == 0.0  # waiting is not "does not fit"


def test_a_required_producer_that_is_funded_first_or_delivered_lets_the_consumer_in():
    projects = [_project(1, "Producer"), _project(2, "Consumer"), _project(3, "Shipped", status="shipped")]
    links = (LinkInput(1, 2, "requires", 0.0), LinkInput(3, 2, "requires", 0.0))
    _, result = _fund(projects, {1: _constant(50, 2), 2: _constant(6, 2), 3: _constant(1, 1)}, links=links)
    by_key = result.by_key()
    assert by_key[1].funded and by_key[2].funded
    assert not by_key[3].funded and by_key[3].reason.startswith("delivered")


def test_a_consumer_of_a_parked_producer_waits():
    projects = [_project(1, "Consumer"), _project(2, "Parked", status="parked")]
    _, result = _fund(projects, {1: _constant(50, 2), 2: _constant(1, 1)}, links=(LinkInput(2, 1, "requires", 0.0),))
    assert result.by_key()[1].reason == funding.SKIPPED_WAITS


def test_building_projects_are_committed_even_over_the_budget():
    projects = [_project(1, "Idea"), _project(2, "Build", status="building")]
    _, result = _fund(projects, {1: _constant(50, 1), 2: _constant(30, 15)})
    by_key = result.by_key()
    assert by_key[2].funded and by_key[2].reason == funding.FUNDED_COMMITTED
    assert by_key[2].p_funded_if_known == 1.0
    assert not by_key[1].funded and by_key[1].reason == funding.SKIPPED_NO_FIT
    assert by_key[1].p_funded_if_known == 0.0
    assert result.cut_line_roi == pytest.approx(49.0)


def test_impossible_projects_are_never_funded():
    projects = [_project(1, "Moonshot", tag="impossible"), _project(2, "B")]
    _, result = _fund(projects, {1: _constant(0, 1), 2: _constant(4, 2)})
    by_key = result.by_key()
    assert not by_key[1].funded and by_key[1].reason == funding.SKIPPED_IMPOSSIBLE
    assert by_key[1].evpi is None and by_key[1].p_funded_if_known == 0.0


def test_p_funded_if_known_follows_each_trials_order():
    projects = [_project(1, "A"), _project(2, "B")]
    # budget 10 fits one of them (effort 6 each): trial by trial the one with the higher ROI is funded.
    columns = {1: ([30, 30, 30, 6], [6, 6, 6, 6]), 2: ([12, 12, 12, 24], [6, 6, 6, 6])}
    _, result = _fund(projects, columns)
    by_key = result.by_key()
    assert by_key[1].p_funded_if_known == pytest.approx(0.75)
    assert by_key[2].p_funded_if_known == pytest.approx(0.25)
    assert by_key[1].robustness == "borderline"
    assert funding.robustness(0.9) == "core" and funding.robustness(0.1) == "out"


def _reference_p_funded(roi, effort, budget, producers):
    """A plain loop over trials: the greedy the vectorized version must agree with."""
    trials, m = roi.shape
    counts = np.zeros(m)
    for t in range(trials):
        left, funded = budget, set()
        for j in sorted(range(m), key=lambda j: -roi[t, j]):
            if effort[t, j] <= left and all(p in funded for p in producers.get(j, ())):
                funded.add(j)
                left -= effort[t, j]
        for j in funded:
            counts[j] += 1
    return counts / trials


def test_vectorized_per_trial_greedy_agrees_with_a_loop_over_trials():
    rng = np.random.default_rng(7)
    trials, m = 300, 12
    roi, effort = rng.normal(size=(trials, m)), rng.uniform(1, 10, size=(trials, m))
    producers = {3: (0,), 7: (2, 5)}
    cands = funding.Candidates(np.array([], dtype=np.intp), np.arange(m), np.full((m, 2), m, dtype=np.intp))
    for j, ps in producers.items():
        cands.producers[j, : len(ps)] = ps
    got = funding.p_funded_if_known(roi.T, effort.T, cands, 25.0)
    np.testing.assert_allclose(got, _reference_p_funded(roi, effort, 25.0, producers))


def test_frontier_runs_from_nothing_to_everything_in_21_budgets():
    projects = [_project(1, "A"), _project(2, "B")]
    _, result = _fund(projects, {1: _constant(20, 4), 2: _constant(12, 6)})
    assert len(result.frontier) == 21
    assert result.frontier[0].budget == 0 and result.frontier[0].mean == 0
    assert result.frontier[-1].budget == pytest.approx(10)
    assert result.frontier[-1].mean == pytest.approx(16 + 6)
    assert result.frontier[8].mean == pytest.approx(16)  # budget 4: A only


def test_one_more_and_one_fewer_person_read_off_the_same_greedy():
    projects = [_project(1, "A"), _project(2, "B")]
    _, result = _fund(projects, {1: _constant(20, 4), 2: _constant(12, 6)}, capacity=1, window=5)
    assert result.funded_value.mean == pytest.approx(16)
    assert result.one_more.mean == pytest.approx(22)
    assert result.one_fewer.mean == 0


def test_evppi_is_zero_when_net_value_never_crosses_zero():
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(2, 1000))  # rows are projects, columns trials
    net = np.vstack([5 + x[0], -5 - x[1]])
    assert info.evppi_binned(net, x).tolist() == [0.0, 0.0]
    assert info.evppi_success(net, x > 0.5).tolist() == [0.0, 0.0]
    assert info.evpi(net).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("gain", "loss"), [(3.0, 1.0), (2.0, 2.0), (10.0, 4.0)])
def test_evpi_of_plus_g_or_minus_l_with_even_odds_is_l_over_two(gain, loss):
    success = np.array([[True, False] * 500])
    net = np.where(success, gain, -loss)
    assert info.evpi(net)[0] == pytest.approx(loss / 2)
    assert info.evppi_success(net, success)[0] == pytest.approx(loss / 2)  # success explains it all


def test_evppi_of_an_input_that_decides_the_sign_equals_evpi():
    x = np.linspace(-1, 1, 2000)[None, :]  # net = x: bins by x separate the sign exactly
    net = x.copy()
    assert info.evppi_binned(net, x)[0] == pytest.approx(info.evpi(net)[0])
    assert info.evpi(net)[0] == pytest.approx(0.25, rel=1e-3)  # E[max(x, 0)] for x uniform on [-1, 1]


def test_evppi_bins_are_twenty_equal_count_groups_by_rank():
    # net = +1 in the top 5% of x, -0.01 elsewhere: only the top bin is positive.
    x = np.arange(2000, dtype=float)[None, :]
    net = np.where(x >= 1900, 1.0, -0.01)
    mean = (100 * 1.0 - 1900 * 0.01) / 2000
    assert info.evppi_binned(net, x)[0] == pytest.approx(100 / 2000 - mean)


def test_evppi_of_a_constant_input_is_zero():
    net = np.array([[1.0, -3.0, 2.0, -1.0]])
    assert info.evppi_binned(net, np.ones((1, 4)))[0] == 0.0


def test_tornado_conditions_on_each_inputs_tails():
    impact = np.arange(10, dtype=float)[None, :]
    effort = np.ones((1, 10))
    success = np.array([[True, False] * 5])
    roi = impact.copy()
    net = roi - 4.0
    (bars,) = info.analyse(net, roi, impact, effort, success).tornado
    by_input = {bar.input: bar for bar in bars}
    assert by_input["impact"].low == pytest.approx(0.0)  # only trial 0 is <= P10 (0.9)
    assert by_input["impact"].high == pytest.approx(9.0)  # only trial 9 is >= P90 (8.1)
    assert by_input["effort"].swing == 0 and by_input["effort"].low == pytest.approx(4.5)
    assert by_input["success"].low == pytest.approx(5.0) and by_input["success"].high == pytest.approx(4.0)
    assert bars[0].input == "impact"  # sorted by swing


def test_tornado_tails_agree_with_numpys_percentiles():
    rng = np.random.default_rng(3)
    x, roi = rng.normal(size=(3, 997)), rng.normal(size=(3, 997))
    _, low, high = info.continuous_input(roi, roi, x)
    p10, p90 = np.percentile(x, [10, 90], axis=1)
    for j in range(3):
        assert low[j] == pytest.approx(roi[j][x[j] <= p10[j]].mean())
        assert high[j] == pytest.approx(roi[j][x[j] >= p90[j]].mean())


def test_funding_from_a_real_draw_is_reproducible_and_consistent():
    projects = [ProjectInput(i, f"P{i}", "idea", Range(10, 40, 90), Range(2, 5, 12), "hard", 0.5) for i in range(1, 9)]
    settings = ScoringSettings(cost_per_person_week=4.0, horizon_years=1.0, trials=500, top_k=3)
    samples = draw_samples(projects, (), settings.trials, 11)
    ranking = compute_ranking(projects, (), settings, 11)
    first = funding.compute_funding(samples, ranking, projects, (), settings, capacity=2, window_weeks=6)
    again = funding.compute_funding(samples, ranking, projects, (), settings, capacity=2, window_weeks=6)
    assert first == again
    funded = [p for p in first.projects if p.funded]
    by_key = {s.key: s for s in ranking.scores}
    assert sum(by_key[p.key].expected_effort for p in funded) <= first.budget_person_weeks
    for p in first.projects:
        assert 0 <= p.p_funded_if_known <= 1
        assert 0 <= max(p.evppi.values()) <= p.evpi + 1e-9
    means = [point.mean for point in first.frontier]
    assert means[0] == 0 and means[-1] == pytest.approx(sum(s.expected_value - s.expected_cost for s in ranking.scores))


def test_learn_next_lists_the_largest_pairs_first_and_leaves_out_zeros():
    rows = [
        funding.ProjectFunding(1, True, "", evppi={"impact": 5.0, "effort": 0.0, "success": 1.0}),
        funding.ProjectFunding(2, False, "", evppi={"impact": 2.0, "effort": 7.0, "success": 0.5}),
        funding.ProjectFunding(3, False, "parked"),
    ]
    pairs = funding.learn_next(rows, most=3)
    assert [(p.key, p.input, p.evppi) for p in pairs] == [(2, "effort", 7.0), (1, "impact", 5.0), (2, "impact", 2.0)]


def test_frontier_spans_the_expected_effort_of_the_ranked_projects_that_are_not_impossible():
    projects = [_project(1, "A"), _project(2, "Moonshot", tag="impossible"), _project(3, "Build", status="building")]
    _, result = _fund(projects, {1: _constant(20, 4), 2: _constant(0, 50), 3: _constant(30, 6)})
    assert result.frontier[-1].budget == pytest.approx(4 + 6)
    assert result.frontier[0].mean == pytest.approx(30 - 6)  # budget 0: only the committed project
    by_key = result.by_key()
    assert by_key[2].evppi is None and by_key[3].evppi is not None  # building projects are worth learning about
