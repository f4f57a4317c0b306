"""Form data as the pages post it, for every test that submits a project's edit form or its backlog row.

Built from the forms' own field lists, so a field added to a form is posted by every test that uses these. Also
the fuzzed values the form, upload and query-string fuzzing tests post, and the checks every such post passes;
and a page's edit form read back as a browser would post it, with the refusal a stale save gets.
"""

import datetime
import math
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from portfolio.forms.project import PROJECT_FIELDS, ROW_FIELDS
from portfolio.models import Project


def _as_posted(value):
    """A model value as its input sends it back: nothing is an empty input, a date is ISO (YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def project_form(project: Project, fields: Iterable[str] = PROJECT_FIELDS, **changes) -> dict:
    """The project edit form as its page posts it: every field with the project's current value, the hidden copy
    of that value as loaded (``initial-<field>``) and the ``version`` the form was loaded at; then ``changes``."""
    values = {name: _as_posted(getattr(project, name)) for name in fields}
    return {
        **values,
        **{f"initial-{name}": value for name, value in values.items()},
        "version": project.version,
        **changes,
    }


def project_row_form(project: Project, **changes) -> dict:
    """The backlog's inline edit row of ``project`` as it posts (its fewer fields, same version handling)."""
    return project_form(project, ROW_FIELDS, **changes)


# --- fuzzed form data: values a careless user or an attacker would type, and the checks every post of them passes

NASTY = (
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e309",
    "1.8e308",
    "-0",
    "-0.0",
    "0",
    "-1",
    "1e-320",
    "5e-324",
    "0x10",
    "1_000",
    " 5 ",
    "",
    " ",
    "٣",
    "１２",
    "\x00",
    "1\x002",
    "9" * 400,
    "x" * 5000,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "0.9",
    "0.90000001",
    "0.91",
    "1.0000001",
    "100000.1",
    "1000000001",
    "2147483648",
    "18446744073709551616",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "true",
    "None",
    "²",
    "¹⁰",
    "½",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "../../etc/passwd",
)


FUZZ = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


FORM_EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _everything() -> tuple:
    from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink

    return tuple(
        list(model.objects.order_by("pk").values()) for model in (Portfolio, Project, FeasibilityAssessment, ReuseLink)
    )


def _assert_database_holds_only_valid_data() -> None:
    """Whatever was posted, every stored row passes its model's validation and the reuse links have no cycle."""
    from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink

    for model in (Portfolio, Project, FeasibilityAssessment, ReuseLink):
        for obj in model.objects.all():
            obj.full_clean()
            for field in obj._meta.concrete_fields:
                value = getattr(obj, field.attname)
                assert not isinstance(value, float) or math.isfinite(value), (obj, field.name)
    edges: dict[int, list[int]] = {}
    for producer, consumer in ReuseLink.objects.values_list("producer_id", "consumer_id"):
        edges.setdefault(producer, []).append(consumer)
    state: dict[int, int] = {}

    def visit(node: int) -> None:
        state[node] = 1
        for nxt in edges.get(node, []):
            assert state.get(nxt) != 1, "a reuse link cycle was saved"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in list(edges):
        if node not in state:
            visit(node)


def _post_and_check(client, url: str, payload: dict, *, htmx: bool, **extra):
    """POST; never a 500; a refused form (400/409) changes nothing; the database stays valid either way."""
    before = _everything()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, payload, **headers, **extra)  # a 500 would raise here (the test client re-raises)
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics: saves and refusals both occur
    assert response.status_code in (200, 302, 400, 409), (response.status_code, payload)
    refused = response.status_code in (400, 409) or 'class="errorlist' in response.content.decode()
    if refused:
        assert _everything() == before, f"a refused form saved something: {payload}"
    event("refused" if refused else "accepted")
    _assert_database_holds_only_valid_data()
    return response


# --- a page's edit form read as a browser posts it, and the refusal a stale one gets ---------------------------------


class _FormReader(HTMLParser):
    """Collect what a browser would submit from each <form method="post"> of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.names: set[str] = set()
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    @property
    def fields(self) -> dict[str, str]:
        return self.forms[-1]

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append({})
        if not self._in_form or not a.get("name") and tag != "option":
            return
        if a.get("name"):
            self.names.add(a["name"])  # every field the form has, submitted or not (an unchecked radio is not)
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "select":
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_data(response, **changes) -> dict:
    """The page's edit form as a browser would post it, with the user's ``changes`` typed in."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    forms = [f for f in reader.forms if "version" in f or "project_version" in f]
    assert forms, "the page must have an edit form carrying the version it was based on"
    fields = forms[0]
    for name in changes:
        assert name in fields or name in reader.names, f"the form has no field {name!r}"
    return {**fields, **{k: str(v) for k, v in changes.items()}}


def _conflict_shown(body: str, *pairs: tuple[str, str]) -> None:
    """The refusal names what the other person changed, old value -> value now."""
    assert "Someone else saved this meanwhile" in body
    changes = re.findall(r"<del>(.*?)</del>\s*→\s*<ins>(.*?)</ins>", body)
    for pair in pairs:
        assert pair in changes, f"{pair} not among the listed changes {changes}"
