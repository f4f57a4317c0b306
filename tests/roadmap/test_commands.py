"""``manage.py recompute`` and ``manage.py export_portfolio``: output and clear errors."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from roadmap.models import RankingSnapshot
from tests.factories import AssessmentFactory, PortfolioFactory, ProjectFactory


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def six_projects(portfolio):
    for n, likely in enumerate([10, 20, 30, 40, 50, 60]):
        project = ProjectFactory(
            portfolio=portfolio, name=f"Project {n}", impact_low=likely, impact_likely=likely, impact_high=likely * 2
        )
        AssessmentFactory(project=project)
    return portfolio


def test_recompute_prints_version_seed_trials_duration_and_top_5(six_projects):
    output = _run("recompute", "--portfolio", "trust-safety")
    snapshot = RankingSnapshot.objects.get(portfolio=six_projects)
    assert f"input version {snapshot.input_version}" in output
    assert f"seed {six_projects.seed}" in output and snapshot.seed == six_projects.seed
    assert "2000 trials" in output and " ms" in output
    ranked = [line for line in output.splitlines() if line.strip().startswith("#")]
    assert [line.split()[0] for line in ranked] == ["#1", "#2", "#3", "#4", "#5"]
    assert "Project 5" in ranked[0]  # the highest impact for the same effort
    assert "Project 0" not in output


def test_recompute_finds_the_portfolio_by_name_and_reports_an_up_to_date_one(six_projects):
    _run("recompute", "--portfolio", "trust-safety")
    output = _run("recompute", "--portfolio", "trust & SAFETY ml")
    assert "already up to date" in output
    assert RankingSnapshot.objects.filter(portfolio=six_projects).count() == 1


def test_recompute_all_ranks_every_portfolio(six_projects):
    other = PortfolioFactory(name="Ads ML", slug="ads-ml")
    output = _run("recompute", "--all")
    assert '"Ads ML"' in output and '"Trust & Safety ML"' in output
    assert RankingSnapshot.objects.filter(portfolio=other).exists()
    assert "no ranked projects" in output


def test_recompute_of_an_unknown_portfolio_is_a_clear_error(portfolio):
    with pytest.raises(CommandError, match='No portfolio has the slug or name "nope"'):
        _run("recompute", "--portfolio", "nope")


def test_recompute_needs_a_portfolio_or_all(portfolio):
    with pytest.raises(CommandError, match="--portfolio --all"):
        _run("recompute")


def test_export_writes_json_to_stdout(six_projects):
    _run("recompute", "--portfolio", "trust-safety")
    document = json.loads(_run("export_portfolio", "--portfolio", "trust-safety", "--format", "json"))
    assert document["slug"] == "trust-safety" and len(document["projects"]) == 6
    assert document["snapshot"]["seed"] is not None
    assert {p["rank"] for p in document["projects"]} == {1, 2, 3, 4, 5, 6}


def test_export_writes_csv_to_a_file(six_projects, tmp_path):
    target = tmp_path / "backlog.csv"
    assert (
        _run("export_portfolio", "--portfolio", "Trust & Safety ML", "--format", "csv", "--output", str(target)) == ""
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["name"] for r in rows] == [f"Project {n}" for n in range(6)]
    assert rows[0]["feasibility"] == "easy" and rows[0]["rank"] == ""  # not recomputed: no figures yet


def test_export_errors_are_clear(portfolio, tmp_path):
    with pytest.raises(CommandError, match='No portfolio has the slug or name "nope"'):
        _run("export_portfolio", "--portfolio", "nope", "--format", "json")
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        _run("export_portfolio", "--portfolio", "trust-safety", "--format", "xml")
    with pytest.raises(CommandError, match="Could not write"):
        _run("export_portfolio", "--portfolio", "trust-safety", "--output", str(tmp_path / "missing" / "x.json"))
