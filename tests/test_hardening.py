"""Hardening found by an adversarial review: each test names the behaviour a hostile or clumsy user could
have broken (another portfolio's data, unbounded work, 500s, lost history, look-alike names, HTTP semantics).
Every test runs on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...)."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio import scoring
from portfolio.forms.feasibility import project_snapshot
from portfolio.models import Change, Portfolio, Project
from roadmap.export import IMPORT_COLUMNS
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, import_through_page


def _with_effort(*projects):
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        provisional_effort_low=1, provisional_effort_likely=2, provisional_effort_high=4
    )


# --- another portfolio's data --------------------------------------------------------------------------------


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


# --- bounded work per request ---------------------------------------------------------------------------------

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


@pytest.mark.django_db
def test_an_import_with_more_rows_than_one_request_can_apply_is_refused_up_front(portfolio, pm_client, monkeypatch):
    """20,000 rows fit in 200 KB, well under IMPORT_MAX_BYTES, but every row is applied in one request and one
    transaction holding the portfolio's lock: a file with more rows than a request can apply (IMPORT_MAX_ROWS)
    is refused before anything is written."""
    rows = 20000
    text = "name,impact_low,impact_likely,impact_high\n" + "".join(f"Row {i},1,2,3\n" for i in range(rows))
    assert len(text) < 2 * 1024 * 1024
    created = []
    from portfolio import csv_import

    original = csv_import.services.project_create

    def counting_create(**kwargs):
        created.append(kwargs["name"])
        if len(created) > 5000:  # stop the run here; the finding is that it gets this far at all
            raise AssertionError(f"the import was still creating projects after {len(created) - 1:,} rows")
        return original(**kwargs)

    monkeypatch.setattr(csv_import.services, "project_create", counting_create)

    response = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]),
        {"file": SimpleUploadedFile("big.csv", text.encode(), "text/csv")},
    )

    assert response.status_code in (200, 400)
    assert not Project.objects.filter(portfolio=portfolio).exists()
    assert len(created) == 0, f"{len(created):,} rows applied before the file was refused"


# --- no 500 at the edges of the calendar ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_roadmap_start_near_the_end_of_the_calendar_does_not_break_the_roadmap(
    world, pm_client, leader_client, django_capture_on_commit_callbacks
):
    """A roadmap start of 9999-12-01 once made the roadmap page, both roadmap SVG downloads and every what-if
    answer 500 (date overflow in the chart's axis). Either the settings form refuses it or the pages render."""
    _with_effort(world["project"], world["spare"])
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


# --- nothing lost or duplicated --------------------------------------------------------------------------------


def _export(client, slug) -> str:
    return client.get(reverse("roadmap:export", args=[slug, "csv"])).content.decode()


def _import(client, slug, text: str):
    return import_through_page(client, slug, text.encode(), name="export.csv")


@pytest.mark.django_db
def test_the_csv_export_reimports_as_the_readme_says(world, pm_client):
    """As the README says, a CSV export (with its figure columns) re-imports unchanged."""
    before = sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True))

    response = _import(pm_client, world["slug"], _export(pm_client, world["slug"]))

    assert response.status_code == 302, "the import refused its own export: " + (
        "Unknown columns" if "Unknown columns" in response.content.decode() else response.content.decode()[:300]
    )
    assert sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True)) == before


@pytest.mark.django_db
def test_reimporting_an_export_keeps_names_and_text_that_look_like_formulas(world, pm_client):
    """The export prefixes cells starting with = + - @ with an apostrophe (CSV-injection guard); the import
    takes it off again, so a round trip neither duplicates "-1 day delivery" as "'-1 day delivery" nor adds a
    "'" to summaries and owners."""
    Project.objects.filter(pk=world["spare"].pk).update(name="-1 day delivery", summary="+20% recall", owner="@pat")
    exported = list(csv.reader(io.StringIO(_export(pm_client, world["slug"]))))
    out = io.StringIO()
    csv.writer(out).writerows(row[: len(IMPORT_COLUMNS)] for row in exported)
    count = Project.objects.filter(portfolio=world["portfolio"]).count()

    _import(pm_client, world["slug"], out.getvalue())

    names = sorted(Project.objects.filter(portfolio=world["portfolio"]).values_list("name", flat=True))
    assert len(names) == count, f"the re-import created projects: {names}"
    spare = Project.objects.get(pk=world["spare"].pk)
    assert (spare.name, spare.summary, spare.owner) == ("-1 day delivery", "+20% recall", "@pat")


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


# --- unicode in names -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Spam\ufffe filter", "Spam\uffff filter"])
def test_a_project_name_never_makes_the_svg_downloads_invalid_xml(world, pm_client, name):
    """U+FFFE / U+FFFF, which XML 1.0 forbids, never reach a name: chart.svg and roadmap.svg stay well-formed."""
    _with_effort(world["project"], world["spare"])
    pm_client.post(
        reverse("portfolio:project-edit", args=[world["slug"], world["spare"].pk]),
        {
            "name": name,
            "status": "idea",
            "problem_type": "other",
            "impact_low": "50",
            "impact_likely": "100",
            "impact_high": "200",
            "provisional_effort_low": "1",
            "provisional_effort_likely": "2",
            "provisional_effort_high": "4",
            "staffing": "2",
            "version": str(Project.objects.get(pk=world["spare"].pk).version),
        },
    )
    portfolio_recompute(portfolio_id=world["portfolio"].pk)

    broken = []
    for url in (
        reverse("roadmap:chart-svg", args=[world["slug"]]),
        reverse("roadmap:timeline-svg", args=[world["slug"]]),
    ):
        try:
            ET.fromstring(pm_client.get(url).content)
        except ET.ParseError as error:
            broken.append(f"{url}: {error}")
    assert not broken, "\n".join(broken)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\u2060", "\u202e"])
def test_a_project_name_of_only_invisible_characters_is_refused(world, pm_client, name):
    """A name made only of zero-width or bidi control characters would be an invisible row in the backlog, the
    chart and the roadmap that no one can read or search for."""
    response = pm_client.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": name, "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
    )

    assert not Project.objects.filter(name=name).exists(), f"saved (HTTP {response.status_code})"


@pytest.mark.django_db
def test_a_name_that_differs_only_by_invisible_characters_is_a_duplicate(world, pm_client):
    """The names "Spam filter" and "Spam filter" + U+200B look identical everywhere (backlog, chart, CSV `requires`
    cells): the second is a duplicate."""
    pm_client.post(
        reverse("portfolio:project-create", args=[world["slug"]]),
        {"name": "Spam filter\u200b", "status": "idea", "impact_low": "1", "impact_likely": "2", "impact_high": "3"},
    )

    assert Project.objects.filter(portfolio=world["portfolio"], name__startswith="Spam filter").count() == 1


# --- HTTP semantics ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_that_answer_htmx_with_a_fragment_vary_on_hx_request(world, pm_client):
    """The backlog pushes sort / page URLs into history (hx-push-url) and answers the same URL with a table
    fragment for htmx and a full page otherwise: ``Vary: HX-Request`` keeps a cached fragment from standing in
    for the page on Back."""
    url = reverse("portfolio:backlog", args=[world["slug"]]) + "?sort=name&dir=desc"

    response = pm_client.get(url, HTTP_HX_REQUEST="true")

    vary = response.get("Vary", "").lower()
    assert "hx-request" in vary or "no-store" in response.get("Cache-Control", ""), dict(response.headers)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_read_only_pages_refuse_put_patch_and_delete(world, pm_client, method):
    """Pages that only show something refuse PUT / PATCH / DELETE (405) rather than answering with the page."""
    slug, pk = world["slug"], world["project"].pk
    urls = [
        reverse("portfolio:backlog", args=[slug]),
        reverse("portfolio:project", args=[slug, pk]),
        reverse("portfolio:feasibility", args=[slug]),
        reverse("roadmap:chart", args=[slug]),
        reverse("roadmap:chart-svg", args=[slug]),
        reverse("roadmap:how", args=[slug]),
        reverse("roadmap:timeline", args=[slug]),
        reverse("roadmap:timeline-svg", args=[slug]),
        reverse("roadmap:export", args=[slug, "csv"]),
        reverse("roadmap:pin", args=[slug, pk]),
    ]

    answered = [f"{url}: {code}" for url in urls if (code := getattr(pm_client, method)(url).status_code) != 405]

    assert not answered, f"{method.upper()} answered:\n" + "\n".join(answered)


@pytest.mark.django_db
def test_head_is_answered_wherever_get_is(world, pm_client, em_client):
    """HEAD is answered wherever GET is (RFC 9110; uptime and link checkers use it)."""
    slug, pk = world["slug"], world["project"].pk
    cases = [
        (pm_client, reverse("portfolio:project-edit", args=[slug, pk])),
        (pm_client, reverse("portfolio:settings", args=[slug])),
        (pm_client, reverse("portfolio:import", args=[slug])),
        (pm_client, reverse("roadmap:status", args=[slug])),
        (em_client, reverse("portfolio:assess", args=[slug, pk])),
    ]

    refused = [f"{url}: {code}" for client, url in cases if (code := client.head(url).status_code) != 200]

    assert not refused, "\n".join(refused)
