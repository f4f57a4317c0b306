"""Project names as the pages take them: never invalid XML in the SVG downloads, never only invisible
characters, and a name differing only by invisible characters is a duplicate."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from portfolio.models import Project
from roadmap.services.recompute import portfolio_recompute
from tests.factories import with_provisional_effort


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Spam\ufffe filter", "Spam\uffff filter"])
def test_a_project_name_never_makes_the_svg_downloads_invalid_xml(world, pm_client, name):
    """U+FFFE / U+FFFF, which XML 1.0 forbids, never reach a name: chart.svg and roadmap.svg stay well-formed."""
    with_provisional_effort(world["project"], world["spare"])
    pm_client.post(
        reverse("portfolio:project-edit", args=[world["slug"], world["spare"].pk]),
        {
            "name": name,
            "status": "idea",
            "problem_type": "other",
            "impact_low": "50",
            "impact_likely": "100",
            "impact_high": "200",
            "provisional_effort_low": "1",
            "provisional_effort_likely": "2",
            "provisional_effort_high": "4",
            "staffing": "2",
            "version": str(Project.objects.get(pk=world["spare"].pk).version),
        },
    )
    portfolio_recompute(portfolio_id=world["portfolio"].pk)

    broken = []
    for url in (
        reverse("roadmap:chart-svg", args=[world["slug"]]),
        reverse("roadmap:timeline-svg", args=[world["slug"]]),
    ):
        try:
            ET.fromstring(pm_client.get(url).content)
        except ET.ParseError as error:
            broken.append(f"{url}: {error}")
    assert not broken, "\n".join(broken)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\u2060", "\u202e"])
def test_a_project_name_of_only_invisible_characters_is_refused(world, pm_client, name):
    """A name made only of zero-width or bidi control characters would be an invisible row in the backlog, the
    chart and the roadmap that no one can read or search for."""
    response = pm_client.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": name, "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
    )

    assert not Project.objects.filter(name=name).exists(), f"saved (HTTP {response.status_code})"


@pytest.mark.django_db
def test_a_name_that_differs_only_by_invisible_characters_is_a_duplicate(world, pm_client):
    """The names "Spam filter" and "Spam filter" + U+200B look identical everywhere (backlog, chart, CSV `requires`
    cells): the second is a duplicate."""
    pm_client.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": "Spam filter\u200b", "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
    )

    assert Project.objects.filter(portfolio=world["portfolio"], name__startswith="Spam filter").count() == 1
