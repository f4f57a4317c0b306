"""The CSV export imports back unchanged, as the README says: names and texts that look like formulas or start
with an apostrophe come back as they were."""

import csv
import io

import pytest
from django.urls import reverse

from portfolio.models import Project
from roadmap.export import IMPORT_COLUMNS
from tests.factories import (
    ProjectFactory,
    import_through_page,
)


def _export(client, slug) -> str:
    return client.get(reverse("roadmap:export", args=[slug, "csv"])).content.decode()


def _import(client, slug, text: str):
    return import_through_page(client, slug, text.encode(), name="export.csv")


@pytest.mark.django_db
def test_the_csv_export_reimports_as_the_readme_says(world, pm_client):
    """As the README says, a CSV export (with its figure columns) re-imports unchanged."""
    before = sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True))

    response = _import(pm_client, world["slug"], _export(pm_client, world["slug"]))

    assert response.status_code == 302, "the import refused its own export: " + (
        "Unknown columns" if "Unknown columns" in response.content.decode() else response.content.decode()[:300]
    )
    assert sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True)) == before


@pytest.mark.django_db
def test_reimporting_an_export_keeps_names_and_text_that_look_like_formulas(world, pm_client):
    """The export prefixes cells starting with = + - @ with an apostrophe (CSV-injection guard); the import
    takes it off again, so a round trip neither duplicates "-1 day delivery" as "'-1 day delivery" nor adds a
    "'" to summaries and owners."""
    Project.objects.filter(pk=world["spare"].pk).update(name="-1 day delivery", summary="+20% recall", owner="@pat")
    exported = list(csv.reader(io.StringIO(_export(pm_client, world["slug"]))))
    out = io.StringIO()
    csv.writer(out).writerows(row[: len(IMPORT_COLUMNS)] for row in exported)
    count = Project.objects.filter(portfolio=world["portfolio"]).count()

    _import(pm_client, world["slug"], out.getvalue())

    names = sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True))
    assert len(names) == count, f"the re-import created projects: {names}"
    spare = Project.objects.get(pk=world["spare"].pk)
    assert (spare.name, spare.summary, spare.owner) == ("-1 day delivery", "+20% recall", "@pat")


@pytest.mark.django_db
def test_text_that_starts_with_an_apostrophe_survives_the_export_round_trip(portfolio, pm_client):
    """The import takes one "'" off a text starting with "'" + (= + - @), the inverse of the export's guard; but
    the export does not guard a text that already starts with "'", so a name "'-draft" (or a summary
    "'=not a formula'") comes back without its apostrophe: the round trip creates a second project "-draft"
    and edits the summary, though the README says an export re-imports unchanged."""
    ProjectFactory(portfolio=portfolio, name="Spam filter")
    quoted = ProjectFactory(portfolio=portfolio, name="'-draft", summary="'=not a formula'")
    names = sorted(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True))
    exported = pm_client.get(reverse("roadmap:export", args=[portfolio.slug, "csv"])).content

    response = import_through_page(pm_client, portfolio.slug, exported, name="export.csv")

    assert response.status_code == 302
    assert sorted(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True)) == names
    assert Project.objects.get(pk=quoted.pk).summary == "'=not a formula'"
