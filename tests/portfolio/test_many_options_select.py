"""``ManyOptionsSelect`` draws exactly what Django's ``Select`` draws, without a template include per option."""

import pytest
from django import forms

from portfolio.forms.fields import ManyOptionsSelect

CHOICES = [("", "— choose —"), (3, "Churn <model> & “ranking”"), (12, 'Fraud "v2"'), (40, "Search")]


def _form(widget_class, data=None, **attrs):
    class PickForm(forms.Form):
        other = forms.ChoiceField(choices=CHOICES, widget=widget_class(attrs=attrs))

    return PickForm(data)


@pytest.mark.parametrize(
    "data",
    [None, {"other": "12"}, {"other": ""}, {"other": "999"}],
    ids=["unbound", "chosen", "left empty", "not an option"],
)
@pytest.mark.parametrize("attrs", [{}, {"class": "wide", "disabled": True, "data-x": False}])
def test_it_draws_what_djangos_select_draws(data, attrs):
    ours = _form(ManyOptionsSelect, data, **attrs)
    django = _form(forms.Select, data, **attrs)
    if data is not None:  # errors add aria-invalid to the attributes
        ours.is_valid(), django.is_valid()

    assert str(ours["other"]) == str(django["other"])


def test_labels_are_escaped_and_the_chosen_option_marked():
    html = str(_form(ManyOptionsSelect, {"other": "3"})["other"])

    assert "Churn &lt;model&gt; &amp; “ranking”" in html
    assert '<option value="3" selected>' in html
    assert html.count(" selected") == 1
