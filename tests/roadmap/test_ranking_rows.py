"""The ranking rows under the ROI chart written in Python (``roadmap/templatetags/ranking_rows.py``): character for
character what the chart page's template wrote before, for every kind of row, every text escaped."""

import itertools

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api import share_links
from roadmap.models import ProjectScore, RankingSnapshot
from roadmap.selectors.snapshots import ranking_tables
from roadmap.services.recompute import portfolio_recompute
from roadmap.templatetags.ranking_rows import excluded_row, ranked_row
from tests.factories import ProjectFactory, ProjectScoreFactory

from .conftest import HOSTILE

# The markup the chart page's template wrote before the tags, kept here as the reference the tags must equal.
BADGES_BEFORE = (
    '{% if row.funded is not None %}{% if row.funded %}<span class="badge funded-badge">funded</span>{% else %}'
    '<span class="badge unfunded-badge">not funded</span>{% endif %}{% if row.robustness %} <span class="badge '
    'robustness robustness-{{ row.robustness }}" title="P(funded if known) = {{ row.p_funded_if_known|pct }}: the '
    "share of trials in which it would be funded if that trial's outcomes were known\">{{ row.robustness }} "
    '{{ row.p_funded_if_known|pct }}</span>{% endif %}{% if not row.funded %}<div class="muted small '
    'funding-reason">{{ row.funding_reason }}</div>{% endif %}{% endif %}'
)
TAG_BEFORE = (
    '{% if row.tag %}<span class="tag tag-{{ row.tag }}">{{ row.tag }}</span>{% else %}<span class="tag tag-none">'
    "not assessed</span>{% endif %}"
)
RANKED_ROW_BEFORE = (
    '{% load planner %}<tr{% if row.funded %} class="funded"{% elif row.funded is False %} class="not-funded"'
    '{% endif %}{% if row.project_id %} data-project="{{ row.project_id }}"{% endif %}>\n'
    '        <td class="num">{% tie_mark row.tied_with_above row.rank %}{{ row.rank }}{% if row.rank_move %} '
    "{% rank_move row.rank_move %}{% endif %}</td>\n"
    "        <td>{% if row.project_id %}<a href=\"{% id_url 'portfolio:project' portfolio.slug row.project_id %}\">"
    '{{ row.name }}</a>{% else %}{{ row.name }} <span class="muted">(deleted)</span>{% endif %}</td>\n'
    f"        <td>{TAG_BEFORE}</td>\n"
    '        <td class="num">{% expected_roi row snapshot.trials %}</td>\n'
    '        <td class="num">{{ row.p_loss|pct }}</td>\n'
    '        <td class="num">{{ row.p_top_k|pct }}</td>\n'
    '        <td class="num">{{ row.expected_value|num }} {{ snapshot.value_unit }}</td>\n'
    '        <td class="num">{{ row.expected_effort|num }} pw</td>\n'
    '        <td class="num">{{ row.success_probability|pct }}</td>\n'
    '        <td>{% if row.needs_feasibility %}<span class="needs-feasibility">needs feasibility</span>{% endif %}'
    "</td>\n"
    f"        <td>{BADGES_BEFORE}\n</td>\n"
    "      </tr>"
)
EXCLUDED_ROW_BEFORE = (
    '{% load planner %}<tr class="excluded">\n'
    "        <td>{% if row.project_id %}<a href=\"{% id_url 'portfolio:project' portfolio.slug row.project_id %}\">"
    "{{ row.name }}</a>{% else %}{{ row.name }}{% endif %}</td>\n"
    f"        <td>{TAG_BEFORE}</td>\n"
    "        <td>{{ row.excluded_reason }}</td>\n"
    "      </tr>"
)
PORTFOLIO = {"slug": "trust-safety"}


def _row(**fields) -> ProjectScore:
    """A ranked row with every figure set (not saved: the tags read attributes only)."""
    figures = {
        "project_id": 17,
        "name": "Spam filter",
        "rank": 3,
        "tag": "easy",
        "success_probability": 0.9,
        "expected_value": 1234.5,
        "expected_effort": 8.25,
        "expected_roi": 2.345,
        "roi_se": 0.031,
        "roi_p10": -1.0,
        "roi_p50": 2.1,
        "roi_p90": 4.9,
        "p_loss": 0.12,
        "p_top_k": 0.44,
        "funded": False,
        "funding_reason": "does not fit the budget",
        "p_funded_if_known": 0.3,
    }
    return ProjectScore(**{**figures, **fields})


def _snapshot(value_unit: str = "k$") -> RankingSnapshot:
    return RankingSnapshot(trials=2000, top_k=10, value_unit=value_unit)


ROW_KINDS = {
    "not funded, borderline": {},
    "funded, core": {"funded": True, "p_funded_if_known": 0.97, "funding_reason": "in rank order"},
    "no funding decision": {"funded": None, "p_funded_if_known": None},
    "not funded, no robustness": {"p_funded_if_known": None},
    "deleted project": {"project_id": None},
    "not assessed, needs feasibility": {"tag": "", "needs_feasibility": True},
    "tied, no figures": {"tied_with_above": True, "expected_value": None, "expected_roi": None, "p_loss": None},
    "hostile texts": {"name": HOSTILE, "tag": HOSTILE, "funding_reason": HOSTILE},
}
MOVES = [None, "", "▲3", "▼2", "=", "new"]  # None: no rank moves read (a baseline's page)


@pytest.mark.parametrize(("kind", "move"), list(itertools.product(ROW_KINDS, MOVES)))
@pytest.mark.parametrize("value_unit", ["k$", HOSTILE])
def test_a_ranked_row_is_what_the_template_wrote(kind, move, value_unit):
    row = _row(**ROW_KINDS[kind])
    if move is not None:
        row.rank_move = move
    context = {"row": row, "portfolio": PORTFOLIO, "snapshot": _snapshot(value_unit)}

    written = Template("{% load ranking_rows %}{% ranked_row row portfolio.slug snapshot %}").render(Context(context))

    assert written == Template(RANKED_ROW_BEFORE).render(Context(context))
    assert HOSTILE not in written


@pytest.mark.parametrize("kind", ["not funded, borderline", "deleted project", "not assessed, needs feasibility"])
@pytest.mark.parametrize("reason", ["parked", HOSTILE])
def test_a_row_that_is_not_ranked_is_what_the_template_wrote(kind, reason):
    row = _row(**ROW_KINDS[kind], rank=None, excluded_reason=reason)
    context = {"row": row, "portfolio": PORTFOLIO}

    written = Template("{% load ranking_rows %}{% excluded_row row portfolio.slug %}").render(Context(context))

    assert written == Template(EXCLUDED_ROW_BEFORE).render(Context(context))
    assert HOSTILE not in written


@pytest.mark.parametrize("kind", list(ROW_KINDS))
def test_the_funding_badges_include_of_the_project_page_is_what_it_wrote(kind):
    score = _row(**ROW_KINDS[kind])

    included = Template('{% include "roadmap/_funding_badges.html" with row=score %}').render(Context({"score": score}))

    assert included == Template("{% load planner %}" + BADGES_BEFORE + "\n").render(Context({"row": score}))
    assert render_to_string("roadmap/_funding_badges.html", {"row": score}) == included


def test_the_rows_listed_under_the_chart_carry_every_column_their_rows_show(
    portfolio, review_backlog, django_assert_num_queries
):
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    for i in range(3):
        parked = ProjectFactory(portfolio=portfolio, name=f"Parked {i}", status="parked")
        ProjectScoreFactory(snapshot=snapshot, project=parked, excluded=True)

    with django_assert_num_queries(3):
        tables = ranking_tables(snapshot=snapshot, limit=None)
    with django_assert_num_queries(0):
        ranked = [ranked_row(row, portfolio.slug, snapshot) for row in tables["ranked_shown"]]
        excluded = [excluded_row(row, portfolio.slug) for row in tables["excluded_shown"]]

    assert len(ranked) == 5 and len(excluded) == 3 and "Parked 2" in excluded[-1]


def test_a_shared_chart_reads_no_ranking_row_twice(portfolio, review_backlog, pm_user):
    portfolio_recompute(portfolio_id=portfolio.pk)
    _, token = share_links.share_link_create(portfolio=portfolio, page="chart", days=7, user=pm_user)

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(f"/s/{token}/")

    assert response.status_code == 200 and "Spam filter" in response.content.decode()
    score_reads = [q["sql"] for q in queries.captured_queries if 'FROM "roadmap_projectscore"' in q["sql"]]
    assert len(score_reads) == 3, score_reads  # the chart's points, the counts, the ranked rows (none is unranked)
