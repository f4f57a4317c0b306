"""Small texts from the UI review: counts agree with their nouns ("1 project", "2 projects"), and the
"laziest way to 10x" field explains itself once."""

import re

import pytest
from django.urls import reverse

from portfolio.csv_import.results import ImportResult
from portfolio.formatting import count_of
from tests.factories import ProjectFactory


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [
        (0, "project", None, "0 projects"),
        (1, "project", None, "1 project"),
        (2, "project", None, "2 projects"),
        (1_234, "reuse link", None, "1,234 reuse links"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
    ],
)
def test_a_count_agrees_with_its_noun(count, noun, plural, expected):
    assert count_of(count, noun, plural) == expected


def test_an_import_of_one_of_each_says_so_in_the_singular():
    text = str(ImportResult(created=1, updated=2, unchanged=0, assessed=1, links_set=1, links_removed=0))
    assert text == (
        "1 project created, 2 updated, 0 unchanged; 1 assessment recorded; 1 reuse link created or changed, 0 removed."
    )


@pytest.mark.django_db
def test_a_project_built_by_one_person_says_person(portfolio, leader_client):
    project = ProjectFactory(portfolio=portfolio, staffing=1)
    html = leader_client.get(reverse("portfolio:project", args=[portfolio.slug, project.pk])).content.decode()
    assert "<dd>1 person</dd>" in html and "1 people" not in html


@pytest.mark.django_db
def test_the_laziest_way_to_10x_field_has_one_help_text(portfolio, pm_client):
    project = ProjectFactory(portfolio=portfolio)
    html = pm_client.get(reverse("portfolio:project-edit", args=[portfolio.slug, project.pk])).content.decode()

    help_text = re.search(r'for="id_lazy_10x_note">.*?<span class="help">(.*?)</span>', html, re.S).group(1)
    assert (
        help_text == "Imagine the laziest way to 10x this KPI; if it hurts the product, the KPI needs a counter-metric."
    )
    assert html.count("Imagine the laziest way") == 1
