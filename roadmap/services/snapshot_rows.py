"""A snapshot's rows written in bulk without model objects: COPY on PostgreSQL, multi-row INSERTs elsewhere.

A recompute of 10,000 projects writes 20,000 rows; building a model instance for each (``bulk_create``) was about
a third of the whole run. Here each row is a tuple in the order of the model's columns, taken from the model's
fields (``columns``), so a column added to ``ProjectScore`` or ``ScheduleRow`` is written as soon as the
object it is copied from (``ScoredProject``, ``PlannedProject``) has an attribute of that name, or the caller
says how to compute it.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connection, models


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


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Refresh the planner's statistics of the snapshot key of ``models_``' tables (PostgreSQL; nothing elsewhere).

    Every snapshot is written under a new ``snapshot_id``. Until the statistics count it, the planner takes that
    value for a handful of rows and picks plans that walk all the snapshot's rows to find a page's 50 (about 5 ms
    at 10,000 projects, growing with the portfolio). ANALYZE of that one column samples the table (about 50 ms at
    30,000 rows, 200 ms at two million) and ends the window that autovacuum would close only a minute later."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            field = model._meta.get_field("snapshot")
            assert isinstance(field, models.ForeignKey)
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({quote(field.column)})")
