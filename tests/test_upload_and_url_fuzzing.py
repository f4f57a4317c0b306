"""CSV files and query strings as a careless user or an attacker would send them (hypothesis): never a 500, never
half an import, and a page read never changes the database."""

import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.payloads import FORM_EXAMPLES, FUZZ, _everything, _post_and_check


@st.composite
def csv_files(draw):
    """A CSV as people (and attackers) produce them: odd headers, fuzzed cells, other encodings and delimiters."""
    from portfolio.csv_import import COLUMNS

    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "Name", "bogus", ""]), min_size=1, max_size=8))
    if draw(st.booleans()):  # a well-formed header half of the time, so that imports also succeed
        extras = [
            c for c in columns if c in COLUMNS and c not in ("name", "impact_low", "impact_likely", "impact_high")
        ]
        columns = ["name", "impact_low", "impact_likely", "impact_high", *dict.fromkeys(extras)]
    good = {
        "name": "Imported",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "status": "idea",
        "effort_low": "1",
        "effort_likely": "2",
        "effort_high": "3",
        "feasibility": "easy",
        "requires": "Language identification",
        "reuses": "Spam filter:0.3",
        "staffing": "2",
    }
    rows = []
    for i in range(draw(st.integers(0, 4))):
        row = []
        for column in columns:
            base = good.get(column, "")
            if column == "name":
                base = draw(st.sampled_from([f"Imported {i}", "Imported 0", "Machine translation", "Spam filter"]))
            row.append(draw(st.one_of(st.just(base), st.just(base), FUZZ)))
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    quote = '"'
    lines = [delimiter.join(quote + c.replace(quote, quote * 2) + quote for c in line) for line in [columns, *rows]]
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.django_db
@FORM_EXAMPLES
@given(content=csv_files(), htmx=st.booleans())
def test_no_csv_file_gives_a_500_or_saves_half_an_import(fuzz_world, content, htmx):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("portfolio:import", args=[fuzz_world["portfolio"].slug])
    before = _everything()

    response = _post_and_check(
        fuzz_world["pm"], url, {"file": SimpleUploadedFile("projects.csv", content, "text/csv")}, htmx=htmx
    )
    assert _everything() == before  # an upload is only previewed

    confirm = re.search(r'action="([^"]+/import/\d+/confirm/)"', response.content.decode())
    if confirm:  # the preview's confirmation applies it: all, or nothing
        response = _post_and_check(fuzz_world["pm"], confirm.group(1), {}, htmx=htmx)
    if response.status_code != 302:  # refused: all or nothing
        assert _everything() == before


@pytest.mark.django_db
def test_an_empty_or_oversized_csv_is_refused_with_a_message_and_saves_nothing(fuzz_world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.IMPORT_MAX_BYTES = 1000
    url = reverse("portfolio:import", args=[fuzz_world["portfolio"].slug])
    header = b"name,impact_low,impact_likely,impact_high\n"
    for content in (b"", header + b"Big,1,2,3\n" * 200):
        before = _everything()
        response = fuzz_world["pm"].post(url, {"file": SimpleUploadedFile("p.csv", content, "text/csv")})
        assert response.status_code in (200, 400)
        assert _everything() == before
        assert 'class="errorlist' in response.content.decode() or "error" in response.content.decode().lower()


QUERY_KEYS = (
    "q",
    "sort",
    "dir",
    "status",
    "tag",
    "editing",
    "seen",
    "chart",
    "next",
    "from",
    "cancel",
    "capacity",
    "drop",
    "add",
    "page",
    "fmt",
    "settings_version",
    "base_capacity",
)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_query_string_makes_a_page_answer_500(fuzz_world, leader_client, data, htmx):
    """Every page, with any query string, as leadership (read-only) and as the PM: never a 500, never a write."""
    from django.urls import reverse

    slug, pk = fuzz_world["portfolio"].slug, fuzz_world["projects"][1].pk
    url = data.draw(
        st.sampled_from(
            [
                reverse("portfolio:backlog", args=[slug]),
                reverse("portfolio:project", args=[slug, pk]),
                reverse("portfolio:project-edit", args=[slug, pk]),
                reverse("portfolio:project-row", args=[slug, pk]),
                reverse("portfolio:feasibility", args=[slug]),
                reverse("portfolio:import", args=[slug]),
                reverse("portfolio:settings", args=[slug]),
                reverse("roadmap:chart", args=[slug]),
                reverse("roadmap:chart-svg", args=[slug]),
                reverse("roadmap:how", args=[slug]),
                reverse("roadmap:status", args=[slug]),
                reverse("roadmap:timeline", args=[slug]),
                reverse("roadmap:timeline-svg", args=[slug]),
                reverse("roadmap:whatif", args=[slug]),
                reverse("roadmap:pin", args=[slug, pk]),
                reverse("roadmap:export", args=[slug, "csv"]),
                reverse("roadmap:export", args=[slug, "json"]),
            ]
        ),
        label="url",
    )
    query = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), FUZZ), max_size=5), label="query")
    client = data.draw(st.sampled_from([fuzz_world["pm"], leader_client]), label="client")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _everything()

    response = client.get(url, {k: [v for key, v in query if key == k] for k, _ in query}, **headers)

    assert response.status_code in (200, 302, 400, 403, 404), (url, query, response.status_code)
    event(f"status {response.status_code}")
    assert _everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, key",
    [
        ("portfolio:backlog", "editing"),
        ("portfolio:backlog", "sort"),
        ("roadmap:status", "seen"),
        ("roadmap:timeline", "chart"),
        ("portfolio:project-row", "cancel"),
    ],
)
@pytest.mark.parametrize("value", ["½", "١٢", "x"])
def test_unicode_digits_in_a_query_string_do_not_break_a_page(fuzz_world, name, key, value):
    from django.urls import reverse

    slug, pk = fuzz_world["portfolio"].slug, fuzz_world["projects"][1].pk
    url = reverse(name, args=[slug, pk] if name == "portfolio:project-row" else [slug])

    response = fuzz_world["pm"].get(url, {key: value})

    assert response.status_code in (200, 302, 400)


@pytest.mark.django_db
def test_a_superscript_digit_in_the_backlog_query_does_not_break_it(fuzz_world):
    from django.urls import reverse

    response = fuzz_world["pm"].get(reverse("portfolio:backlog", args=[fuzz_world["portfolio"].slug]), {"editing": "²"})

    assert response.status_code == 200
