"""The backlog's column chooser (a plain form, remembered per user in a cookie) and, without JavaScript, an
edit that returns to the filtered backlog it came from."""

import pytest
from django.urls import reverse

from portfolio.views.backlog_columns import CHOOSABLE, cookie_name, parse_columns
from tests.payloads import project_form

pytestmark = pytest.mark.django_db


def _backlog(portfolio, query=""):
    return reverse("portfolio:backlog", args=[portfolio.slug]) + query


def test_all_columns_show_until_someone_chooses(world, leader_client):
    html = leader_client.get(_backlog(world["portfolio"])).content.decode()
    assert all(f'class="col-{key}' in html for key in CHOOSABLE)
    assert 'data-label="Owner"' in html


def test_chosen_columns_are_remembered_and_the_others_hidden(world, leader_client, leader_user):
    portfolio = world["portfolio"]
    url = reverse("portfolio:backlog-columns", args=[portfolio.slug])
    back = _backlog(portfolio, "?q=spam&sort=name")
    response = leader_client.post(url, {"column": ["status", "roi", "made-up"], "next": back})
    assert response.status_code == 302 and response["Location"] == back  # back to the filtered backlog
    assert response.cookies[cookie_name(leader_user)].value == "status,roi"

    html = leader_client.get(_backlog(portfolio)).content.decode()
    assert 'class="col-status' in html and 'class="col-roi' in html and 'class="col-name' in html
    assert 'class="col-owner' not in html and 'data-label="Owner"' not in html
    assert 'value="owner"' in html and 'value="status" checked' in html  # the chooser shows the choice


def test_one_persons_choice_is_not_anothers(world, leader_client, leader_user, pm_user):
    leader_client.post(reverse("portfolio:backlog-columns", args=[world["slug"]]), {"column": ["rank"]})
    assert cookie_name(leader_user) != cookie_name(pm_user)


def test_a_foreign_next_url_is_ignored(world, leader_client):
    url = reverse("portfolio:backlog-columns", args=[world["slug"]])
    response = leader_client.post(url, {"column": ["rank"], "next": "https://evil.example/"})
    assert response["Location"] == _backlog(world["portfolio"])


def test_a_cookie_with_unknown_columns_shows_only_the_known_ones():
    assert parse_columns("rank,<script>,roi") == {"rank", "roi"}
    assert parse_columns(None) == set(CHOOSABLE)
    assert parse_columns("") == set()


def test_outsiders_cannot_choose_columns(world, outsider_client):
    url = reverse("portfolio:backlog-columns", args=[world["slug"]])
    assert outsider_client.post(url, {"column": ["rank"]}).status_code == 404


def test_without_javascript_an_edit_lands_on_the_filtered_backlog_it_came_from(world, pm_client):
    portfolio, project = world["portfolio"], world["project"]
    filtered = _backlog(portfolio, "?q=machine&status=idea")
    html = pm_client.get(filtered).content.decode()
    edit = reverse("portfolio:project-edit", args=[portfolio.slug, project.pk])
    assert f'href="{edit}?next=%2Fp%2F{portfolio.slug}%2F%3Fq%3Dmachine%26status%3Didea"' in html

    page = pm_client.get(edit, {"next": filtered}).content.decode()
    assert f'name="next" value="{filtered.replace("&", "&amp;")}"' in page
    response = pm_client.post(edit, {**project_form(project, owner="Ada"), "next": filtered})
    assert response.status_code == 302 and response["Location"] == filtered
    project.refresh_from_db()
    assert project.owner == "Ada"
