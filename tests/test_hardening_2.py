"""Hardening from a second adversarial review: the Django admin cannot bypass the services' invariants, the
project delete checks what the PM saw (version and assessment) and parses it safely, and the CSV import reads a
wide header and blank lines in bounded time and memory and gives every text back after an export."""

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from portfolio import csv_import, services
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ReuseLink, validate_project_name
from tests.factories import PortfolioFactory, ProjectFactory, ReuseLinkFactory, UserFactory, import_through_page


def _client(user, *, raise_errors: bool = True) -> Client:
    client = Client(raise_request_exception=raise_errors)
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser):
    """A superuser whose 500s come back as responses (status 500) instead of exceptions."""
    return _client(superuser, raise_errors=False)


def _admin_project_form(project: Project, **changes) -> dict:
    """The admin change form of a project as the browser would post it, with ``changes`` applied."""
    data = {k: ("" if v is None else v) for k, v in model_to_dict(project).items()}
    data.update(changes)
    return data


# --- the Django admin ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_edit_of_an_estimate_goes_through_the_services_rules(portfolio, admin_client):
    """A superuser changes a project's impact range in /admin/. Every other path bumps the portfolio's input
    version (so the figures are marked out of date and recomputed), the project's version (so a PM's form opened
    before is refused with a 409 instead of silently overwriting it) and writes the history. The admin does none
    of the three: the ranking keeps claiming to be current for inputs that no longer exist."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    input_version = Portfolio.objects.get(pk=portfolio.pk).input_version
    likely, high = project.impact_likely + 50, project.impact_high + 50

    response = admin_client.post(
        reverse("admin:portfolio_project_change", args=[project.pk]),
        _admin_project_form(project, impact_likely=likely, impact_high=high),
    )

    assert response.status_code in (200, 302, 403)
    saved = Project.objects.get(pk=project.pk)
    if (saved.impact_likely, saved.impact_high) == (project.impact_likely, project.impact_high):
        return  # the admin refused the edit (read-only inputs): also a fix
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > input_version, (
        "the admin changed a ranking input without bumping the input version: the figures stay 'up to date'"
    )
    assert saved.version > project.version, "the admin edit did not bump the project's version"
    assert Change.objects.filter(project=project, field="impact_likely").exists(), "no history of the admin edit"


@pytest.mark.django_db
def test_the_admin_cannot_close_a_cycle_of_reuse_links(portfolio, admin_client):
    """The link form, the CSV import and the services refuse a link that closes a cycle ("A → B → A"); the admin's
    add-link form saves it."""
    a = ProjectFactory(portfolio=portfolio, name="A")
    b = ProjectFactory(portfolio=portfolio, name="B")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")

    admin_client.post(
        reverse("admin:portfolio_reuselink_add"),
        {"producer": b.pk, "consumer": a.pk, "kind": "requires", "fraction": "0.2", "note": ""},
    )

    assert ReuseLink.objects.count() == 1, "the admin saved B → A next to A → B: a cycle of required producers"


@pytest.mark.django_db
def test_moving_a_project_to_another_portfolio_in_the_admin_leaves_no_link_across_portfolios(portfolio, admin_client):
    """The admin lets a superuser change a project's portfolio. Its reuse links go with it, so a link now joins
    two portfolios (which ReuseLink.clean forbids): each portfolio's members see a project of the other one
    (name, link) on the project pages, and each recompute reads a producer outside its portfolio."""
    a = ProjectFactory(portfolio=portfolio, name="Language identification")
    b = ProjectFactory(portfolio=portfolio, name="Machine translation")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")
    other = PortfolioFactory(name="Other team", slug="other-team")

    admin_client.post(
        reverse("admin:portfolio_project_change", args=[b.pk]), _admin_project_form(b, portfolio=other.pk)
    )

    across = [
        str(link)
        for link in ReuseLink.objects.select_related("producer", "consumer")
        if link.producer.portfolio_id != link.consumer.portfolio_id
    ]
    assert not across, f"links joining two portfolios after the admin move: {across}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Spam\u037efilter", id="greek-question-mark-becomes-semicolon"),
        pytest.param("\u0958" * 200, id="200-chars-that-NFC-doubles"),
    ],
)
def test_a_name_is_validated_as_it_is_stored(portfolio, admin_client, raw):
    """Project.clean() normalises the name (NFC) after full_clean has run the field validators on the raw text.
    U+037E (GREEK QUESTION MARK) is canonically ";", so "Spam;filter" is stored though names may not hold ";"
    (it separates producers in the CSV's link cells); U+0958 becomes two characters, so 200 of them store 400
    (max_length 200: on PostgreSQL a 500). The form and the CSV import normalise first; the admin (and any
    services caller passing a raw name) does not."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")

    response = admin_client.post(
        reverse("admin:portfolio_project_change", args=[project.pk]), _admin_project_form(project, name=raw)
    )

    assert response.status_code != 500
    stored = Project.objects.get(pk=project.pk).name
    validate_project_name(stored)  # raises ValidationError for "Spam;filter"
    assert len(stored) <= 200, f"a name of {len(stored)} characters was stored (max_length 200)"


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["feasibilityassessment", "change"])
def test_the_admins_add_forms_do_not_answer_500(portfolio, admin_client, model):
    """The admin offers "Add" for assessments and history rows, but the fields it shows read-only
    (impact_*_seen; project) are NOT NULL: every valid-looking submission is an IntegrityError, a 500."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    data = {
        "feasibilityassessment": {
            "project": project.pk,
            "tag": "easy",
            "effort_low": "1",
            "effort_likely": "2",
            "effort_high": "3",
        },
        "change": {},
    }[model]

    response = admin_client.post(reverse(f"admin:portfolio_{model}_add"), data)

    assert response.status_code != 500


# --- deleting a project -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["²", "9" * 5000], ids=["superscript-two", "5000-digits"])
def test_a_delete_with_a_malformed_version_is_refused_not_a_500(portfolio, pm_user, version):
    """project_delete reads the version with ``int(seen) if seen.isdigit()``: "²".isdigit() is True but int("²")
    raises ValueError, and so does a 5,000-digit number (Python's int-digit limit): a 500 instead of the 409
    a version that is not the current one gets."""
    project = ProjectFactory(portfolio=portfolio, name="Spam filter")
    client = _client(pm_user, raise_errors=False)

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


# --- CSV import ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wide_header_is_refused_in_linear_time(portfolio, pm_client):
    """The repeated-columns check once counted each column in the whole header: quadratic. A header of 25,000
    made-up names (175 KB) took 5 s and a 2 MB one would have kept a web worker busy for tens of minutes. The time
    is printed (-s), not asserted: ``test_the_header_check_reads_the_header_a_fixed_number_of_times`` is what
    fails if the check turns quadratic again, whatever the machine's load."""
    header = ",".join(f"c{i:06d}" for i in range(250_000))  # about 2 MB, just under IMPORT_MAX_BYTES
    text = "name," + header + "\nA\n"
    started = time.perf_counter()

    response = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]),
        {"file": SimpleUploadedFile("wide.csv", text.encode(), "text/csv")},
    )

    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 400) and "Unknown columns" in response.content.decode()
    assert "and 249,990 more" in response.content.decode()  # a message, not a 2 MB page
    print(f"refusing a 250,000-column header took {elapsed:.2f} s")


class _PassCountingHeader(list):
    """A header that counts how many times the whole of it is scanned (iterated, searched or counted)."""

    passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()

    def __contains__(self, value):
        self.passes += 1
        return super().__contains__(value)

    def count(self, value):
        self.passes += 1
        return super().count(value)


@pytest.mark.parametrize("width", [10, 10_000])
def test_the_header_check_reads_the_header_a_fixed_number_of_times(width):
    """Linear however wide: the same few scans of the header for 10 columns as for 10,000 (counting each column
    in the whole header, as the check once did, is one scan per column)."""
    from portfolio.csv_import import reading

    header = _PassCountingHeader(["name", "name", *(f"c{i:06d}" for i in range(width))])

    with pytest.raises(csv_import.ImportErrors):
        reading._check_header(1, header)

    assert header.passes <= 4


@pytest.mark.django_db
def test_blank_lines_do_not_multiply_an_uploads_memory(portfolio):
    """_read keeps every record of the file, blank ones too (and splitlines() the whole text to look at the
    first line), before counting rows: 2 MB of newlines, within IMPORT_MAX_BYTES, costs about 350 MB of memory
    and 2 s in one web worker for a file that has no rows. Measured here on 400 KB (about 60 MB traced)."""
    data = ("name,impact_low,impact_likely,impact_high\n" + "\n" * 400_000).encode()
    tracemalloc.start()
    try:
        with pytest.raises(csv_import.ImportErrors):
            csv_import.import_csv(portfolio=portfolio, data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20 * len(data), f"{peak / 1e6:.0f} MB to read a {len(data) / 1e3:.0f} KB file of blank lines"


@pytest.mark.django_db
def test_text_that_starts_with_an_apostrophe_survives_the_export_round_trip(portfolio, pm_client):
    """The import takes one "'" off a text starting with "'" + (= + - @), the inverse of the export's guard; but
    the export does not guard a text that already starts with "'", so a name "'-draft" (or a summary
    "'=not a formula'") comes back without its apostrophe: the round trip creates a second project "-draft"
    and edits the summary, though the README says an export re-imports unchanged."""
    ProjectFactory(portfolio=portfolio, name="Spam filter")
    quoted = ProjectFactory(portfolio=portfolio, name="'-draft", summary="'=not a formula'")
    names = sorted(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True))
    exported = pm_client.get(reverse("roadmap:export", args=[portfolio.slug, "csv"])).content

    response = import_through_page(pm_client, portfolio.slug, exported, name="export.csv")

    assert response.status_code == 302
    assert sorted(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True)) == names
    assert Project.objects.get(pk=quoted.pk).summary == "'=not a formula'"
