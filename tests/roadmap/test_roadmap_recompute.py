"""The roadmap is computed in the recompute run, from the ranking's own draw, and stored with it."""

import datetime

import numpy as np
import pytest

from portfolio import funding, input_selectors, scoring, services
from portfolio.information_value import TornadoBar
from roadmap import planning
from roadmap.models import ProjectScore, RankingSnapshot, ScheduleRow, ValueCurvePoint
from roadmap.services import snapshot_rows
from roadmap.services.recompute import compute_once, portfolio_recompute
from roadmap.services.snapshot_rows import project_funding_fields, score_rows
from tests.factories import (
    AssessmentFactory,
    PortfolioFactory,
    ProjectFactory,
    RankingSnapshotFactory,
    ReuseLinkFactory,
)

START = datetime.date(2027, 1, 4)


@pytest.fixture
def backlog(portfolio):
    """Two uncertain producers and a consumer that requires both; a parked and an impossible project."""
    portfolio.roadmap_start = START
    portfolio.capacity = 6
    portfolio.save()
    a = ProjectFactory(portfolio=portfolio, name="Language identification", staffing=2)
    b = ProjectFactory(portfolio=portfolio, name="Toxicity signal", staffing=2)
    c = ProjectFactory(portfolio=portfolio, name="Safe translation", staffing=2, target_date=datetime.date(2027, 6, 1))
    parked = ProjectFactory(portfolio=portfolio, name="Parked idea", status="parked")
    moonshot = ProjectFactory(portfolio=portfolio, name="Moonshot")
    for project in (a, b, c, parked):
        AssessmentFactory(project=project, tag="hard", effort_low=4, effort_likely=10, effort_high=30)
    AssessmentFactory(project=moonshot, tag="impossible")
    ReuseLinkFactory(producer=a, consumer=c, kind="requires", fraction=0.1)
    ReuseLinkFactory(producer=b, consumer=c, kind="requires", fraction=0.1)
    return {"a": a, "b": b, "c": c, "parked": parked, "moonshot": moonshot}


def _bump(portfolio):
    services.portfolio_update(portfolio=portfolio, data={"top_k": portfolio.top_k + 1})


@pytest.mark.django_db
def test_recompute_writes_the_roadmap_in_the_same_snapshot_as_the_ranking(portfolio, backlog):
    _bump(portfolio)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    rows = {r.project_id: r for r in ScheduleRow.objects.filter(snapshot=snapshot)}
    assert set(rows) == {backlog[k].pk for k in ("a", "b", "c", "moonshot")}
    assert rows[backlog["c"].pk].position == 3
    assert rows[backlog["moonshot"].pk].position is None
    assert "impossible" in rows[backlog["moonshot"].pk].left_off_reason
    c = rows[backlog["c"].pk]
    assert c.start_p10 <= c.start_p50 <= c.start_p90
    assert c.finish_p10 <= c.finish_p50 <= c.finish_p90
    assert c.start_p10 >= START
    assert 0.0 <= c.p_meet_target <= 1.0
    assert sorted(c.requires) == sorted([backlog["a"].pk, backlog["b"].pk])
    assert snapshot.capacity == 6 and snapshot.roadmap_start == START
    curve = list(ValueCurvePoint.objects.filter(snapshot=snapshot))
    assert curve[0].date == START and len(curve) >= 2
    assert all(p.p10 <= p.p50 <= p.p90 for p in curve)


@pytest.mark.django_db
def test_stored_bands_equal_an_in_memory_plan_from_the_same_version_and_seed(portfolio, backlog):
    _bump(portfolio)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    _, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio.pk)
    ranking, plan = planning.compute_plan(
        projects,
        links,
        input_selectors.scoring_settings(portfolio),
        facts,
        capacity=6,
        start=START,
        seed=portfolio.seed,
    )
    stored = {r.project_id: r for r in ScheduleRow.objects.filter(snapshot=snapshot)}
    for planned in plan.projects:
        row = stored[planned.key]
        assert (row.position, row.finish_p50, row.finish_p90) == (
            planned.position,
            planned.finish_p50,
            planned.finish_p90,
        )
    ranks = {s.project_id: s.rank for s in snapshot.scores.all()}
    assert {p.key: p.rank for p in plan.projects} == {k: v for k, v in ranks.items() if v is not None}


@pytest.mark.django_db
def test_ranking_and_roadmap_come_from_one_draw(portfolio, backlog):
    """The roadmap's consumer waits for the same sampled efforts that the ranking's expected effort averages."""
    _, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio.pk)
    settings = input_selectors.scoring_settings(portfolio)
    samples = scoring.draw_samples(projects, links, settings.trials, 7)
    ranking = scoring.rank_from_samples(samples, projects, links, settings)
    _, plan = planning.compute_plan(projects, links, settings, facts, capacity=6, start=START, seed=7)
    assert ranking == scoring.compute_ranking(projects, links, settings, 7)
    column = samples.keys.index(backlog["a"].pk)
    a = next(p for p in plan.projects if p.key == backlog["a"].pk)
    # Producer a starts at the roadmap start and lasts effort / 2 weeks: its P50 finish is that of the samples.
    expected = START + datetime.timedelta(days=round(float(np.percentile(samples.effort[:, column] / 2, 50)) * 7))
    assert abs((a.finish_p50 - expected).days) <= 1


@pytest.mark.django_db
def test_same_input_version_and_seed_give_the_same_bands(portfolio, backlog):
    _bump(portfolio)
    first = portfolio_recompute(portfolio_id=portfolio.pk)
    first_rows = [(r.project_id, r.finish_p10, r.finish_p50, r.finish_p90) for r in first.schedule.all()]
    RankingSnapshot.objects.filter(pk=first.pk).delete()
    second = compute_once(portfolio_id=portfolio.pk)
    assert second.pk != first.pk and second.seed == first.seed
    assert [(r.project_id, r.finish_p10, r.finish_p50, r.finish_p90) for r in second.schedule.all()] == first_rows


@pytest.mark.django_db
def test_compute_once_is_idempotent_for_a_version(portfolio, backlog):
    _bump(portfolio)
    first = compute_once(portfolio_id=portfolio.pk)
    assert compute_once(portfolio_id=portfolio.pk).pk == first.pk
    assert ScheduleRow.objects.filter(snapshot__portfolio=portfolio).count() == 4


@pytest.mark.django_db
def test_merge_bias_shows_in_the_stored_dates(portfolio, backlog):
    _bump(portfolio)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    rows = {r.project_id: r for r in snapshot.schedule.all()}
    a, b, c = (rows[backlog[k].pk] for k in ("a", "b", "c"))
    # c starts when both producers are done: the P50 of the max is later than the later of the P50s.
    assert c.start_p50 > max(a.finish_p50, b.finish_p50)


@pytest.mark.django_db
def test_a_consumer_of_a_parked_producer_is_left_off_with_the_reason(portfolio, backlog):
    ReuseLinkFactory(producer=backlog["parked"], consumer=backlog["b"], kind="requires", fraction=0.0)
    _bump(portfolio)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    rows = {r.project_id: r for r in snapshot.schedule.all()}
    assert rows[backlog["b"].pk].position is None
    assert "Parked idea" in rows[backlog["b"].pk].left_off_reason
    assert rows[backlog["c"].pk].position is None  # it requires b, which is now off the roadmap
    assert rows[backlog["a"].pk].position == 1


@pytest.mark.django_db
def test_a_pin_moves_a_project_up_the_roadmap_and_bumps_the_input_version(portfolio, backlog, pm_user):
    before = portfolio.input_version
    services.project_pin_set(project=backlog["b"], position=1, user=pm_user)
    portfolio.refresh_from_db()
    assert portfolio.input_version == before + 1
    assert backlog["b"].changes.filter(field="roadmap_pin", new="1").exists()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    rows = {r.project_id: r for r in snapshot.schedule.all()}
    assert rows[backlog["b"].pk].position == 1 and rows[backlog["b"].pk].pin == 1
    services.project_pin_clear(project=backlog["b"], user=pm_user)
    backlog["b"].refresh_from_db()
    assert backlog["b"].roadmap_pin is None


@pytest.mark.django_db
def test_a_pin_from_a_stale_form_is_refused(portfolio, backlog):
    stale_version = backlog["a"].version
    services.project_update(project=backlog["a"], data={"staffing": 3})
    with pytest.raises(services.ConflictError):
        services.project_pin_set(project=backlog["a"], position=2, expected_version=stale_version)
    backlog["a"].refresh_from_db()
    assert backlog["a"].roadmap_pin is None


@pytest.mark.django_db
def test_a_recompute_keeps_the_newest_snapshots_and_deletes_older_ones_with_their_rows(portfolio, backlog, settings):
    from roadmap.models import ProjectScore

    settings.SNAPSHOTS_KEPT = 3
    versions = []
    for _ in range(5):
        _bump(portfolio)
        portfolio.refresh_from_db()
        versions.append(portfolio_recompute(portfolio_id=portfolio.pk).input_version)

    kept = list(RankingSnapshot.objects.filter(portfolio=portfolio).values_list("input_version", flat=True))
    assert sorted(kept) == versions[-3:]
    rows_per_snapshot = len(backlog)
    assert ProjectScore.objects.filter(snapshot__portfolio=portfolio).count() == 3 * rows_per_snapshot
    assert ProjectScore.objects.count() == 3 * rows_per_snapshot  # the older snapshots' rows went with them
    assert set(ScheduleRow.objects.values_list("snapshot__input_version", flat=True)) == set(versions[-3:])
    assert set(ValueCurvePoint.objects.values_list("snapshot__input_version", flat=True)) == set(versions[-3:])


@pytest.mark.django_db
def test_pruning_keeps_at_least_two_snapshots_and_leaves_other_portfolios_alone(portfolio, backlog):
    from roadmap.services.recompute import snapshots_prune

    other = PortfolioFactory(name="Growth", slug="growth")
    theirs = [RankingSnapshotFactory(portfolio=other, input_version=v, seed=1, trials=10, top_k=1) for v in (1, 2, 3)]
    for _ in range(3):
        _bump(portfolio)
        portfolio.refresh_from_db()
        newest = portfolio_recompute(portfolio_id=portfolio.pk)

    assert snapshots_prune(portfolio_id=portfolio.pk, keep=0) == 1  # "keep none" still keeps the newest two
    ours = RankingSnapshot.objects.filter(portfolio=portfolio).order_by("input_version")
    assert [s.input_version for s in ours] == [newest.input_version - 1, newest.input_version]
    assert ours.last() == newest
    assert list(RankingSnapshot.objects.filter(portfolio=other).order_by("input_version")) == theirs
    assert snapshots_prune(portfolio_id=portfolio.pk) == 0  # nothing more to delete with the default


@pytest.mark.django_db
def test_a_long_history_is_pruned_a_batch_per_recompute_oldest_first(portfolio, monkeypatch):
    from roadmap.services import recompute as roadmap_services

    monkeypatch.setattr(roadmap_services, "PRUNE_BATCH", 4)
    for version in range(1, 13):
        RankingSnapshotFactory(portfolio=portfolio, input_version=version, seed=1, trials=10, top_k=1)

    assert roadmap_services.snapshots_prune(portfolio_id=portfolio.pk, keep=3) == 4
    left = list(RankingSnapshot.objects.filter(portfolio=portfolio).values_list("input_version", flat=True))
    assert sorted(left) == list(range(5, 13))
    assert roadmap_services.snapshots_prune(portfolio_id=portfolio.pk, keep=3) == 4
    assert roadmap_services.snapshots_prune(portfolio_id=portfolio.pk, keep=3) == 1
    assert roadmap_services.snapshots_prune(portfolio_id=portfolio.pk, keep=3) == 0
    left = list(RankingSnapshot.objects.filter(portfolio=portfolio).values_list("input_version", flat=True))
    assert sorted(left) == [10, 11, 12]


@pytest.mark.django_db
def test_ranking_rows_copy_every_figure_of_the_math_field_by_field():
    """Each ProjectScore column is filled from the ScoredProject field of the same meaning, none left out."""
    model_fields = {f.name for f in ProjectScore._meta.concrete_fields} - {"id", "snapshot", "project"}
    math_fields = set(scoring.ScoredProject.__dataclass_fields__) - {"key"}
    funding_fields = set(project_funding_fields(funding.ProjectFunding(41, True, "fits the budget")))
    assert model_fields == math_fields | funding_fields and not math_fields & funding_fields
    values = {name: float(i) + 0.5 for i, name in enumerate(sorted(math_fields))}
    values.update(name="A project", rank=3, excluded_reason="", needs_feasibility=True, tag="hard")
    scored = scoring.ScoredProject(key=41, **values)
    (values_in_order,) = score_rows(RankingSnapshot(), scoring.RankingResult(scores=(scored,), trials=10, top_k=1))
    row = dict(zip([f.attname for f in snapshot_rows.columns(ProjectScore)], values_in_order, strict=True))
    assert row["project_id"] == 41
    assert {name: row[name] for name in math_fields} == values


def test_ranking_rows_copy_every_funding_figure():
    row = funding.ProjectFunding(
        41,
        False,
        "does not fit the budget",
        p_funded_if_known=0.25,
        evpi=3.5,
        evppi={"impact": 1.0, "effort": 0.5, "success": 2.0},
        tornado=(TornadoBar("success", -1.0, 0.8), TornadoBar("impact", 0.1, 0.4)),
    )
    assert project_funding_fields(row) == {
        "funded": False,
        "funding_reason": "does not fit the budget",
        "p_funded_if_known": 0.25,
        "evpi": 3.5,
        "evppi": {"impact": 1.0, "effort": 0.5, "success": 2.0},
        "tornado": [{"input": "success", "low": -1.0, "high": 0.8}, {"input": "impact", "low": 0.1, "high": 0.4}],
    }
