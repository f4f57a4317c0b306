"""The upload page previews before it imports: an upload saves nothing and shows every change (projects created,
fields old -> new, assessments, links); confirming applies exactly that, unless the backlog changed since (then a
fresh preview); the file waits server-side for its uploader only; an applied import can be undone as one change
while nothing newer touched its projects. ``import_projects --dry-run`` prints the same preview."""

import datetime
import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portfolio import services
from portfolio.models import Change, FeasibilityAssessment, ImportRecord, Portfolio, Project, ReuseLink
from tests.factories import AssessmentFactory, MembershipFactory, ProjectFactory, ReuseLinkFactory, UserFactory

SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"
CONFIRM = re.compile(r'action="([^"]+/import/(\d+)/confirm/)"')


def _upload(client, portfolio, data: bytes, name: str = "import.csv"):
    return client.post(
        reverse("portfolio:import", args=[portfolio.slug]), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def _confirm_url(response) -> str:
    match = CONFIRM.search(response.content.decode())
    assert match, "the preview has no confirm button"
    return match.group(1)


def _everything(portfolio) -> tuple:
    """The backlog as rows (the import record aside), to compare before and after."""
    portfolio = Portfolio.objects.get(pk=portfolio.pk)
    projects = Project.objects.filter(portfolio=portfolio)
    return (
        (portfolio.input_version, portfolio.version),
        sorted(projects.values_list("pk", "name", "version", "status", "impact_low", "impact_likely", "impact_high")),
        sorted(FeasibilityAssessment.objects.filter(project__portfolio=portfolio, is_current=True).values_list("pk")),
        sorted(ReuseLink.objects.filter(producer__portfolio=portfolio).values_list("producer", "consumer", "kind")),
    )


@pytest.fixture
def backlog(portfolio):
    """Two projects and a link the file below removes: Search ranking (impact 300–500–900, idea) benefits from
    Spell check."""
    search = ProjectFactory(
        portfolio=portfolio, name="Search ranking", impact_low=300, impact_likely=500, impact_high=900
    )
    spell = ProjectFactory(portfolio=portfolio, name="Spell check")
    ReuseLinkFactory(producer=spell, consumer=search, kind="benefits", fraction=0.2)
    return {"search": search, "spell": spell}


FILE = (
    b"name,status,impact_low,impact_likely,impact_high,reuses,requires\n"
    b"Search ranking,discovery,300,500,1000,-,\n"
    b"Query autocomplete,idea,50,80,120,,Search ranking:0.3\n"
)


# --- an upload is a preview ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_shows_what_would_change_and_saves_nothing(portfolio, backlog, pm_client):
    before = _everything(portfolio)

    response = _upload(pm_client, portfolio, FILE, name="q3.csv")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview of “q3.csv”: nothing is saved yet" in html
    assert (
        "1 project created, 1 updated, 0 unchanged; 0 assessments recorded; "
        "1 reuse link created or changed, 1 removed."
    ) in html
    updated = re.search(r'rowspan="2">Search ranking</th>(.*?)</tbody>', html, re.S).group(1)
    assert "<code>status</code></td><td><del>idea</del></td><td><ins>discovery</ins>" in updated
    assert "<code>impact_high</code></td><td><del>900</del></td><td><ins>1000</ins>" in updated
    assert '<th scope="row">Query autocomplete</th><td><code>status</code> idea; <code>impact_low</code> 50' in html
    assert "Search ranking → Query autocomplete</th><td>none</td><td><ins>requires, 0.3 of the effort saved" in html
    assert "Spell check → Search ranking</th><td><del>benefits, 0.2 of the effort saved</del></td><td>removed" in html
    assert _everything(portfolio) == before
    assert not Change.objects.filter(project__portfolio=portfolio).exists()


@pytest.mark.django_db
def test_confirming_applies_exactly_the_preview(portfolio, backlog, pm_client, pm_user):
    preview = _upload(pm_client, portfolio, FILE, name="q3.csv")

    response = pm_client.post(_confirm_url(preview), follow=True)

    assert response.redirect_chain == [(reverse("portfolio:backlog", args=[portfolio.slug]), 302)]
    assert "Imported “q3.csv”: 1 project created, 1 updated" in response.content.decode()
    search = Project.objects.get(pk=backlog["search"].pk)
    assert (search.status, search.impact_high) == ("discovery", 1000)
    links = ReuseLink.objects.filter(producer__portfolio=portfolio).values_list("producer__name", "consumer__name")
    assert list(links) == [("Search ranking", "Query autocomplete")]
    record = ImportRecord.objects.get()
    assert (record.status, record.user, bytes(record.data)) == ("applied", pm_user, b"")


@pytest.mark.django_db
def test_the_confirmation_applies_the_stored_file_whatever_is_posted_with_it(portfolio, backlog, pm_client):
    preview = _upload(pm_client, portfolio, FILE)
    other = SimpleUploadedFile("evil.csv", b"name,impact_low,impact_likely,impact_high\nInjected,1,2,3\n", "text/csv")

    pm_client.post(_confirm_url(preview), {"file": other, "data": "name\nInjected\n"})

    names = set(Project.objects.filter(portfolio=portfolio).values_list("name", flat=True))
    assert names == {"Search ranking", "Spell check", "Query autocomplete"}


def _edit_a_project(w, user):
    services.project_update(project=w["search"], data={"impact_low": 310}, user=user)


def _change_a_link(w, user):
    link = ReuseLink.objects.get(consumer=w["search"])
    services.link_update(link=link, data={"fraction": 0.4}, user=user)


def _change_the_settings(w, user):
    services.portfolio_update(portfolio=w["search"].portfolio, data={"capacity": 7})


def _assess_a_project(w, user):
    AssessmentFactory(project=w["spell"])


@pytest.mark.parametrize(
    "change, said",
    [
        (_edit_a_project, "“Search ranking” was edited"),
        (_change_a_link, "1 reuse link was added, changed or removed"),
        (_change_the_settings, "The portfolio&#x27;s settings were changed"),
        (_assess_a_project, "“Spell check” got a new feasibility assessment"),
    ],
)
@pytest.mark.django_db
def test_a_confirmation_after_the_backlog_changed_is_refused_with_a_fresh_preview(
    portfolio, backlog, pm_client, pm_user, change, said
):
    preview = _upload(pm_client, portfolio, FILE)
    change(backlog, pm_user)
    before = _everything(portfolio)

    refused = pm_client.post(_confirm_url(preview))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Not imported: the backlog changed since your preview." in html and said in html
    assert "The preview below is fresh" in html and 'id="import-preview"' in html
    assert _everything(portfolio) == before
    assert pm_client.post(_confirm_url(refused)).status_code == 302  # the fresh preview confirms


NEEDS_SPELL_CHECK = (
    b"name,status,impact_low,impact_likely,impact_high,requires\n"
    b"Query autocomplete,idea,50,80,120,Spell check:0.3\n"
)


@pytest.mark.django_db
def test_a_confirmation_the_file_no_longer_fits_names_its_cell_and_drops_the_upload(
    portfolio, backlog, pm_client, pm_user
):
    """The file's row requires Spell check, deleted since the preview: 409 with the cell at fault, nothing saved,
    and the upload gone (a corrected file is the way on)."""
    preview = _upload(pm_client, portfolio, NEEDS_SPELL_CHECK)
    services.project_delete(project=backlog["spell"], user=pm_user)
    before = _everything(portfolio)

    refused = pm_client.post(_confirm_url(preview))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Not imported: the backlog changed since your preview." in html and "“Spell check” was deleted" in html
    assert "The file no longer fits the backlog" in html and "Unknown producer “Spell check”" in html
    assert 'id="import-preview"' not in html
    assert _everything(portfolio) == before
    assert not ImportRecord.objects.exists()


@pytest.mark.django_db
def test_only_its_uploader_confirms_a_preview_in_its_portfolio(
    portfolio, backlog, pm_client, em_client, outsider_client
):
    url = _confirm_url(_upload(pm_client, portfolio, FILE))
    other_pm = UserFactory(username="other-pm")
    MembershipFactory(user=other_pm, portfolio=portfolio, role="pm")
    from django.test import Client

    colleague = Client()
    colleague.force_login(other_pm)
    before = _everything(portfolio)

    assert "no longer waiting" in colleague.post(url, follow=True).content.decode()
    assert em_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 404
    assert _everything(portfolio) == before
    assert pm_client.post(url).status_code == 302


@pytest.mark.django_db
def test_an_expired_preview_is_not_applied_and_the_next_upload_deletes_it(portfolio, backlog, pm_client):
    url = _confirm_url(_upload(pm_client, portfolio, FILE))
    long_ago = timezone.now() - datetime.timedelta(minutes=settings.IMPORT_PREVIEW_MINUTES + 1)
    ImportRecord.objects.update(previewed_at=long_ago)
    before = _everything(portfolio)

    response = pm_client.post(url, follow=True)

    assert "That preview is no longer waiting: it was confirmed already or it expired." in response.content.decode()
    assert _everything(portfolio) == before
    _upload(pm_client, portfolio, FILE)
    assert ImportRecord.objects.filter(previewed_at=long_ago).count() == 0


@pytest.mark.django_db
def test_confirming_twice_applies_once(portfolio, backlog, pm_client):
    url = _confirm_url(_upload(pm_client, portfolio, FILE))
    pm_client.post(url)
    after = _everything(portfolio)

    pm_client.post(url)

    assert _everything(portfolio) == after


# --- undo ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_undo_takes_the_whole_import_back_as_one_change(portfolio, backlog, admin_client, admin_user, em_user):
    services.assessment_record(
        project=backlog["search"], user=em_user, tag="easy", effort_low=1, effort_likely=2, effort_high=3
    )
    before = _everything(portfolio)
    data = FILE.replace(b"reuses,requires\n", b"reuses,requires,feasibility,effort_low,effort_likely,effort_high\n")
    data = data.replace(b"1000,-,\n", b"1000,-,,hard,4,6,9\n").replace(
        b"Search ranking:0.3\n", b"Search ranking:0.3,,,,\n"
    )
    admin_client.post(_confirm_url(_upload(admin_client, portfolio, data)))
    assert _everything(portfolio) != before
    page = admin_client.get(reverse("portfolio:import", args=[portfolio.slug])).content.decode()
    undo = re.search(r'action="([^"]+/import/\d+/undo/)"', page).group(1)

    response = admin_client.post(undo, follow=True)

    assert (
        "Undid the import of “import.csv”: 1 project deleted, 1 set back; 1 assessment withdrawn; "
        "2 reuse link changes taken back."
    ) in response.content.decode()
    assert _same_but_versions(_everything(portfolio), before)
    current = FeasibilityAssessment.objects.get(project=backlog["search"], is_current=True)
    assert (current.tag, current.assessed_by) == ("easy", em_user)
    history = Change.objects.filter(project=backlog["search"], user=admin_user).values_list("field", "old", "new")
    assert ("impact_high", "1000.0", "900.0") in history and ("feasibility.tag", "hard", "easy") in history
    assert ImportRecord.objects.get().status == "undone"
    assert admin_client.post(undo).status_code == 404  # once


def _same_but_versions(now: tuple, before: tuple) -> bool:
    """The projects as they were (an undo is a new edit: versions go up), the same assessments and links."""
    strip = lambda rows: [(pk, name, *rest) for pk, name, _, *rest in rows]  # noqa: E731
    return strip(now[1]) == strip(before[1]) and now[2:] == before[2:]


@pytest.mark.django_db
def test_undo_is_refused_while_a_newer_edit_touches_its_projects(portfolio, backlog, pm_client, pm_user):
    pm_client.post(_confirm_url(_upload(pm_client, portfolio, FILE)))
    services.project_update(project=Project.objects.get(name="Query autocomplete"), data={"owner": "Kim"}, user=pm_user)
    before = _everything(portfolio)
    record = ImportRecord.objects.get()

    refused = pm_client.post(reverse("portfolio:import-undo", args=[portfolio.slug, record.pk]))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "The import was not undone" in html and "“Query autocomplete” was edited" in html
    assert _everything(portfolio) == before
    assert ImportRecord.objects.get().status == "applied"


@pytest.mark.django_db
def test_a_pm_cannot_undo_an_import_that_recorded_assessments(portfolio, backlog, admin_client, pm_client):
    data = b"name,feasibility,effort_low,effort_likely,effort_high\nSpell check,easy,1,2,3\n"
    admin_client.post(_confirm_url(_upload(admin_client, portfolio, data)))
    record = ImportRecord.objects.get()

    assert pm_client.post(reverse("portfolio:import-undo", args=[portfolio.slug, record.pk])).status_code == 403
    assert ImportRecord.objects.get().status == "applied"


# --- the command line's dry run, and a big file ----------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_prints_the_preview_and_saves_nothing(portfolio, backlog):
    before = _everything(portfolio)
    out = StringIO()

    call_command("import_projects", str(SAMPLE), "--portfolio", portfolio.slug, "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Create “Language identification”: summary=Tag every post and comment with its language at write time.; "
        "owner=Priya; status=shipped; staffing=2; impact_low=80; impact_likely=150; impact_high=250"
    )
    assert (
        "Record an assessment of “Search ranking”: hard, effort 12–20–40 person-weeks, success probability 0.4 "
        "(now: none)"
    ) in lines
    assert (
        "Add the reuse link Language identification → Comment translation (requires, 0.4 of the effort saved)" in lines
    )
    assert lines[-2:] == [
        "5 projects created, 1 updated, 0 unchanged; 3 assessments recorded; "
        "4 reuse links created or changed, 0 removed.",
        "Dry run: nothing was saved.",
    ]
    assert _everything(portfolio) == before


@pytest.mark.django_db
def test_dry_run_with_create_leaves_no_portfolio_behind():
    out = StringIO()

    call_command("import_projects", str(SAMPLE), "--portfolio", "Brand new", "--create", "--dry-run", stdout=out)

    assert "Dry run: nothing was saved (and the portfolio was not created)." in out.getvalue()
    assert not Portfolio.objects.filter(name="Brand new").exists()


@pytest.mark.django_db
def test_a_file_of_two_thousand_chained_rows_previews_in_a_bounded_number_of_queries(portfolio, pm_client):
    """The preview reads the portfolio in bulk, not row by row: its query count does not grow with the file. The
    time is printed for docs/reliability.md (run with -s), not asserted: a wall-clock bound flakes on a busy machine."""
    rows = ["name,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,requires"]
    rows += [f"Project {i:04d},1,2,3,1,2,3,{f'Project {i - 1:04d}:0.1' if i else ''}" for i in range(2000)]
    data = ("\n".join(rows) + "\n").encode()

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = _upload(pm_client, portfolio, data)
    elapsed = time.perf_counter() - started

    assert "2,000 projects created" in response.content.decode() and not Project.objects.exists()
    kilobytes = len(response.content) / 1e3
    print(f"\npreview of 2,000 chained rows: {elapsed:.2f} s, {len(queries)} queries, {kilobytes:.0f} KB")
    assert len(queries) < 100, [q["sql"][:120] for q in queries.captured_queries[:20]]
