"""Migration 0003: old snapshots get their typed provenance fields from their JSON ``settings`` (the model's
default for a key they lack; the day they were computed for a missing roadmap start), and reversing it writes
the document back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portfolio.models import Portfolio

BEFORE = [("roadmap", "0003_snapshot_rows_indexed_by_their_unique_constraint")]
AFTER = [("roadmap", "0004_snapshot_provenance_fields")]
FULL = {
    "cost_per_person_week": 6.5,
    "horizon_years": 2.5,
    "trials": 300,
    "top_k": 4,
    "p_easy": 0.8,
    "p_hard": 0.45,
    "p_impossible": 0.02,
    "value_unit": "M€",
    "capacity": 7,
    "roadmap_start": "2027-03-01",
}
BEFORE_THE_ROADMAP = {k: v for k, v in FULL.items() if k not in ("capacity", "roadmap_start")}
DEFAULTS = {
    "value_unit": "k$",
    "cost_per_person_week": 4.0,
    "horizon_years": 1.0,
    "p_easy": 0.9,
    "p_hard": 0.5,
    "p_impossible": 0.0,
    "capacity": 10,
}


def _migrate(executor: MigrationExecutor, targets):
    """Migrate to ``targets`` and return the apps (historical models) there."""
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def executor(transactional_db):
    """A migration executor; the database is migrated forward again afterwards, whatever the test did."""
    executor = MigrationExecutor(connection)
    yield executor
    _migrate(executor, executor.loader.graph.leaf_nodes())


def _old_snapshots(apps) -> dict:
    """Three snapshots as the recompute wrote them before 0003: a full document, one from before the roadmap
    existed (no capacity, no roadmap start) and one with an empty document."""
    # The portfolio app is not migrated back: its table is today's, so today's model writes the row.
    portfolio = Portfolio.objects.create(name="Old", slug="old")
    snapshot = apps.get_model("roadmap", "RankingSnapshot")
    made = {}
    for version, (name, document) in enumerate(
        [("full", FULL), ("before_the_roadmap", BEFORE_THE_ROADMAP), ("empty", {})], start=1
    ):
        made[name] = snapshot.objects.create(
            portfolio_id=portfolio.pk, input_version=version, seed=version, trials=300, top_k=4, settings=document
        ).pk
    return made


def test_old_snapshots_get_their_fields_from_their_settings_document(executor):
    made = _old_snapshots(_migrate(executor, BEFORE))
    snapshots = _migrate(executor, AFTER).get_model("roadmap", "RankingSnapshot").objects
    full = snapshots.get(pk=made["full"])
    assert {key: getattr(full, key) for key in DEFAULTS} == {key: FULL[key] for key in DEFAULTS}
    assert full.roadmap_start == datetime.date(2027, 3, 1)
    older = snapshots.get(pk=made["before_the_roadmap"])
    assert older.value_unit == "M€" and older.horizon_years == 2.5 and older.p_hard == 0.45
    assert older.capacity == 10 and older.roadmap_start == older.computed_at.date()
    empty = snapshots.get(pk=made["empty"])
    assert {key: getattr(empty, key) for key in DEFAULTS} == DEFAULTS
    assert empty.roadmap_start == empty.computed_at.date()
    assert not hasattr(full, "settings")


def test_reversing_the_migration_writes_the_settings_document_back(executor):
    made = _old_snapshots(_migrate(executor, BEFORE))
    _migrate(executor, AFTER)
    snapshots = _migrate(executor, BEFORE).get_model("roadmap", "RankingSnapshot").objects
    assert snapshots.get(pk=made["full"]).settings == FULL
    empty = snapshots.get(pk=made["empty"])
    assert empty.settings["capacity"] == 10 and empty.settings["value_unit"] == "k$"
