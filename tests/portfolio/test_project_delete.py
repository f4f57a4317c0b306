"""Deleting a project: the consumers' histories record the lost links, and a delete checks what the PM saw
(the version, read safely, and the current assessment) before it deletes anything."""

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import Change, FeasibilityAssessment, Project
from tests.factories import ProjectFactory, client_for


@pytest.mark.django_db
def test_deleting_a_producer_records_the_lost_link_in_the_consumers_history(world, pm_client):
    """Removing a link through the link form writes a "link.reuses" history row on the consumer; deleting the
    producer project removes the link too, and the consumer's history must say so as well."""
    consumer = world["project"]

    url = reverse("portfolio:project-delete", args=[world["slug"], world["producer"].pk])
    assessment = world["producer"].assessments.get(is_current=True)
    pm_client.post(url, {"confirm": "yes", "version": world["producer"].version, "assessment": assessment.pk})

    assert not Project.objects.filter(pk=world["producer"].pk).exists()
    history = list(Change.objects.filter(project=consumer).values_list("field", "old", "new"))
    assert any(field.startswith("link.") and "Language identification" in old for field, old, _ in history), history


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["²", "9" * 5000], ids=["superscript-two", "5000-digits"])
def test_a_delete_with_a_malformed_version_is_refused_not_a_500(portfolio, pm_user, version):
    """project_delete reads the version with ``int(seen) if seen.isdigit()``: "²".isdigit() is True but int("²")
    raises ValueError, and so does a 5,000-digit number (Python's int-digit limit): a 500 instead of the 409
    a version that is not the current one gets."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    client = client_for(pm_user, raise_errors=False)

    response = client.post(
        reverse("portfolio:project-delete", args=[portfolio.slug, project.pk]), {"confirm": "yes", "version": version}
    )

    assert response.status_code in (400, 409)
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db
def test_a_delete_confirmed_before_a_new_assessment_deletes_nothing(portfolio, pm_client, em_user):
    """The delete is version-checked so "nobody deletes what they have not seen", but recording an assessment
    does not change the project's version: an EM's assessment saved after the PM opened the confirmation is
    deleted with the project (CASCADE), unseen, with no 409."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    seen = Project.objects.get(pk=project.pk).version  # what the confirmation page carries
    pm_client.get(reverse("portfolio:project-delete", args=[portfolio.slug, project.pk]))
    services.assessment_record(
        project=project, user=em_user, tag="hard", effort_low=10, effort_likely=20, effort_high=40, rationale="x"
    )

    response = pm_client.post(
        reverse("portfolio:project-delete", args=[portfolio.slug, project.pk]), {"confirm": "yes", "version": seen}
    )

    assert response.status_code == 409, "the project and the EM's new assessment were deleted unseen"
    assert FeasibilityAssessment.objects.filter(project_id=project.pk).exists()
