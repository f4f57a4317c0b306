"""factory_boy factories for the backlog and for ranking snapshots written by hand, and the request helpers tests
share (``import_through_page``).

A snapshot built here stands in for what the recompute writes, for tests of the pages that read one;
tests of the recompute itself run ``portfolio_recompute``.
"""

import re
from collections.abc import Iterable

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portfolio.models import (
    FeasibilityAssessment,
    Membership,
    Portfolio,
    Project,
    ProjectOutcome,
    ProjectProgress,
    ReuseLink,
)
from roadmap.models import ProjectScore, RankingSnapshot

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


class ProgressFactory(factory.django.DjangoModelFactory):
    """An EM's progress report on a building project (person-weeks)."""

    class Meta:
        model = ProjectProgress

    project = factory.SubFactory(ProjectFactory, status="building")
    effort_spent = 6.0
    remaining_low = 2.0
    remaining_likely = 4.0
    remaining_high = 8.0


class OutcomeFactory(factory.django.DjangoModelFactory):
    """A shipped project's outcome: 10 person-weeks, succeeded."""

    class Meta:
        model = ProjectOutcome

    project = factory.SubFactory(ProjectFactory, status="shipped")
    actual_effort = 10.0
    succeeded = "yes"


class ReuseLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReuseLink

    producer = factory.SubFactory(ProjectFactory)
    consumer = factory.SubFactory(ProjectFactory, portfolio=factory.SelfAttribute("..producer.portfolio"))
    kind = "benefits"
    fraction = 0.2


class RankingSnapshotFactory(factory.django.DjangoModelFactory):
    """A snapshot of the portfolio's current input version (seed 7, 2,000 trials, top 10), with no rows yet."""

    class Meta:
        model = RankingSnapshot

    portfolio = factory.SubFactory(PortfolioFactory)
    input_version = factory.LazyAttribute(lambda s: s.portfolio.input_version)
    seed = 7
    trials = 2000
    top_k = 10


class ProjectScoreFactory(factory.django.DjangoModelFactory):
    """A ranked project's figures, consistent with each other: value 100 per year, effort 8 person-weeks at a cost
    of 4 per person-week, ROI +100% (P10 -100%, P90 +300%; standard error 5%, P(loss) 30%). ``excluded=True`` gives
    a project left out of the ranking instead: no rank and no figures, with its reason."""

    class Meta:
        model = ProjectScore

    class Params:
        excluded = factory.Trait(
            rank=None,
            excluded_reason="parked",
            tag="",
            success_probability=0.5,
            expected_value=None,
            expected_effort=None,
            expected_cost=None,
            expected_roi=None,
            roi_p10=None,
            roi_p50=None,
            roi_p90=None,
            value_p10=None,
            value_p90=None,
            effort_p10=None,
            effort_p90=None,
            p_top_k=None,
            risk_adjusted_value_per_year=None,
            roi_se=None,
            p_loss=None,
        )

    snapshot = factory.SubFactory(RankingSnapshotFactory)
    project = factory.SubFactory(ProjectFactory, portfolio=factory.SelfAttribute("..snapshot.portfolio"))
    name = factory.LazyAttribute(lambda s: s.project.name)
    rank = 1
    tag = "easy"
    success_probability = 0.9
    risk_adjusted_value_per_year = 100.0  # value units per year
    expected_value = factory.SelfAttribute("risk_adjusted_value_per_year")
    expected_effort = 8.0  # person-weeks
    expected_cost = factory.LazyAttribute(lambda s: s.expected_effort * 4)
    expected_roi = 1.0
    roi_p10 = -1.0
    roi_p50 = 1.0
    roi_p90 = 3.0
    value_p10 = 0.0
    value_p90 = factory.LazyAttribute(lambda s: s.risk_adjusted_value_per_year * 1.6)
    effort_p10 = factory.LazyAttribute(lambda s: s.expected_effort * 0.7)
    effort_p90 = factory.LazyAttribute(lambda s: s.expected_effort * 1.4)
    p_top_k = 0.5
    roi_se = 0.05  # a ratio, like the ROI
    p_loss = 0.3


def bulk_scores(snapshot: RankingSnapshot, rows: Iterable[dict]) -> list[ProjectScore]:
    """One ProjectScoreFactory score per row of overrides (each naming its ``project``), written in one INSERT:
    the big-backlog tests need hundreds."""
    return ProjectScore.objects.bulk_create(ProjectScoreFactory.build(snapshot=snapshot, **row) for row in rows)


def import_through_page(client, slug: str, data: bytes, *, name: str = "import.csv", **kwargs):
    """Upload a CSV on the import page and confirm its preview, as a PM does; the confirmation's response (with
    ``kwargs``, e.g. ``follow=True``), or the upload's when it was refused (its errors, nothing to confirm)."""
    upload = client.post(
        reverse("portfolio:import", args=[slug]), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )
    confirm = re.search(r'action="([^"]+/import/\d+/confirm/)"', upload.content.decode())
    return client.post(confirm.group(1), **kwargs) if confirm else upload


# (effort low, likely, high, actual effort) of an EM who is 50% over: the calibration fixtures' track record
FIFTY_PERCENT_OVER = ((10, 20, 30, 30), (4, 6, 8, 9), (50, 60, 70, 90), (8, 10, 12, 15), (30, 40, 50, 60))


def shipped_project(portfolio, effort, actual, *, estimator, tag="easy", succeeded="yes", impact=None, **fields):
    """A shipped project whose effort range (person-weeks) ``estimator`` (a user, or None) gave, its assessment
    and outcome: actual effort (person-weeks), success, realised impact (value units per year or None)."""
    fields.setdefault("impact_estimated_by_label", "pm-label")
    project = ProjectFactory(portfolio=portfolio, status="shipped", effort_estimated_by=estimator, **fields)
    AssessmentFactory(project=project, tag=tag, effort_low=effort[0], effort_likely=effort[1], effort_high=effort[2])
    OutcomeFactory(project=project, actual_effort=actual, succeeded=succeeded, realized_impact=impact)
    return project


def client_for(user, *, raise_errors: bool = True) -> Client:
    """A test client logged in as ``user``; with ``raise_errors=False`` a 500 comes back as a response."""
    client = Client(raise_request_exception=raise_errors)
    client.force_login(user)
    return client


def with_provisional_effort(*projects) -> None:
    """Give ``projects`` a PM's provisional effort range (1-2-4 person-weeks), so they are ranked."""
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        provisional_effort_low=1, provisional_effort_likely=2, provisional_effort_high=4
    )
