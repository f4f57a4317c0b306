"""A snapshot's rows are written without model objects (COPY on PostgreSQL, multi-row INSERTs on SQLite) and
read back exactly as ``bulk_create`` of the same values writes them."""

import datetime

import pytest
from django.db import connection

from roadmap import planning
from roadmap.models import ProjectScore, ScheduleRow, ValueCurvePoint
from roadmap.services import snapshot_rows
from roadmap.services.recompute import compute_once
from roadmap.services.snapshot_rows import curve_rows, schedule_rows

from ..factories import AssessmentFactory, ProjectFactory, RankingSnapshotFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 1)


def _stored(model, snapshot) -> list[dict]:
    """The snapshot's rows of ``model`` as values, without their ids, in a fixed order."""
    rows = model.objects.filter(snapshot=snapshot).order_by("pk").values()
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def _through_bulk_create(model, snapshot, rows) -> list[dict]:
    """The same tuples written as model objects, the way the recompute wrote them before."""
    names = [f.attname for f in snapshot_rows.columns(model)]
    model.objects.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)
    return _stored(model, snapshot)


def _plan(project_ids: list[int]) -> planning.RoadmapPlan:
    """A small plan touching every kind of column: dates, None, JSON lists, text, a reason longer than 300."""
    projects = tuple(
        planning.PlannedProject(
            key=pk,
            name=f"Project “{i}” 'quoted' \\ tab\there",
            status="idea",
            rank=i + 1,
            position=i + 1 if i else None,
            pin=None if i else 2,
            staffing=2,
            target_date=DAY if i else None,
            requires=(project_ids[0],) if i else (),
            left_off_reason="" if i else "x" * 400,
            start_p10=DAY,
            start_p50=DAY + datetime.timedelta(days=i),
            finish_p50=DAY + datetime.timedelta(days=30 + i),
            p_meet_target=0.25 * i if i else None,
            finish_cdf=((DAY, 0.5), (DAY + datetime.timedelta(days=7), 1.0)),
        )
        for i, pk in enumerate(project_ids)
    )
    curve = (planning.CurvePoint(DAY, 0.0, 1.5, 3.25), planning.CurvePoint(DAY + datetime.timedelta(days=90), 1, 2, 3))
    return planning.RoadmapPlan(start=DAY, capacity=4, projects=projects, value_curve=curve)


@pytest.mark.parametrize("model", [ScheduleRow, ValueCurvePoint])
def test_roadmap_rows_read_back_as_bulk_create_writes_them(portfolio, model):
    ids = [ProjectFactory(portfolio=portfolio).pk for _ in range(3)]
    plan = _plan(ids)
    make = schedule_rows if model is ScheduleRow else curve_rows
    written = RankingSnapshotFactory(portfolio=portfolio, input_version=101)
    reference = RankingSnapshotFactory(portfolio=portfolio, input_version=102)
    snapshot_rows.insert_rows(model, make(written, plan))
    expected = _through_bulk_create(model, reference, make(reference, plan))
    stored = _stored(model, written)
    assert stored and [dict(r, snapshot_id=reference.pk) for r in stored] == expected


def test_a_recompute_writes_the_ranking_rows_bulk_create_would(portfolio):
    for i in range(4):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Model {i}"), tag="hard")
    ProjectFactory(portfolio=portfolio, name="Not assessed")  # excluded: its figures are NULL
    portfolio.trials = 200
    portfolio.save()
    snapshot = compute_once(portfolio_id=portfolio.pk)
    stored = _stored(ProjectScore, snapshot)
    assert len(stored) == 5 and any(r["rank"] is None for r in stored)
    rows = [tuple(r[f.attname] for f in snapshot_rows.columns(ProjectScore)) for r in stored]
    reference = RankingSnapshotFactory(portfolio=portfolio, input_version=102)
    expected = _through_bulk_create(ProjectScore, reference, [(reference.pk, *row[1:]) for row in rows])
    assert [dict(r, snapshot_id=reference.pk) for r in stored] == expected


def test_rows_follow_the_model_columns_and_name_a_missing_attribute():
    class Point:
        date, p10, p50 = DAY, 1.0, 2.0  # no p90

    with pytest.raises(AttributeError, match="p90"):
        snapshot_rows.row_tuples(ValueCurvePoint, [Point()], {"snapshot_id": lambda _: 1})
    assert [f.attname for f in snapshot_rows.columns(ValueCurvePoint)] == ["snapshot_id", "date", "p10", "p50", "p90"]


def test_sqlite_splits_rows_over_statements_it_accepts(portfolio, monkeypatch):
    snapshot = RankingSnapshotFactory(portfolio=portfolio)
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the INSERT path, whichever database runs the tests
    points = [planning.CurvePoint(DAY + datetime.timedelta(days=d), d, d + 1, d + 2) for d in range(5)]
    snapshot_rows.insert_rows(
        ValueCurvePoint, snapshot_rows.row_tuples(ValueCurvePoint, points, {"snapshot_id": lambda _: snapshot.pk})
    )
    stored = ValueCurvePoint.objects.filter(snapshot=snapshot).order_by("date")
    assert [(p.date, p.p10, p.p50, p.p90) for p in stored] == [(p.date, p.p10, p.p50, p.p90) for p in points]
