"""Project names: one line of visible text that every page, CSV and SVG download can show as it is."""

import pytest
from django.core.exceptions import ValidationError

from portfolio.models import normalize_project_name, validate_project_name
from tests.factories import ProjectFactory


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
