"""Builders shared by the scoring math's tests (no database): constant ranges, projects, settings, a ranking in
one call, a random portfolio, and the PERT moments and Monte Carlo tolerance (Z standard errors) they check with;
and the CSV import tests' files, errors and upload."""

import math
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.csv_import import ImportErrors, import_csv
from portfolio.scoring import Range, compute_ranking
from portfolio.scoring_inputs import DEFAULT_SUCCESS_PROBABILITY, ProjectInput, ScoringSettings

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
