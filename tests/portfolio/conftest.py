"""Builders shared by the scoring math's tests (no database): constant ranges, projects, settings, a ranking in
one call, a random portfolio, and the PERT moments and Monte Carlo tolerance (Z standard errors) they check with;
the CSV import tests' files, errors and upload; and the backlog page tests' URLs and snapshots."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.csv_import import ImportErrors, import_csv
from portfolio.models import Project
from portfolio.scoring import Range, compute_ranking
from portfolio.scoring_inputs import DEFAULT_SUCCESS_PROBABILITY, ProjectInput, ScoringSettings
from roadmap.models import RankingSnapshot
from tests.factories import RankingSnapshotFactory, bulk_scores

Z = 5  # standard errors allowed: a false alarm about once in 1.7 million runs per check
TRIALS = 20_000


def constant(x: float) -> Range:
    return Range(x, x, x)


TEN_PERSON_WEEKS = constant(10.0)


def project(
    key: int,
    name: str | None = None,
    *,
    status: str = "idea",
    impact: Range | None = None,
    effort: Range | None = TEN_PERSON_WEEKS,
    tag: str | None = "easy",
    p: float | None = None,
) -> ProjectInput:
    """A project with convenient defaults: idea, impact 100/yr, effort 10 person-weeks, easy, p = tag default."""
    if p is None:
        p = DEFAULT_SUCCESS_PROBABILITY[tag or "hard"]
    return ProjectInput(
        key=key,
        name=name or f"project {key}",
        status=status,
        impact=impact or constant(100.0),
        effort=effort,
        tag=tag,
        success_probability=p,
    )


def settings(*, cost: float = 4.0, horizon: float = 1.0, trials: int = 2000, top_k: int = 10) -> ScoringSettings:
    return ScoringSettings(cost_per_person_week=cost, horizon_years=horizon, trials=trials, top_k=top_k)


def rank(projects, links=(), *, seed: int = 7, **kwargs):
    return compute_ranking(projects, links, settings(**kwargs), seed)


def by_key(result):
    return {score.key: score for score in result.scores}


def pert_moments(r: Range) -> tuple[float, float]:
    """Analytic mean and standard deviation of a PERT range (Beta with alpha + beta = 6)."""
    width = r.high - r.low
    if width == 0:
        return r.low, 0.0
    a = 1 + 4 * (r.likely - r.low) / width
    b = 1 + 4 * (r.high - r.likely) / width
    variance = a * b / ((a + b) ** 2 * (a + b + 1)) * width**2
    return r.low + width * a / (a + b), math.sqrt(variance)


def random_portfolio(n: int, seed: int) -> list[ProjectInput]:
    rng = np.random.default_rng(seed)
    tags = ["easy", "hard", "impossible", None]
    projects = []
    for key in range(n):
        low = float(rng.uniform(1, 10))
        tag = tags[key % 4]
        effort = Range(low, low * 2, low * 5)
        projects.append(project(key, impact=Range(0, low * 20, low * 80), effort=effort, tag=tag))
    return projects


# --- the CSV import ----------------------------------------------------------------------------------------------

SAMPLE = Path(django_settings.BASE_DIR) / "docs" / "sample-import.csv"
HEADER = "name,impact_low,impact_likely,impact_high"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _errors(portfolio, data: bytes) -> list[str]:
    with pytest.raises(ImportErrors) as info:
        import_csv(portfolio=portfolio, data=data)
    return [str(e) for e in info.value.errors]


def _import_url(portfolio) -> str:
    return reverse("portfolio:import", args=[portfolio.slug])


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- the backlog page ---------------------------------------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def backlog_url(portfolio, query: str = "") -> str:
    return reverse("portfolio:backlog", args=[portfolio.slug]) + (f"?{query}" if query else "")


def snapshot_with(portfolio, figures: dict, version: int = 1) -> RankingSnapshot:
    """A ranking snapshot with the given figures per project: {project: (rank, expected_roi, p_top_k)}."""
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=version, seed=1, trials=100, top_k=3)
    rows = (
        {
            "project": project,
            "excluded": rank is None,
            "rank": rank,
            "success_probability": 0.5,
            "expected_roi": roi,
            "roi_p10": None if roi is None else roi - 1,
            "roi_p50": roi,
            "roi_p90": None if roi is None else roi + 1,
            "p_top_k": p_top_k,
            "excluded_reason": "" if rank else "no effort range: ask an EM to assess it",
        }
        for project, (rank, roi, p_top_k) in figures.items()
    )
    bulk_scores(snapshot, rows)
    return snapshot


def _add_projects(portfolio, count: int, start: int) -> list[Project]:
    projects = Project.objects.bulk_create(
        Project(portfolio=portfolio, name=f"Bulk {start + i:05d}", impact_low=1, impact_likely=2, impact_high=3)
        for i in range(count)
    )
    return list(Project.objects.filter(name__in=[p.name for p in projects]))


def shown_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="project-row-(\d+)"', html)]
