"""Form fields shared by the forms: a share entered as a percent and stored as a fraction; numbers shown as typed;
a list of many options drawn in one pass."""

import math
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.safestring import SafeString, mark_safe

from . import rendering


class PercentField(forms.FloatField):
    """A share people type as a percent (85 means 85%) and the model stores as a fraction (0.85).

    The conversion happens here, at the form boundary, so the stored meaning stays a fraction 0..1 everywhere else
    (scoring, API, CSV import, history). Shown values are fractions turned back into percents without a trailing
    ".0". Out of range: "Enter a percent from 0 to 100."
    """

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("min_value", None)
        kwargs.setdefault("max_value", None)
        super().__init__(**kwargs)
        self.widget.attrs.update(step="any", min="0", max="100")

    def prepare_value(self, value: Any) -> Any:
        """A stored fraction (a number) as the percent shown; text the person typed is shown as typed."""
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            percent = round(float(value) * 100, 6)
            return f"{percent:g}"
        return value

    def to_python(self, value: Any) -> Any:  # a fraction (float) or None
        percent = super().to_python(value)
        if percent is None:
            return None
        if not 0 <= percent <= 100:
            raise forms.ValidationError("Enter a percent from 0 to 100 (85 means 85%).", code="percent_range")
        return percent / 100

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:  # the fraction the model gets: its own range check must pass too
            for validator in (MinValueValidator(0.0), MaxValueValidator(1.0)):
                validator(value)


class PlainNumberInput(forms.NumberInput):
    """A number input that shows a stored number as a person typed it: 100.0 -> "100", 2.5 -> "2.5".

    The shortest text that reads back as the same float (``repr``), so saving the form unchanged never changes it.
    """

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float) and math.isfinite(value):
            text = repr(value)
            return text[:-2] if text.endswith(".0") else text
        return super().format_value(value)


def plain_number_inputs(form: forms.BaseForm) -> None:
    """Give every float field of ``form`` (but percents, which format themselves) a ``PlainNumberInput``."""
    for field in form.fields.values():
        if isinstance(field, forms.FloatField) and not isinstance(field, PercentField):
            if isinstance(field.widget, forms.NumberInput) and not isinstance(field.widget, PlainNumberInput):
                field.widget = PlainNumberInput(attrs=field.widget.attrs)


class ManyOptionsSelect(forms.Select):
    """A select of many plain options (every other project of a portfolio), with the markup of Django's ``Select``
    drawn in one pass instead of a template include per option: at 1,000 projects the includes took 40 ms of a
    70 ms project page. Options are (value, label) pairs; no groups."""

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list:
        return []  # drawn by ``render`` below

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        chosen = widget["value"][0] if widget["value"] else None  # "" (nothing chosen) marks the empty option
        options = ((str(key), label, " selected" if str(key) == chosen else "") for key, label in self.choices)
        return mark_safe(rendering.select(widget["name"], widget["attrs"], options))  # noqa: S308 (escaped there)
