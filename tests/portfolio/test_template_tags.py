"""The shared template tags: quick project links equal Django's reverse, behind a path prefix too."""

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from portfolio.links import id_url

NAMES = ["portfolio:project", "portfolio:project-edit", "portfolio:project-row", "portfolio:assess"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("slug, pk", [("trust-safety", 1), ("a", 987654321), ("growth-2026", 40213)])
def test_a_quick_project_link_is_the_url_django_reverses(name, slug, pk):
    assert id_url(name, slug, pk) == reverse(name, args=[slug, pk])


def test_quick_links_follow_the_script_prefix_of_the_request():
    assert id_url("portfolio:project", "ops", 7) == "/p/ops/projects/7/"
    set_script_prefix("/planner/")
    try:
        assert id_url("portfolio:project", "ops", 7) == "/planner/p/ops/projects/7/" == reverse(
            "portfolio:project", args=["ops", 7]
        )
    finally:
        clear_script_prefix()
    assert id_url("portfolio:project", "ops", 8) == "/p/ops/projects/8/"


@pytest.mark.parametrize("pk", [None, "", "7", True, 1.5])
def test_a_missing_or_odd_id_gives_no_link_rather_than_a_wrong_one(pk):
    assert id_url("portfolio:project", "ops", pk) == ""


def test_the_tag_renders_in_a_template():
    template = Template("{% load planner %}<a href='{% id_url 'portfolio:project-row' slug pk %}'>")
    assert template.render(Context({"slug": "ops", "pk": 12})) == "<a href='/p/ops/projects/12/row/'>"


@pytest.mark.parametrize(
    ("source", "value", "text"),
    [
        ("{{ v|num }}", 1234.56, "1,235"),
        ("{{ v|num:2 }}", 0.01234, "0.012"),
        ("{{ v|num }}", "12.5", "12.5"),  # a number as text is a number
        ("{{ v|num }}", "n/a", "n/a"),  # text that is no number is shown as it is
        ("{{ v|num }}", "", "–"),
        ("{{ v|num }}", None, "–"),
        ("{{ v|pct }}", 0.153, "15%"),
        ("{{ v|pct:1 }}", "0.153", "15.3%"),
        ("{{ v|pct }}", None, "–"),
        ("{{ v|roi }}", 1.5, "+150%"),
        ("{{ v|roi }}", -1, "−100%"),
        ("{{ v|roi }}", "", "–"),
    ],
)
def test_the_figure_filters_write_what_the_formatting_module_writes(source, value, text):
    assert Template("{% load planner %}" + source).render(Context({"v": value})) == text
