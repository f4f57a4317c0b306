"""The leadership ROI chart's page, its htmx partial and the SVG download, and the drawn chart shared through the
cache (``roadmap.charts.roi_cache``); the geometry is tested without a database in ``charts/test_roi.py``."""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix

from roadmap.charts import roi_svg
from roadmap.charts.roi import MIN_RADIUS
from roadmap.models import RankingSnapshot
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ProjectScoreFactory, RankingSnapshotFactory

from .conftest import HOSTILE, OWN_CACHES

SVG = "{http://www.w3.org/2000/svg}"


# --- page and download, real database -----------------------------------------------------------------


def _bubbles(svg_text: str) -> list[ET.Element]:
    root = ET.fromstring(svg_text.encode())
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "bubble"]


def test_svg_download_is_a_valid_standalone_file(known_snapshot, leader_client):
    response = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == 'attachment; filename="trust-safety-roi-chart.svg"'
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#ffffff" and background.get("width") == root.get("width")
    assert "Arial" in root.get("font-family")


def test_chart_has_one_bubble_per_ranked_project(known_snapshot, leader_client):
    body = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode()
    bubbles = _bubbles(body)
    assert sorted(int(b.get("data-rank")) for b in bubbles) == [1, 2, 3, 4]


def test_bubble_areas_are_ordered_like_the_rois_and_negative_roi_gets_the_minimum(known_snapshot, leader_client):
    bubbles = _bubbles(leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode())
    by_roi = sorted(bubbles, key=lambda b: float(b.get("data-roi")), reverse=True)
    radii = [float(b.get("data-r")) for b in by_roi]
    assert radii == sorted(radii, reverse=True) and radii[0] > radii[-1]
    assert radii[-1] == MIN_RADIUS  # ROI -0.5
    assert (radii[1] / radii[0]) ** 2 == pytest.approx(1.0 / 3.0, rel=1e-3)


def test_bubble_x_positions_follow_ease_on_a_log_scale(known_snapshot, leader_client):
    bubbles = _bubbles(leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode())
    by_effort = sorted(bubbles, key=lambda b: float(b.get("data-effort")))
    xs = [float(b.get("data-cx")) for b in by_effort]
    assert xs == sorted(xs, reverse=True)  # more effort, less ease, further left
    efforts = [float(b.get("data-effort")) for b in by_effort]
    per_decade = (xs[0] - xs[1]) / math.log10(efforts[1] / efforts[0])
    assert (xs[1] - xs[2]) / math.log10(efforts[2] / efforts[1]) == pytest.approx(per_decade, rel=1e-3)


def test_each_bubble_has_a_tooltip_and_links_to_its_project(known_snapshot, leader_client):
    body = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode()
    root = ET.fromstring(body.encode())
    links = [a for a in root.iter(f"{SVG}a") if a.find(f"{SVG}g") is not None]  # the bubbles, not their centres
    assert len(links) == 4
    spam = known_snapshot.scores.get(rank=1)
    assert links[0].get("href").endswith(reverse("portfolio:project", args=["trust-safety", spam.project_id]))
    titles = [b.find(f"{SVG}title").text for b in _bubbles(body)]
    spam_title = next(t for t in titles if t.startswith("Spam filter"))
    assert "rank 1" in spam_title and "Expected ROI +300%" in spam_title and "P(top-10): 50%" in spam_title
    assert "person-weeks" in spam_title and "Easy" in spam_title


def test_a_hostile_project_name_is_escaped_in_the_svg_title(known_snapshot, leader_client):
    body = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode()
    assert HOSTILE not in body
    assert "&lt;b&gt;&quot;Fraud&quot; &amp; &#x27;spam&#x27;&lt;/b&gt;" in body
    titles = [b.find(f"{SVG}title").text for b in _bubbles(body)]
    assert any(t.startswith(HOSTILE + " — rank 2") for t in titles)


def test_chart_page_shows_chart_ranking_and_excluded_projects(known_snapshot, leader_client):
    response = leader_client.get(reverse("roadmap:chart", args=["trust-safety"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(" data-funded=") == 4
    assert "<figcaption" in html and "seed 42" in html and "2000 trials" in html
    assert "Quick wins" in html and "Money pits" in html
    assert 'id="roi-chart"' in html and 'hx-trigger="figures-updated from:body"' in html
    assert f'hx-get="{reverse("roadmap:chart", args=["trust-safety"])}"' in html
    assert "Old idea" in html and "parked" in html
    assert "needs feasibility" in html  # the row with an empty tag
    assert reverse("roadmap:chart-svg", args=["trust-safety"]) in html
    assert reverse("roadmap:export", args=["trust-safety", "csv"]) in html
    assert "&lt;b&gt;&quot;Fraud&quot;" in html and HOSTILE not in html


def test_chart_page_has_no_inline_script_style_or_handlers(known_snapshot, pm_client):
    html = pm_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "javascript:" not in html


def test_htmx_refresh_gets_only_the_chart_partial(known_snapshot, em_client):
    url = reverse("roadmap:chart", args=["trust-safety"])
    response = em_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<div id="roi-chart"')
    assert "<html" not in html and "Spam filter" in html


def test_chart_without_a_snapshot_says_no_figures_yet(portfolio, leader_client):
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    assert "No figures computed yet" in html
    svg = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content
    root = ET.fromstring(svg)
    assert "No figures computed yet." in "".join(root.itertext())


def test_chart_of_a_real_recompute_has_a_bubble_per_ranked_project(portfolio, pm_client):
    for name, tag in [("Spam", "easy"), ("Fraud", "hard"), ("Telepathy", "impossible")]:
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=name), tag=tag)
    ProjectFactory(portfolio=portfolio, name="No estimate yet")
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    html = pm_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    assert html.count(" data-funded=") == snapshot.scores.filter(rank__isnull=False).count() == 3
    assert "needs an effort estimate" in html


def test_chart_is_not_shown_to_non_members(known_snapshot, outsider_client):
    assert outsider_client.get(reverse("roadmap:chart", args=["trust-safety"])).status_code == 404
    assert outsider_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).status_code == 404


def test_a_big_ranking_lists_its_first_rows_under_the_chart_which_shows_them_all(portfolio, leader_client):
    from roadmap.views.chart import TABLE_ROWS

    ranked, unranked = TABLE_ROWS + 50, TABLE_ROWS + 5
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1, seed=42, trials=2000, top_k=10)
    for rank in range(1, ranked + 1):
        project = ProjectFactory(portfolio=portfolio, name=f"Project {rank:03d}")
        ProjectScoreFactory(snapshot=snapshot, project=project, rank=rank, expected_roi=3.0 - rank / 100)
    for i in range(unranked):
        parked = ProjectFactory(portfolio=portfolio, name=f"Parked {i:03d}", status="parked")
        ProjectScoreFactory(snapshot=snapshot, project=parked, excluded=True)
    url = reverse("roadmap:chart", args=[portfolio.slug])

    page = leader_client.get(url).content.decode()
    every = leader_client.get(url + "?all=1").content.decode()

    table = page.split('<table class="ranking">')[1].split("</table>")[0]
    assert table.count("<tr") == 1 + TABLE_ROWS
    assert f"Project {TABLE_ROWS:03d}" in table and f"Project {TABLE_ROWS + 1:03d}" not in table
    assert f"The first {TABLE_ROWS} of {ranked} ranked projects" in page and 'href="?all=1"' in page
    assert page.split('<table class="ranking-excluded">')[1].count('<tr class="excluded">') == TABLE_ROWS
    assert page.count(" data-funded=") == ranked
    assert every.split('<table class="ranking">')[1].split("</table>")[0].count("<tr") == 1 + ranked
    assert every.split('<table class="ranking-excluded">')[1].count('<tr class="excluded">') == unranked
    assert "The first" not in every


def test_the_drawn_chart_is_reused_until_the_portfolio_or_its_snapshot_changes(known_snapshot, leader_client):
    url = reverse("roadmap:chart", args=[known_snapshot.portfolio.slug])

    def figure() -> str:
        html = leader_client.get(url).content.decode()
        return html[html.index("<figure") : html.index("</figure>")]

    first = figure()
    assert "k$ / year" in first and figure() == first

    known_snapshot.portfolio.name = "Renamed portfolio"
    known_snapshot.portfolio.save()
    assert "ROI chart of Renamed portfolio" in figure()

    # The value unit drawn is the one the snapshot's figures were computed in, not the portfolio's of today.
    known_snapshot.portfolio.value_unit = "M€"
    known_snapshot.portfolio.save()
    assert "k$ / year" in figure() and "M€" not in figure()
    RankingSnapshot.objects.filter(pk=known_snapshot.pk).update(value_unit="M€")
    assert "M€ / year" in figure()


# --- drawing in Python and sharing the drawn chart through the cache ----------------------------------


class FailingCache(BaseCache):
    """A cache whose server is down: every call raises, as Django's RedisCache does on a refused connection."""

    def __init__(self, location, params):
        super().__init__(params)

    def get(self, key, default=None, version=None):
        raise ConnectionError("cache server is down")

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        raise ConnectionError("cache server is down")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        raise ConnectionError("cache server is down")

    def delete(self, key, version=None):
        raise ConnectionError("cache server is down")

    def clear(self):
        raise ConnectionError("cache server is down")


FAILING_CACHES = {"default": {"BACKEND": f"{__name__}.FailingCache"}}
CHART_PAGE_QUERIES = 11  # whatever the size of the ranking


def test_a_hostile_value_unit_is_escaped_in_the_bubble_tooltips(known_snapshot, leader_client):
    known_snapshot.portfolio.value_unit = '<i>"k$"'
    known_snapshot.portfolio.save()
    known_snapshot.value_unit = known_snapshot.portfolio.value_unit  # the unit drawn is the snapshot's
    known_snapshot.save()
    body = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode()
    assert '<i>"k$"' not in body and "&lt;i&gt;&quot;k$&quot; / year" in body
    titles = [b.find(f"{SVG}title").text for b in _bubbles(body)]
    assert all('<i>"k$" / year' in t for t in titles) and len(titles) == 4


@override_settings(CACHES=OWN_CACHES)  # empty, and never clears a Redis other tests use
def test_the_drawn_chart_is_shared_through_the_cache_not_drawn_again(known_snapshot, leader_client, monkeypatch):
    url = reverse("roadmap:chart", args=["trust-safety"])
    first = leader_client.get(url).content.decode()

    def draw_again(*args, **kwargs):
        raise AssertionError("the chart was drawn again although the cache holds it")

    monkeypatch.setattr(roi_svg, "draw_marks", draw_again)  # as if another web process served the page
    second = leader_client.get(url).content.decode()
    assert second.count(" data-funded=") == 4
    assert second[second.index("<svg") : second.index("</svg>")] == first[first.index("<svg") : first.index("</svg>")]


def test_the_page_and_the_download_still_work_when_the_cache_is_down(known_snapshot, leader_client):
    with override_settings(CACHES=FAILING_CACHES):
        with pytest.raises(ConnectionError):
            cache.get("anything")  # the failing backend is really in place
        page = leader_client.get(reverse("roadmap:chart", args=["trust-safety"]))
        download = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"]))
    assert page.status_code == 200 and page.content.decode().count(" data-funded=") == 4
    assert download.status_code == 200 and len(_bubbles(download.content.decode())) == 4


@override_settings(CACHES=OWN_CACHES)
def test_the_recompute_task_draws_the_pages_chart_so_no_page_view_has_to(portfolio, leader_client, monkeypatch):
    from roadmap.tasks import recompute_portfolio

    for name, tag in [("Spam", "easy"), ("Fraud", "hard")]:
        AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name=name), tag=tag)
    cache.clear()
    recompute_portfolio.apply(args=[portfolio.pk])  # what the worker runs

    def draw_again(*args, **kwargs):
        raise AssertionError("the page drew the chart although the worker had drawn it")

    monkeypatch.setattr(roi_svg, "draw_marks", draw_again)
    html = leader_client.get(reverse("roadmap:chart", args=[portfolio.slug])).content.decode()
    assert html.count(" data-funded=") == 2


def test_a_chart_that_cannot_be_drawn_ahead_does_not_fail_the_recompute(portfolio, monkeypatch, caplog):
    from roadmap.tasks import recompute_portfolio

    AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name="Spam"), tag="easy")

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(roi_svg, "draw_marks", broken)
    version = recompute_portfolio.apply(args=[portfolio.pk]).get()
    assert version == RankingSnapshot.objects.get(portfolio=portfolio).input_version
    assert "Could not draw the ROI chart" in caplog.text and "drawing failed" in caplog.text


@override_settings(CACHES=OWN_CACHES)
def test_the_chart_page_reads_as_many_rows_as_it_lists_not_the_whole_ranking(portfolio, leader_client):
    from roadmap.views.chart import TABLE_ROWS

    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1, seed=42, trials=2000, top_k=10)
    for rank in range(1, 3 * TABLE_ROWS + 1):
        project = ProjectFactory(portfolio=portfolio, name=f"Project {rank:03d}")
        ProjectScoreFactory(snapshot=snapshot, project=project, rank=rank, expected_roi=1.0)
    url = reverse("roadmap:chart", args=[portfolio.slug])
    leader_client.get(url)  # draws the chart into the cache

    with CaptureQueriesContext(connection) as queries:
        html = leader_client.get(url).content.decode()

    assert html.count(" data-funded=") == 3 * TABLE_ROWS
    score_reads = [q["sql"] for q in queries.captured_queries if 'FROM "roadmap_projectscore"' in q["sql"]]
    assert score_reads and all(f"LIMIT {TABLE_ROWS}" in sql or "COUNT(" in sql for sql in score_reads), score_reads


@override_settings(CACHES=OWN_CACHES)
def test_a_site_under_a_path_prefix_links_its_own_chart_not_the_one_the_worker_drew(portfolio, leader_client):
    from roadmap.tasks import recompute_portfolio

    project = ProjectFactory(portfolio=portfolio, name="Spam")
    AssessmentFactory(project=project, tag="easy")
    recompute_portfolio.apply(args=[portfolio.pk])  # the worker knows no prefix: it draws links from "/"

    url = reverse("roadmap:chart", args=[portfolio.slug])
    set_script_prefix("/planner/")  # what the WSGI handler does for SCRIPT_NAME=/planner (the test client does not)
    try:
        html = leader_client.get(url).content.decode()
    finally:
        clear_script_prefix()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg"') : html.index("</svg>")]
    assert f'href="/planner/p/{portfolio.slug}/projects/{project.pk}/"' in svg
    assert f'href="/p/{portfolio.slug}/projects/{project.pk}/"' not in svg


@override_settings(CACHES=OWN_CACHES)
def test_the_chart_page_reads_the_latest_snapshot_once_in_a_constant_number_of_queries(
    portfolio, review_baseline, pm_client, django_assert_num_queries
):
    url = reverse("roadmap:chart", args=[portfolio.slug])
    pm_client.get(url)  # draws the chart into the cache
    for i in range(6):
        parked = ProjectFactory(portfolio=portfolio, name=f"Parked {i}", status="parked")
        ProjectScoreFactory(snapshot=review_baseline.snapshot, project=parked, excluded=True)

    # session, user, portfolio and role, the latest snapshot, the ranking (counts, funded too; ranked and unranked
    # rows), the rank moves, "What to learn next" (projects, assessments) and the recompute state
    with django_assert_num_queries(CHART_PAGE_QUERIES), CaptureQueriesContext(connection) as queries:
        html = pm_client.get(url).content.decode()

    snapshot_reads = [q["sql"] for q in queries.captured_queries if 'FROM "roadmap_rankingsnapshot"' in q["sql"]]
    assert len(snapshot_reads) == 1, snapshot_reads
    assert html.count('<tr class="excluded">') == 6 and 'class="rank-move' in html and 'id="funding"' in html


@override_settings(CACHES=OWN_CACHES)
def test_a_baselines_chart_page_still_says_how_old_the_latest_figures_are(portfolio, review_baseline, pm_client):
    latest = RankingSnapshotFactory(portfolio=portfolio, input_version=review_baseline.snapshot.input_version + 1)
    ProjectScoreFactory(snapshot=latest, project=ProjectFactory(portfolio=portfolio, name="Later idea"), rank=1)
    url = reverse("roadmap:chart", args=[portfolio.slug])

    with CaptureQueriesContext(connection) as queries:
        html = pm_client.get(f"{url}?baseline={review_baseline.pk}").content.decode()

    snapshot_reads = [q["sql"] for q in queries.captured_queries if 'FROM "roadmap_rankingsnapshot"' in q["sql"]]
    assert len(snapshot_reads) == 1, snapshot_reads  # the latest one, for the status line; the baseline's is joined
    assert f'data-snapshot-version="{latest.input_version}"' in html
    assert "This page shows the baseline “Q1 planning”" in html and "Later idea" not in html
