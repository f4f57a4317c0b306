"""What a snapshot was computed with becomes typed fields of RankingSnapshot instead of its JSON ``settings``.

Adds value_unit, cost_per_person_week, horizon_years, p_easy, p_hard, p_impossible, capacity and roadmap_start,
fills them for every existing snapshot from its ``settings`` document, then drops ``settings`` (trials and
top_k, which it repeated, were fields already).

A snapshot whose document lacks a key (those written before the roadmap existed have no capacity or
roadmap_start; a hand-made one may have nothing) gets the Portfolio model's default for it: value unit "k$",
4.0 value units per person-week, a 1-year horizon, probabilities 0.9 / 0.5 / 0.0, a team of 10 people. The
model's default roadmap start is "the day the portfolio is created"; for a snapshot that is the day it was
computed (its ``computed_at`` date). The defaults are written out here, not read from the models, so this
migration gives the same result whatever the models say later. Reversing it writes the document back.
"""

import datetime

from django.db import migrations, models

# The Portfolio model's defaults (see the module docstring); roadmap_start is the snapshot's computed_at date.
DEFAULTS = {
    "value_unit": "k$",
    "cost_per_person_week": 4.0,
    "horizon_years": 1.0,
    "p_easy": 0.9,
    "p_hard": 0.5,
    "p_impossible": 0.0,
    "capacity": 10,
}
CONVERT = {"value_unit": str, "capacity": int}  # the others are floats
FIELDS = (*DEFAULTS, "roadmap_start")


def _stored(document: dict, key: str):
    """The document's value of ``key`` in the field's type, or the default when it is missing or unreadable."""
    value = document.get(key)
    if value is None:
        return DEFAULTS[key]
    try:
        return CONVERT.get(key, float)(value)
    except (TypeError, ValueError):
        return DEFAULTS[key]


def _start(document: dict, computed_at) -> datetime.date:
    """The document's roadmap start, else the day the snapshot was computed."""
    try:
        return datetime.date.fromisoformat(document["roadmap_start"])
    except (KeyError, TypeError, ValueError):
        return computed_at.date()


def settings_to_fields(apps, schema_editor):
    """Fill the new fields of every snapshot from its settings document."""
    RankingSnapshot = apps.get_model("roadmap", "RankingSnapshot")
    snapshots = RankingSnapshot.objects.only("pk", "settings", "computed_at").order_by("pk")
    for snapshot in snapshots.iterator(chunk_size=500):
        document = snapshot.settings if isinstance(snapshot.settings, dict) else {}
        values = {key: _stored(document, key) for key in DEFAULTS}
        values["roadmap_start"] = _start(document, snapshot.computed_at)
        RankingSnapshot.objects.filter(pk=snapshot.pk).update(**values)


def fields_to_settings(apps, schema_editor):
    """Reverse: write the fields back into the settings document, as the recompute used to."""
    RankingSnapshot = apps.get_model("roadmap", "RankingSnapshot")
    for snapshot in RankingSnapshot.objects.order_by("pk").iterator(chunk_size=500):
        document = {key: getattr(snapshot, key) for key in FIELDS}
        document.update(trials=snapshot.trials, top_k=snapshot.top_k, roadmap_start=snapshot.roadmap_start.isoformat())
        RankingSnapshot.objects.filter(pk=snapshot.pk).update(settings=document)


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0003_snapshot_rows_indexed_by_their_unique_constraint"),
    ]

    operations = [
        migrations.AddField(
            model_name="rankingsnapshot",
            name="value_unit",
            field=models.CharField(default="k$", max_length=12),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="cost_per_person_week",
            field=models.FloatField(default=4.0),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="horizon_years",
            field=models.FloatField(default=1.0),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="p_easy",
            field=models.FloatField(default=0.9),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="p_hard",
            field=models.FloatField(default=0.5),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="p_impossible",
            field=models.FloatField(default=0.0),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="capacity",
            field=models.PositiveIntegerField(default=10),
        ),
        migrations.AddField(
            model_name="rankingsnapshot",
            name="roadmap_start",
            field=models.DateField(default=datetime.date.today),
        ),
        migrations.RunPython(settings_to_fields, fields_to_settings),
        migrations.RemoveField(
            model_name="rankingsnapshot",
            name="settings",
        ),
    ]
