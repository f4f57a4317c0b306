"""A range out of order is refused by ``clean`` with a message on the field, without asking the database; the
database still refuses it on a write that skips validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from portfolio.models import FeasibilityAssessment, Project

from ..factories import AssessmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"impact_low": 300.0}, "impact_likely"),
        (
            {"provisional_effort_low": 5.0, "provisional_effort_likely": 3.0, "provisional_effort_high": 9.0},
            "provisional_effort_likely",
        ),
    ],
)
def test_a_project_range_out_of_order_is_the_fields_error(fields, field):
    project = ProjectFactory()
    for name, value in fields.items():
        setattr(project, name, value)

    with pytest.raises(ValidationError) as refused:
        project.full_clean()

    assert field in refused.value.message_dict


def test_an_effort_range_out_of_order_is_the_fields_error():
    assessment = AssessmentFactory.build(project=ProjectFactory(), effort_low=9.0, effort_likely=4.0)

    with pytest.raises(ValidationError) as refused:
        assessment.full_clean()

    assert "effort_likely" in refused.value.message_dict


@pytest.mark.parametrize("model", [Project, FeasibilityAssessment])
def test_full_clean_asks_the_database_nothing_about_the_ranges(model):
    instance = ProjectFactory() if model is Project else AssessmentFactory()
    with CaptureQueriesContext(connection) as queries:
        instance.full_clean()

    # (the unique constraints are still asked: only the database knows the other rows)
    asked = [q["sql"] for q in queries.captured_queries if '"_check"' in q["sql"] and "EXISTS" not in q["sql"]]
    assert asked == []
    assert model._meta.constraints, "the database constraints themselves are still declared"


def test_the_database_still_refuses_a_range_out_of_order():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(impact_low=500.0)
