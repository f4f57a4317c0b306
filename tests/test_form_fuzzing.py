"""The forms, through the views, filled as a careless user or an attacker would (hypothesis): never a 500, a refused
form saves nothing, and the database holds only valid data whatever was posted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.payloads import FORM_EXAMPLES, FUZZ, _post_and_check


def _fuzzed(data, valid: dict) -> dict:
    """The valid values with none to four fields (hypothesis choosing which) replaced by fuzz values or dropped."""
    fuzzed = dict(valid)
    for name in data.draw(st.lists(st.sampled_from(sorted(valid)), max_size=4, unique=True), label="fuzzed fields"):
        value = data.draw(st.one_of(FUZZ, st.none()), label=name)
        if value is None:
            del fuzzed[name]
        else:
            fuzzed[name] = value
    return fuzzed


def _as_loaded(instance, fields) -> dict:
    """The hidden ``initial-<field>`` inputs of a versioned form, as the page would render them."""
    return {
        f"initial-{name}": "" if getattr(instance, name) is None else str(getattr(instance, name)) for name in fields
    }


def _project_valid(project) -> dict:
    from portfolio.forms.project import PROJECT_FIELDS

    valid = {
        "name": project.name,
        "summary": "Detects spam.",
        "user_problem": "",
        "problem_type": "other",
        "status": "idea",
        "owner": "Pat",
        "output_kpi": "",
        "input_metrics": "",
        "lazy_10x_note": "",
        "target_date": "",
        "staffing": "2",
        "impact_low": "10",
        "impact_likely": "20",
        "impact_high": "30",
        "provisional_effort_low": "",
        "provisional_effort_likely": "",
        "provisional_effort_high": "",
    }
    assert set(valid) == set(PROJECT_FIELDS)
    return valid


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_project_create_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.project import CREATE_FIELDS

    valid = {k: v for k, v in _project_valid(fuzz_world["projects"][0]).items() if k in CREATE_FIELDS}
    valid["name"] = data.draw(st.sampled_from(["Fraud score", "Language identification", "Churn model"]))
    url = reverse("portfolio:project-create", args=[fuzz_world["portfolio"].slug])

    _post_and_check(fuzz_world["pm"], url, _fuzzed(data, valid), htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_project_edit_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.project import PROJECT_FIELDS
    from portfolio.models import Project

    project = Project.objects.get(pk=fuzz_world["projects"][1].pk)
    valid = {**_project_valid(project), "version": str(project.version)}
    payload = {**_fuzzed(data, valid), **_as_loaded(project, PROJECT_FIELDS)}
    url = reverse("portfolio:project-edit", args=[fuzz_world["portfolio"].slug, project.pk])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_assessment_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.feasibility import project_snapshot
    from portfolio.models import Project

    project = Project.objects.get(pk=data.draw(st.sampled_from([p.pk for p in fuzz_world["projects"]])))
    valid = {
        "tag": "hard",
        "success_probability_override": "",
        "effort_low": "2",
        "effort_likely": "4",
        "effort_high": "8",
        "examples_needed": "1000",
        "examples_available": "200",
        "label_agreement_target": "0.9",
        "label_agreement_current": "0.7",
        "rationale": "Needs labelled data.",
        "project_version": str(project.version),
        "project_snapshot": project_snapshot(project),
    }
    url = reverse("portfolio:assess", args=[fuzz_world["portfolio"].slug, project.pk])

    _post_and_check(fuzz_world["em"], url, _fuzzed(data, valid), htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_link_input_gives_a_500_or_saves_a_bad_link_or_a_cycle(fuzz_world, data, htmx):
    from django.urls import reverse

    pks = [p.pk for p in fuzz_world["projects"]]
    here = data.draw(st.sampled_from(pks), label="project")
    valid = {"direction": "reuses", "other": str(pks[0]), "kind": "benefits", "fraction": "0.2", "note": ""}
    payload = _fuzzed(data, valid)
    payload["other"] = data.draw(st.one_of(st.sampled_from([str(pk) for pk in pks]), FUZZ), label="other")
    payload["direction"] = data.draw(st.one_of(st.sampled_from(["reuses", "reused_by"]), FUZZ), label="direction")
    url = reverse("portfolio:link-create", args=[fuzz_world["portfolio"].slug, here])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_link_edit_input_gives_a_500_or_saves_a_bad_link(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import ReuseLink

    link = ReuseLink.objects.get(pk=fuzz_world["link"].pk)
    valid = {"kind": link.kind, "fraction": "0.5", "note": "shared tokenizer", "version": str(link.version)}
    payload = {**_fuzzed(data, valid), **_as_loaded(link, ("kind", "fraction", "note"))}
    url = reverse("portfolio:link-edit", args=[fuzz_world["portfolio"].slug, link.pk])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_settings_input_gives_a_500_or_saves_bad_settings(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import Portfolio
    from portfolio.services import PORTFOLIO_SETTING_FIELDS

    portfolio = Portfolio.objects.get(pk=fuzz_world["portfolio"].pk)
    valid = {
        "name": portfolio.name,
        "description": "",
        "value_unit": "k$",
        "cost_per_person_week": "4",
        "horizon_years": "1",
        "trials": "2000",
        "top_k": "10",
        "p_easy": "0.9",
        "p_hard": "0.5",
        "p_impossible": "0",
        "capacity": "10",
        "planning_window_weeks": "13",
        "roadmap_start": "2026-01-05",
        "seed": "12345",
        "calibrated_ranges": "",
    }
    assert set(valid) == set(PORTFOLIO_SETTING_FIELDS)
    payload = {**_fuzzed(data, {**valid, "version": str(portfolio.version)}), **_as_loaded(portfolio, valid)}
    url = reverse("portfolio:settings", args=[portfolio.slug])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_pin_input_gives_a_500_or_saves_a_bad_pin(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import Project

    project = Project.objects.get(pk=fuzz_world["projects"][2].pk)
    valid = {"position": "1", "version": str(project.version)}
    url = reverse("roadmap:pin", args=[fuzz_world["portfolio"].slug, project.pk])
    payload = _fuzzed(data, valid)
    payload["next"] = data.draw(st.one_of(st.sampled_from(URL_LIKE), FUZZ), label="next")

    response = _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)

    if response.status_code == 302:  # never an open redirect, whatever ``next`` said
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith(("//", "/\\"))


URL_LIKE = ("", "/", "/p/elsewhere/", "//evil.example/", "https://evil.example/", "/\\evil.example", "http:/x")


@pytest.mark.django_db
def test_a_bare_word_as_next_after_pinning_does_not_break_the_page(fuzz_world):
    from django.urls import reverse

    project = fuzz_world["projects"][2]
    url = reverse("roadmap:pin", args=[fuzz_world["portfolio"].slug, project.pk])

    response = fuzz_world["pm"].post(url, {"position": "1", "version": str(project.version), "next": "nan"})

    assert response.status_code == 302
