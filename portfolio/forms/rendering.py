"""A form renderer that draws the plain widgets (inputs, text areas, selects without groups, radio buttons) in one
pass, with the markup of Django's own widget templates, and leaves every other template to them.

Django renders each widget as a template with an include for its attributes (and one per option of a select): the
inline edit of a backlog row draws 25 widgets (every field twice: as typed and as loaded), a third of its CPU. The
markup here is the templates' byte for byte (``tests/portfolio/test_widget_rendering.py`` renders each widget both
ways); forms opt in with ``default_renderer = DIRECT_WIDGETS``.
"""

from collections.abc import Iterable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# The templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html" for name in ("input", "text", "number", "hidden", "date", "email", "url", "password")
)
OPTION_TEMPLATES = frozenset(f"{WIDGETS}{name}.html" for name in ("input_option", "radio_option", "checkbox_option"))


def _shown(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it was marked safe."""
    return str(value) if isinstance(value, SafeData) else escape(value)


def attributes(attrs: dict[str, Any]) -> str:
    """``attrs.html``: each attribute in order; True as a bare name, False left out."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_shown(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    """``input.html`` (without the line break that ends the file)."""
    value = "" if widget["value"] is None else f' value="{_shown(widget["value"])}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{attributes(widget["attrs"])}>'


def _option(widget: dict[str, Any]) -> str:
    """``input_option.html``: the input, in its label when ``wrap_label`` (the include keeps input.html's line
    break, so the label's text starts on the next line)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    label_for = f' for="{conditional_escape(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _textarea(widget: dict[str, Any]) -> str:
    """``textarea.html``: the text starts after a line break (browsers drop the first one)."""
    text = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>\n{text}</textarea>'


def select(name: str, attrs: dict[str, Any], options: Iterable[tuple[Any, Any, str]]) -> str:
    """``select.html`` with its options (each ``select_option.html``, whose file ends with a line break); an option
    is (value, label, its attributes' markup: ``attributes(...)``, or " selected")."""
    drawn = "".join(
        f'\n  <option value="{_shown(value)}"{option_attributes}>{conditional_escape(label)}</option>\n'
        for value, label, option_attributes in options
    )
    return f'<select name="{conditional_escape(name)}"{attributes(attrs)}>{drawn}\n</select>'


def _select(widget: dict[str, Any]) -> str:
    options = (
        (option["value"], option["label"], attributes(option["attrs"]))
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    return select(widget["name"], widget["attrs"], options)


def _plain_labels(widget: dict[str, Any]) -> bool:
    """Whether a select has no option groups and only text labels (a number would be localised by the template)."""
    return all(
        not name and all(isinstance(option["label"], str | Promise) for option in group)
        for name, group, _ in widget["optgroups"]
    )


class DirectWidgets(DjangoTemplates):
    """Django's template renderer, but the plain widgets are drawn here (see the module's docstring)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is None:
            return super().render(template_name, context, request)
        if template_name in INPUT_TEMPLATES:
            return _input(widget)
        if template_name in OPTION_TEMPLATES and isinstance(widget.get("label", ""), str | Promise):
            return _option(widget)
        if template_name == f"{WIDGETS}textarea.html":
            return _textarea(widget)
        if template_name == f"{WIDGETS}select.html" and _plain_labels(widget):
            return _select(widget)
        return super().render(template_name, context, request)


DIRECT_WIDGETS = DirectWidgets()
