"""A what-if runs inline in the web process: whoever asks, its work is bounded by a sample budget."""

import pytest
from django.urls import reverse

from portfolio import scoring
from portfolio.models import Portfolio
from tests.factories import AssessmentFactory, ProjectFactory

# Two plans (saved + scenario) of the largest portfolio the app is load-tested with: 1,000 projects x 2,000 trials.
WHATIF_SAMPLE_BUDGET = 2 * 1000 * 2000


@pytest.mark.django_db
def test_a_what_if_request_does_bounded_work(portfolio, leader_client, monkeypatch):
    """Any member (leadership included, by GET) runs a what-if inline in the web process. With 300 projects and
    trials=20,000 it once drew 12 million project-trials (~10 s of CPU, ~0.5 GB); it must stay within the work of
    a default-size portfolio (WHATIF_MAX_PROJECT_TRIALS)."""
    for i in range(300):
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=f"Project {i:03d}"))
    Portfolio.objects.filter(pk=portfolio.pk).update(trials=20000)
    portfolio.refresh_from_db()
    drawn = []
    original = scoring.draw_samples

    def counting_draw(projects, links, trials, seed):
        drawn.append(len(projects) * trials)
        if sum(drawn) > WHATIF_SAMPLE_BUDGET:  # fail fast instead of burning the CPU the finding is about
            raise AssertionError(f"one what-if request drew {sum(drawn):,} project-trials so far")
        return original(projects, links, trials, seed)

    monkeypatch.setattr(scoring, "draw_samples", counting_draw)

    response = leader_client.get(
        reverse("roadmap:whatif", args=[portfolio.slug]),
        {"capacity": "1", "settings_version": portfolio.version, "base_capacity": portfolio.capacity},
    )

    assert response.status_code in (200, 400, 429)
    assert sum(drawn) <= WHATIF_SAMPLE_BUDGET
