"""``manage.py import_projects``: the sample file through the command, errors one per line, non-zero exit."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink

SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_projects", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_imports_the_sample_file_into_a_portfolio_named_by_slug(portfolio):
    out, _ = _run(str(SAMPLE), "--portfolio", portfolio.slug)

    assert "6 projects created, 0 updated, 0 unchanged; 3 assessments recorded; 4 reuse links" in out
    assert Project.objects.filter(portfolio=portfolio).count() == 6
    assert FeasibilityAssessment.objects.filter(project__portfolio=portfolio, is_current=True).count() == 3
    assert ReuseLink.objects.filter(producer__portfolio=portfolio).count() == 4


@pytest.mark.django_db
def test_command_finds_the_portfolio_by_name_too(portfolio):
    out, _ = _run(str(SAMPLE), "--portfolio", portfolio.name)

    assert f'into "{portfolio.name}"' in out
    assert Project.objects.filter(portfolio=portfolio).count() == 6


@pytest.mark.django_db
def test_create_flag_makes_the_missing_portfolio():
    out, _ = _run(str(SAMPLE), "--portfolio", "Imported ML", "--create")

    portfolio = Portfolio.objects.get(name="Imported ML")
    assert portfolio.slug == "imported-ml"
    assert 'Created the portfolio "Imported ML"' in out
    assert portfolio.projects.count() == 6


@pytest.mark.django_db
def test_missing_portfolio_without_create_is_an_error():
    with pytest.raises(CommandError, match='No portfolio named "Nowhere"; pass --create'):
        _run(str(SAMPLE), "--portfolio", "Nowhere")
    assert not Portfolio.objects.exists()


@pytest.mark.django_db
def test_errors_are_printed_one_per_line_and_nothing_is_saved(tmp_path, portfolio):
    path = tmp_path / "bad.csv"
    path.write_text("name,impact_low,impact_likely,impact_high,staffing\nOk,1,2,3,2\nBad,1,2,abc,2\nWorse,3,2,1,zero\n")
    err = StringIO()

    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_projects", str(path), "--portfolio", portfolio.slug, stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "row 3, column impact_high: “abc” is not a number (use a dot for decimals and no thousands separators).",
        "row 4, column impact_likely: Impact: likely must be at least low (3).",
        "row 4, column impact_high: Impact: high must be at least likely (2).",
        "row 4, column staffing: “zero” is not a whole number of people (1 or more).",
    ]
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_refused_file_leaves_no_portfolio_made_by_create(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name;impact_low\nA;1\n")

    with pytest.raises(CommandError, match="nothing was imported"):
        _run(str(path), "--portfolio", "New one", "--create")

    assert not Portfolio.objects.exists()


@pytest.mark.django_db
def test_unreadable_path_is_an_error(tmp_path, portfolio):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "missing.csv"), "--portfolio", portfolio.slug)
