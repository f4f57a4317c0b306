"""A roadmap start near the end of the calendar: the settings refuse it or every roadmap page still renders."""

import pytest
from django.urls import reverse

from portfolio.models import Portfolio
from tests.factories import with_provisional_effort


@pytest.mark.django_db
def test_a_roadmap_start_near_the_end_of_the_calendar_does_not_break_the_roadmap(
    world, pm_client, leader_client, django_capture_on_commit_callbacks
):
    """A roadmap start of 9999-12-01 once made the roadmap page, both roadmap SVG downloads and every what-if
    answer 500 (date overflow in the chart's axis). Either the settings form refuses it or the pages render."""
    with_provisional_effort(world["project"], world["spare"])
    portfolio = Portfolio.objects.get(pk=world["portfolio"].pk)
    form = {
        "name": portfolio.name,
        "description": "",
        "value_unit": portfolio.value_unit,
        "cost_per_person_week": portfolio.cost_per_person_week,
        "horizon_years": portfolio.horizon_years,
        "trials": 200,
        "top_k": portfolio.top_k,
        "p_easy": portfolio.p_easy,
        "p_hard": portfolio.p_hard,
        "p_impossible": portfolio.p_impossible,
        "capacity": portfolio.capacity,
        "roadmap_start": "9999-12-01",
        "version": portfolio.version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        pm_client.post(reverse("portfolio:settings", args=[world["slug"]]), form)
    portfolio.refresh_from_db()

    failures = []
    for url, query in (
        (reverse("roadmap:timeline", args=[world["slug"]]), {}),
        (reverse("roadmap:timeline-svg", args=[world["slug"]]), {}),
        (reverse("roadmap:timeline-svg", args=[world["slug"]]), {"chart": "value"}),
        (
            reverse("roadmap:whatif", args=[world["slug"]]),
            {"capacity": "2", "settings_version": portfolio.version, "base_capacity": portfolio.capacity},
        ),
    ):
        try:
            status = leader_client.get(url, query).status_code
        except OverflowError as error:  # the test client re-raises what would be a 500
            status = f"500 ({error})"
        if status != 200:
            failures.append(f"{url} {query}: {status}")
    assert not failures, "\n".join(failures)
