"""Form data as the pages post it, for every test that submits a project's edit form or its backlog row.

Built from the forms' own field lists, so a field added to a form is posted by every test that uses these. Also
the fuzzed values the form, upload and query-string fuzzing tests post, and the checks every such post passes.
"""

import datetime
import math
from collections.abc import Iterable

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
