"""An EM's assessment refused as a conflict shows what changed in this portfolio only, never another
portfolio's assessment."""

import pytest
from django.urls import reverse

from portfolio.forms.feasibility import project_snapshot
from portfolio.models import Project
from tests.factories import AssessmentFactory


@pytest.mark.django_db
def test_an_assessment_conflict_never_shows_another_portfolios_assessment(world, secret_project, em_client):
    """An EM posts the assess form with ``based_on`` = the id of an assessment in a portfolio they are not in:
    the 409 page must not list that assessment's tag, override and effort range."""
    secret = AssessmentFactory(
        project=secret_project,
        tag="impossible",
        success_probability_override=0.37,
        effort_low=123.25,
        effort_likely=456.5,
        effort_high=789.75,
    )
    project = Project.objects.get(pk=world["producer"].pk)

    response = em_client.post(
        reverse("portfolio:assess", args=[world["slug"], project.pk]),
        {
            "tag": "hard",
            "effort_low": "1",
            "effort_likely": "2",
            "effort_high": "3",
            "project_version": str(project.version),
            "project_snapshot": project_snapshot(project),
            "based_on": str(secret.pk),
        },
    )

    body = response.content.decode()
    leaked = [value for value in ("123.25", "456.5", "789.75", "0.37") if value in body]
    assert not leaked, f"status {response.status_code}: another portfolio's assessment figures shown: {leaked}"
