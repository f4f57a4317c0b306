"""A snapshot's rows written in bulk without model objects: COPY on PostgreSQL, multi-row INSERTs elsewhere.

A recompute of 10,000 projects writes 20,000 rows; building a model instance for each (``bulk_create``) was about
a third of the whole run. Here each row is a tuple in the order of the model's columns, taken from the model's
fields (``columns``), so a column added to ``ProjectScore`` or ``ScheduleRow`` is written as soon as the
object it is copied from (``ScoredProject``, ``PlannedProject``) has an attribute of that name, or the caller
says how to compute it. ``score_rows``, ``schedule_rows`` and ``curve_rows`` make a snapshot's tuples from the
math's results (``funding_fields`` the snapshot's own funding columns); ``refresh_statistics`` follows a write.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from operator import attrgetter
from typing import Any

from django.db import connection, models

from portfolio import funding, scoring

from .. import planning
from ..models import ProjectScore, RankingSnapshot, ScheduleRow, ValueCurvePoint


def columns(model: type[models.Model]) -> list[models.Field]:
    """The columns an INSERT of ``model`` writes: every concrete field but the primary key (the database's)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def row_tuples(
    model: type[models.Model], items: Iterable[object], computed: dict[str, Callable[[Any], Any]]
) -> list[tuple[Any, ...]]:
    """One tuple per item in the order of ``columns(model)``: the value of a column is ``computed[attname](item)``
    when given, else the item's attribute of the column's name (``attname``: ``project_id`` for a foreign key).

    An attribute neither given nor found raises AttributeError naming it: a new column is never left empty
    unnoticed."""
    getters = [computed.get(f.attname) or attrgetter(f.attname) for f in columns(model)]
    return [tuple(get(item) for get in getters) for item in items]


def _preparers(fields: Sequence[models.Field]) -> list[Callable[[Any], Any] | None]:
    """Per column, how a Python value becomes a database value (None: as it is).

    On PostgreSQL psycopg adapts numbers, text, booleans, dates and NULL itself; JSON is the exception (a list
    would become an array): COPY takes it as its text, written by ``json.dumps`` with the field's encoder, as the
    field's own adapter would (that adapter wraps the value for psycopg, which costs as much again). Elsewhere
    every value goes through its field, as ``bulk_create`` does."""

    def prepare(field: models.Field) -> Callable[[Any], Any]:
        return lambda value: field.get_db_prep_save(value, connection)

    def json_text(field: models.JSONField) -> Callable[[Any], Any]:
        encoder = field.encoder
        return lambda value: None if value is None else json.dumps(value, cls=encoder)

    if connection.vendor != "postgresql":
        return [prepare(f) for f in fields]
    return [json_text(f) if isinstance(f, models.JSONField) else None for f in fields]


def _prepared(rows: Iterable[tuple[Any, ...]], fields: Sequence[models.Field]) -> Iterable[tuple[Any, ...]]:
    preparers = _preparers(fields)
    if not any(preparers):
        return rows
    return (tuple(v if p is None else p(v) for p, v in zip(preparers, row, strict=True)) for row in rows)


def insert_rows(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns(model)``) into ``model``'s table, in the current
    transaction: one COPY on PostgreSQL, INSERTs of as many rows as the database takes per statement elsewhere."""
    if not rows:
        return
    fields = columns(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.get_attname_column()[1] or f.attname) for f in fields)
    prepared = _prepared(rows, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return
        batch = max(1, connection.ops.bulk_batch_size(fields, rows))
        values = "(" + ", ".join(["%s"] * len(fields)) + ")"
        pending = list(prepared)
        for start in range(0, len(pending), batch):
            chunk = pending[start : start + batch]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([values] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def funding_fields(decision: funding.FundingResult | None) -> dict:
    """The snapshot's portfolio-level funding fields (none when the plan has no funding decision)."""
    if decision is None:
        return {}
    return {
        "planning_window_weeks": decision.window_weeks,
        "budget_person_weeks": decision.budget_person_weeks,
        "cut_line_roi": decision.cut_line_roi,
        "funded_value_mean": decision.funded_value.mean,
        "funded_value_p10": decision.funded_value.p10,
        "funded_value_p50": decision.funded_value.p50,
        "funded_value_p90": decision.funded_value.p90,
        "funding": {
            "frontier": [asdict(point) for point in decision.frontier],
            "one_more": asdict(decision.one_more),
            "one_fewer": asdict(decision.one_fewer),
            "cut_rank": decision.cut_rank,
            "learn_next": [{"project_id": p.key, "input": p.input, "evppi": p.evppi} for p in decision.learn_next],
        },
    }


def project_funding_fields(row: funding.ProjectFunding | None) -> dict:
    """A ranking row's funding fields."""
    if row is None:
        return {}
    return {
        "funded": row.funded,
        "funding_reason": row.reason[:200],
        "p_funded_if_known": row.p_funded_if_known,
        "evpi": row.evpi,
        "evppi": row.evppi,
        "tornado": [{"input": bar.input, "low": bar.low, "high": bar.high} for bar in row.tornado],
    }


def _funding_column(rows: dict[int, dict], name: str, default: Any) -> Callable[[scoring.ScoredProject], Any]:
    """A funding column of a ranking row: the project's value in ``rows`` (its funding fields), else ``default``."""
    return lambda score: rows.get(score.key, {}).get(name, default)


def score_rows(
    snapshot: RankingSnapshot, result: scoring.RankingResult, decision: funding.FundingResult | None = None
) -> list[tuple[Any, ...]]:
    """The snapshot's ranking rows, one per ``scoring.ScoredProject`` (figures None for an excluded project), in
    ``ProjectScore``'s column order: a column named as a field of ``ScoredProject`` is copied from it, the funding
    columns from the project's row of ``decision`` (their defaults without one), and these computed."""
    computed: dict[str, Callable[[scoring.ScoredProject], Any]] = {
        "snapshot_id": lambda _: snapshot.pk,
        "project_id": lambda score: score.key,
        "tag": lambda score: score.tag or "",
    }
    by_key = decision.by_key() if decision is not None else {}
    funding_rows = {key: project_funding_fields(row) for key, row in by_key.items()}
    scored = {f.name for f in fields(scoring.ScoredProject)}
    for column in columns(ProjectScore):
        if column.attname not in computed and column.attname not in scored:
            computed[column.attname] = _funding_column(funding_rows, column.attname, column.get_default())
    return row_tuples(ProjectScore, result.scores, computed)


def schedule_rows(snapshot: RankingSnapshot, plan: planning.RoadmapPlan) -> list[tuple[Any, ...]]:
    """The snapshot's roadmap rows, one per ``planning.PlannedProject``, in ``ScheduleRow``'s column order."""
    computed: dict[str, Callable[[planning.PlannedProject], Any]] = {
        "snapshot_id": lambda _: snapshot.pk,
        "project_id": lambda p: p.key,
        "left_off_reason": lambda p: p.left_off_reason[:300],
        "finish_cdf": lambda p: [[d.isoformat(), share] for d, share in p.finish_cdf],
        "requires": lambda p: list(p.requires),
    }
    return row_tuples(ScheduleRow, plan.projects, computed)


def curve_rows(snapshot: RankingSnapshot, plan: planning.RoadmapPlan) -> list[tuple[Any, ...]]:
    """The snapshot's value curve, one row per ``planning.CurvePoint``, in ``ValueCurvePoint``'s column order."""
    return row_tuples(ValueCurvePoint, plan.value_curve, {"snapshot_id": lambda _: snapshot.pk})


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Refresh the planner's statistics of the snapshot key of ``models_``' tables (PostgreSQL; nothing elsewhere).

    Every snapshot is written under a new ``snapshot_id``. Until the statistics count it, the planner takes that
    value for a handful of rows, and its plans for a page's figures compare every project with every row of the
    snapshot (at 1,000 projects, half a million comparisons: ~40 ms a backlog page under load). Call it inside the
    transaction that writes the rows: ANALYZE samples that transaction's own new rows, and the statistics commit with
    them, so no reader ever plans for a snapshot the statistics have not seen. ANALYZE of that one column samples
    the table (about 50 ms at 30,000 rows, 200 ms at two million)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            field = model._meta.get_field("snapshot")
            assert isinstance(field, models.ForeignKey)
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({quote(field.column)})")
