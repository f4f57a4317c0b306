"""A model's column by name, typed: ``Model._meta.get_field`` answers relations too, which have no validators,
``to_python`` or ``max_length``; the callers here only ever ask for columns."""

from django.db import models


def column(model: type[models.Model], name: str) -> models.Field:
    """The field ``name`` of ``model``, which must be a column (ValueError for a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is a relation, not a column")
    return field
