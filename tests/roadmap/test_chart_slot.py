"""The chart page's drawn chart put into the rendered page in a slot (``roadmap.views.chart.render_chart_page``):
the response is the one the template renders with the chart in it, byte for byte."""

import pytest
from django.shortcuts import render
from django.test import override_settings
from django.urls import reverse

from roadmap.views import chart as chart_views

from .conftest import HOSTILE, OWN_CACHES, without_csrf_tokens


@override_settings(CACHES=OWN_CACHES)
@pytest.mark.parametrize(("query", "headers"), [("", {}), ("?all=1", {}), ("", {"HTTP_HX_REQUEST": "true"})])
def test_the_drawn_chart_is_put_into_the_page_where_the_template_would_render_it(
    known_snapshot, pm_client, monkeypatch, query, headers
):
    url = reverse("roadmap:chart", args=[known_snapshot.portfolio.slug]) + query
    spliced = pm_client.get(url, **headers)
    monkeypatch.setattr(chart_views, "render_chart_page", _render_with_the_template)
    rendered = pm_client.get(url, **headers)

    assert spliced.status_code == rendered.status_code == 200
    assert without_csrf_tokens(spliced.content) == without_csrf_tokens(rendered.content)
    assert spliced.content.count(b"<svg") == 1 and chart_views.CHART_SLOT.encode() not in spliced.content
    assert HOSTILE.encode() not in spliced.content and "person-weeks⁻¹".encode() in spliced.content


def test_the_chart_page_refusing_a_baseline_name_shows_the_chart_where_the_template_would(
    portfolio, review_baseline, pm_client, monkeypatch
):
    url, form = reverse("roadmap:baseline-create", args=[portfolio.slug]), {"name": "Q1 planning"}
    spliced = pm_client.post(url, form)
    monkeypatch.setattr(chart_views, "render_chart_page", _render_with_the_template)
    rendered = pm_client.post(url, form)

    assert spliced.status_code == rendered.status_code == 400
    assert without_csrf_tokens(spliced.content) == without_csrf_tokens(rendered.content)
    assert b'class="bubble' in spliced.content and chart_views.CHART_SLOT.encode() not in spliced.content


def _render_with_the_template(request, template_name, context, *, status=200):
    """The page as the template engine renders it, ``{{ chart_svg }}`` and all (the reference)."""
    return render(request, template_name, context, status=status)
