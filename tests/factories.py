"""factory_boy factories for the backlog, and the request helpers tests share (``import_through_page``)."""

import re

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.models import FeasibilityAssessment, Membership, Portfolio, Project, ReuseLink

PASSWORD = "pass-for-tests-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    name = factory.Sequence(lambda n: f"Portfolio {n}")
    slug = factory.Sequence(lambda n: f"portfolio-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    portfolio = factory.SubFactory(PortfolioFactory)
    role = "pm"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    portfolio = factory.SubFactory(PortfolioFactory)
    name = factory.Sequence(lambda n: f"Project {n:04d}")
    summary = "An ML project."
    status = "idea"
    impact_low = 50.0
    impact_likely = 100.0
    impact_high = 200.0


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeasibilityAssessment

    project = factory.SubFactory(ProjectFactory)
    tag = "easy"
    effort_low = 4.0
    effort_likely = 8.0
    effort_high = 16.0
    impact_low_seen = factory.LazyAttribute(lambda a: a.project.impact_low)
    impact_likely_seen = factory.LazyAttribute(lambda a: a.project.impact_likely)
    impact_high_seen = factory.LazyAttribute(lambda a: a.project.impact_high)


class ReuseLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReuseLink

    producer = factory.SubFactory(ProjectFactory)
    consumer = factory.SubFactory(ProjectFactory, portfolio=factory.SelfAttribute("..producer.portfolio"))
    kind = "benefits"
    fraction = 0.2


def import_through_page(client, slug: str, data: bytes, *, name: str = "import.csv", **kwargs):
    """Upload a CSV on the import page and confirm its preview, as a PM does; the confirmation's response (with
    ``kwargs``, e.g. ``follow=True``), or the upload's when it was refused (its errors, nothing to confirm)."""
    upload = client.post(
        reverse("portfolio:import", args=[slug]), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )
    confirm = re.search(r'action="([^"]+/import/\d+/confirm/)"', upload.content.decode())
    return client.post(confirm.group(1), **kwargs) if confirm else upload
