"""The widgets ``forms.rendering.DirectWidgets`` draws itself come out byte for byte as Django's templates draw them,
and what it does not draw is left to the templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portfolio.forms.feasibility import AssessmentForm
from portfolio.forms.project import ProjectRowForm
from portfolio.forms.rendering import DIRECT_WIDGETS
from tests.factories import AssessmentFactory, ProjectFactory
from tests.payloads import project_row_form

TEMPLATES = DjangoTemplates()
AWKWARD = "a <b> & \"c\" 'd'"


def both(widget: forms.Widget, value, attrs=None, name="field") -> tuple[str, str]:
    """``widget`` drawn by Django's templates and by the direct renderer."""
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=DIRECT_WIDGETS),
    )


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 200, "data-x": AWKWARD}),
        forms.TextInput(attrs={"title": mark_safe("<i>kept</i>"), "placeholder": gettext_lazy("Search")}),
        forms.NumberInput(attrs={"step": "any", "min": "0"}),
        forms.HiddenInput(),
        forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        forms.EmailInput(),
        forms.URLInput(),
        forms.PasswordInput(render_value=True),
        forms.Textarea(attrs={"rows": 3}),
    ],
)
@pytest.mark.parametrize("value", [None, "", "plain", AWKWARD, 2.5, 0, "\nstarts with a line break"])
def test_inputs_and_text_areas_are_drawn_as_the_templates_draw_them(widget, value):
    templates, direct = both(widget, value, attrs={"id": "id_field"})
    assert direct == templates


@pytest.mark.parametrize(
    "choices",
    [
        [("idea", "Idea"), ("building", "Building"), ("", "---------")],
        [(1, AWKWARD), (2, gettext_lazy("Shipped")), (mark_safe("<x>"), mark_safe("<b>safe</b>"))],
        [("a", 1.5), ("b", 2)],  # numbers as labels: left to the templates (they localise them)
        [("Group", [("a", "A"), ("b", "B")]), ("c", "C")],  # option groups: left to the templates
    ],
)
@pytest.mark.parametrize("value", [None, "idea", "b", 1])
def test_selects_are_drawn_as_the_templates_draw_them(choices, value):
    templates, direct = both(forms.Select(choices=choices, attrs={"required": True}), value)
    assert direct == templates


@pytest.mark.parametrize("wrap_label", [True, False])
def test_radio_and_checkbox_options_are_drawn_as_the_templates_draw_them(wrap_label):
    for widget in (forms.RadioSelect, forms.CheckboxSelectMultiple):
        field = forms.ChoiceField(choices=[("easy", "Easy <1>"), ("hard", gettext_lazy("Hard"))], widget=widget)
        form = type("F", (forms.Form,), {"tag": field})(data={"tag": "hard"}, auto_id="id_%s")
        for option in form["tag"]:
            direct = option.parent_widget._render(option.template_name, {"widget": {**option.data}}, DIRECT_WIDGETS)
            templates = option.parent_widget._render(option.template_name, {"widget": {**option.data}}, TEMPLATES)
            assert direct == templates
            assert option.tag(wrap_label=wrap_label) == option.parent_widget._render(
                option.template_name, {"widget": {**option.data, "wrap_label": wrap_label}}, TEMPLATES
            )


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True])
def test_every_field_of_the_inline_row_edit_is_drawn_as_the_templates_draw_it(portfolio, bound):
    project = ProjectFactory(portfolio=portfolio, name=AWKWARD, owner="Zoë", target_date=datetime.date(2027, 3, 1))
    data = project_row_form(project, impact_low="900", staffing="0", name="") if bound else None
    direct = ProjectRowForm(data, instance=project, portfolio=portfolio)
    templates = ProjectRowForm(data, instance=project, portfolio=portfolio, renderer=TEMPLATES)
    assert direct.renderer is DIRECT_WIDGETS
    assert direct.errors == templates.errors and bool(direct.errors) is bound  # errors drawn next to their inputs
    assert [str(f) for f in direct] == [str(f) for f in templates]


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True])
def test_every_field_of_the_assessment_form_is_drawn_as_the_templates_draw_it(portfolio, bound):
    project = ProjectFactory(portfolio=portfolio, provisional_effort_low=1, provisional_effort_likely=2)
    current = AssessmentFactory(project=project, rationale=AWKWARD, label_agreement_target=0.85)
    data = {"tag": "nope", "effort_low": "x", "rationale": "<script>", "project_version": "1"} if bound else None
    direct = AssessmentForm(data, project=project, portfolio=portfolio, current=current)
    templates = AssessmentForm(data, project=project, portfolio=portfolio, current=current, renderer=TEMPLATES)
    assert direct.renderer is DIRECT_WIDGETS
    assert direct.errors == templates.errors and bool(direct.errors) is bound
    assert [str(f) for f in direct] == [str(f) for f in templates]
    assert [r.tag() for r in direct["tag"]] == [r.tag() for r in templates["tag"]]
