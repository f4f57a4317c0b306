"""Project names: one line of visible text that every page, CSV and SVG download can show as it is."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import services
from portfolio.models import PROJECT_NAME_TAKEN, Portfolio, normalize_project_name, validate_project_name
from tests.factories import PortfolioFactory, ProjectFactory
from tests.portfolio.test_feasibility_views import form_fields


@pytest.mark.parametrize(
    "name",
    ["Spam filter", "تصفية البريد", "סינון דואר", "Détection de fraude", "👩‍💻 Code review bot", "Café\u200d", "x"],
)
def test_names_in_any_script_with_emoji_and_joiners_are_accepted(name):
    validate_project_name(name)


@pytest.mark.parametrize(
    "name, code",
    [
        ("Spam\u202e filter", "bidi"),
        ("\u2066Spam\u2069", "bidi"),
        ("Spam\u2028filter", "control"),
        ("Spam\x85filter", "control"),
        ("Spam\ufffe", "xml"),
        ("Spam\U0001ffff", "xml"),
        ("Spam\ufdd0", "xml"),
        ("\u200b\u200d", "blank"),
        ("   ", "blank"),
        ("A;B", "semicolon"),
    ],
)
def test_names_that_would_hide_reorder_or_break_the_text_are_refused(name, code):
    with pytest.raises(ValidationError) as error:
        validate_project_name(name)
    assert error.value.code == code


def test_names_are_stored_composed_without_invisible_characters():
    assert normalize_project_name(" Cafe\u0301 \u200bfilter\ufeff ") == "Café filter"


@pytest.mark.django_db
def test_a_name_that_differs_only_in_invisible_characters_or_composition_is_taken(portfolio):
    ProjectFactory(portfolio=portfolio, name="Café filter")
    for lookalike in ("Cafe\u0301 filter", "Café\u200b filter", "\ufeffCafé filter"):
        project = ProjectFactory.build(portfolio=portfolio, name=lookalike)
        with pytest.raises(ValidationError) as error:
            project.full_clean()
        assert "name" in error.value.message_dict or "__all__" in error.value.message_dict, lookalike


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "message"), [("Spam\u037efilter", "“;”"), ("\u0958" * 200, "at most 200 characters")])
def test_a_name_is_checked_as_it_is_stored_not_as_it_was_typed(portfolio, raw, message):
    project = ProjectFactory.build(portfolio=portfolio, name=raw)  # NFC: U+037E is ";", U+0958 two characters
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert any(message in m for m in error.value.message_dict["name"])


# Portfolio name, value unit and description: the same rules, so every page and SVG download can show them ---------


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("name", "Trust\x07ML", "control"),
        ("name", "Trust\u202e ML", "bidi"),
        ("name", "Trust ML\ufffe", "xml"),
        ("name", "\u200b ", "blank"),
        ("value_unit", "k$\x1b", "control"),
        ("value_unit", "\u2067k$", "bidi"),
        ("value_unit", "k\U0001fffe", "xml"),
        ("description", "Abuse\x0bspam", "control"),
        ("description", "Abuse \u202espam", "bidi"),
        ("description", "Abuse\ufffe", "xml"),
        ("description", "Abuse\x85", "control"),
    ],
)
@pytest.mark.django_db
def test_portfolio_texts_that_would_break_the_svg_downloads_are_refused(field, value, code):
    portfolio = PortfolioFactory.build(**{"name": "Trust ML", "slug": "trust-ml", field: value})

    with pytest.raises(ValidationError) as error:
        portfolio.full_clean()

    assert [e.code for e in error.value.error_dict[field]] == [code]


@pytest.mark.django_db
def test_a_portfolio_description_keeps_its_line_breaks_and_tabs():
    portfolio = PortfolioFactory.build(name="Trust ML", slug="trust-ml", description="Abuse:\r\n\tspam\n\tfraud")

    portfolio.full_clean()

    assert portfolio.description == "Abuse:\r\n\tspam\n\tfraud"


@pytest.mark.django_db
def test_portfolio_name_and_value_unit_are_stored_composed_without_invisible_characters():
    portfolio = services.portfolio_create(name=" Cafe\u0301\u200b ML ", value_unit="k$\ufeff")

    portfolio.refresh_from_db()
    assert (portfolio.name, portfolio.value_unit) == ("Café ML", "k$")


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "Trust\x07ML", "cannot contain control characters"),
        ("value_unit", "k\u202e$", "right-to-left override"),
        ("description", "Abuse\x0bspam", "cannot contain control characters"),
    ],
)
@pytest.mark.django_db
def test_the_settings_page_refuses_them_next_to_the_field(portfolio, pm_client, field, value, message):
    url = reverse("portfolio:settings", args=[portfolio.slug])
    data = {**form_fields(pm_client.get(url)), field: value}

    response = pm_client.post(url, data)

    errors = re.search(rf'<ul class="errorlist" id="id_{field}-errors">(.*?)</ul>', response.content.decode(), re.S)
    assert errors and message in errors.group(1)
    assert Portfolio.objects.get(pk=portfolio.pk).version == 1


@pytest.mark.django_db
def test_a_taken_name_is_the_name_fields_error_whichever_door_the_create_comes_through(portfolio):
    """The forms check it themselves; the service (an import, a create that waited for another) says the same."""
    ProjectFactory(portfolio=portfolio, name="Spam filter")

    with pytest.raises(ValidationError) as error:
        services.project_create(portfolio=portfolio, name="Spam filter", impact_low=1, impact_likely=2, impact_high=3)

    assert error.value.message_dict == {"name": [PROJECT_NAME_TAKEN]}
