"""The CSV import service: projects, assessments and links created or updated by name (the same file twice changes
nothing), links checked against the whole graph at once, and text read as the export wrote it. Refused files are
test_csv_import_errors.py's."""

import pytest
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from portfolio.csv_import import import_csv, unneutralize
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ReuseLink
from roadmap.export import neutralize
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory
from tests.portfolio.conftest import HEADER, SAMPLE, _csv, _errors


@pytest.mark.django_db
def test_sample_file_creates_projects_assessments_and_links(portfolio, admin_user):
    result = import_csv(portfolio=portfolio, data=SAMPLE.read_bytes(), user=admin_user)

    assert (result.created, result.updated, result.assessed, result.links_set) == (6, 0, 3, 4)
    spam = Project.objects.get(portfolio=portfolio, name="Spam classifier for posts")
    assert (spam.status, spam.staffing, str(spam.target_date)) == ("building", 3, "2027-06-30")
    assessment = spam.assessments.get(is_current=True)
    assert (assessment.tag, assessment.effort_likely, assessment.assessed_by) == ("hard", 12, admin_user)
    search = Project.objects.get(portfolio=portfolio, name="Search ranking")
    assert search.assessments.get().success_probability_override == 0.4
    translation = Project.objects.get(portfolio=portfolio, name="Comment translation")
    assert translation.provisional_effort_likely == 16
    assert not translation.assessments.exists()
    link = ReuseLink.objects.get(consumer=translation)
    assert (link.producer.name, link.kind, link.fraction) == ("Language identification", "requires", 0.4)
    moderation_links = ReuseLink.objects.filter(consumer__name="Moderation queue prioritisation")
    assert sorted((lk.producer.name, lk.kind, lk.fraction) for lk in moderation_links) == [
        ("Language identification", "benefits", 0.1),
        ("Spam classifier for posts", "benefits", 0.2),
    ]
    assert Change.objects.filter(project=spam, field="created", user=admin_user).exists()
    assert Change.objects.filter(project=spam, field="feasibility.tag", new="hard").exists()
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > portfolio.input_version


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(portfolio):
    import_csv(portfolio=portfolio, data=SAMPLE.read_bytes())
    version = Portfolio.objects.get(pk=portfolio.pk).input_version

    result = import_csv(portfolio=portfolio, data=SAMPLE.read_bytes())

    assert (result.created, result.updated, result.unchanged, result.assessed, result.links_set) == (0, 0, 6, 0, 0)
    assert FeasibilityAssessment.objects.filter(project__portfolio=portfolio).count() == 3
    assert Portfolio.objects.get(pk=portfolio.pk).input_version == version


@pytest.mark.django_db
def test_existing_project_is_updated_by_name_and_empty_cells_keep_its_values(portfolio):
    project = ProjectFactory(portfolio=portfolio, name="Search ranking", owner="Sam", status="discovery")

    data = _csv("name,owner,status,impact_low,impact_likely,impact_high", "Search ranking,,,50,100,900")

    result = import_csv(portfolio=portfolio, data=data)

    assert result.updated == 1
    project.refresh_from_db()
    assert (project.owner, project.status, project.impact_high, project.version) == ("Sam", "discovery", 900, 2)
    assert Change.objects.filter(project=project, field="impact_high", old="200.0", new="900.0").exists()


@pytest.mark.django_db
def test_new_assessment_is_recorded_only_when_it_differs_and_the_earlier_one_is_kept(portfolio):
    project = ProjectFactory(portfolio=portfolio, name="Spam")
    AssessmentFactory(project=project, tag="easy", effort_low=4, effort_likely=8, effort_high=16)
    header = "name,feasibility,effort_low,effort_likely,effort_high"

    same = import_csv(portfolio=portfolio, data=_csv(header, "Spam,easy,4,8,16"))
    harder = import_csv(portfolio=portfolio, data=_csv(header, "Spam,hard,,,"))

    assert (same.assessed, harder.assessed) == (0, 1)
    assert [(a.tag, a.effort_high, a.is_current) for a in project.assessments.order_by("id")] == [
        ("easy", 16, False),
        ("hard", 16, True),
    ]


@pytest.mark.django_db
def test_a_link_cell_sets_exactly_the_listed_links_of_its_kind(portfolio):
    consumer = ProjectFactory(portfolio=portfolio, name="C")
    a, b, d = (ProjectFactory(portfolio=portfolio, name=n) for n in "ABD")
    ReuseLinkFactory(producer=a, consumer=consumer, kind="requires", fraction=0.3)
    ReuseLinkFactory(producer=b, consumer=consumer, kind="benefits", fraction=0.2)

    result = import_csv(portfolio=portfolio, data=_csv("name,requires", "C,D:0.5"))

    assert (result.links_set, result.links_removed) == (1, 1)
    assert sorted((lk.producer.name, lk.kind, lk.fraction) for lk in consumer.links_in.all()) == [
        ("B", "benefits", 0.2),
        ("D", "requires", 0.5),
    ]
    import_csv(portfolio=portfolio, data=_csv("name,reuses", "C,-"))
    assert [lk.producer.name for lk in consumer.links_in.all()] == ["D"]


# Links checked against the whole graph at once -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_removed_by_an_earlier_row_does_not_count_as_a_cycle(portfolio):
    a, b = ProjectFactory(portfolio=portfolio, name="A"), ProjectFactory(portfolio=portfolio, name="B")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")

    result = import_csv(portfolio=portfolio, data=_csv("name,requires", "B,-", "A,B"))

    assert (result.links_removed, result.links_set) == (1, 1)
    assert list(ReuseLink.objects.values_list("producer__name", "consumer__name")) == [("B", "A")]


@pytest.mark.django_db
def test_only_the_links_that_close_a_cycle_in_row_order_are_refused(portfolio):
    data = _csv(f"{HEADER},requires", "A,1,2,3,B", "B,1,2,3,C", "C,1,2,3,A;D", "D,1,2,3,", "E,1,2,3,D;A")

    errors = _errors(portfolio, data)

    assert errors == ["row 4, column requires: This link would close a cycle: A → C → B → A."]
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_a_long_chain_listed_backwards_is_imported_with_every_link(portfolio):
    rows = [f"Step {i},1,2,3,{f'Step {i + 1}:0.1' if i < 299 else ''}" for i in range(300)]

    result = import_csv(portfolio=portfolio, data=_csv(f"{HEADER},requires", *rows))

    assert (result.created, result.links_set) == (300, 299)
    assert ReuseLink.objects.filter(producer__name="Step 1", consumer__name="Step 0").exists()
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > portfolio.input_version


def test_a_row_naming_a_project_in_another_unicode_form_updates_that_project(portfolio):
    cafe = ProjectFactory(portfolio=portfolio, name="Café filter", summary="old")
    producer = ProjectFactory(portfolio=portfolio, name="Spam filter")

    result = import_csv(
        portfolio=portfolio,
        data=_csv("name,summary,reuses", "Cafe\u0301 filter\u200b,new,Spam filter\u200b:0.3"),
    )

    assert (result.created, result.updated) == (0, 1)
    assert Project.objects.filter(portfolio=portfolio).count() == 2
    cafe.refresh_from_db()
    assert cafe.summary == "new" and ReuseLink.objects.get(consumer=cafe).producer == producer


@settings_hypothesis(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("'=+-@\t\rab "), max_size=6))
def test_every_text_survives_the_exports_guard_and_the_imports_unguard(text):
    assert unneutralize(neutralize(text)) == text
