"""JSON numbers and booleans taken as JSON says them: a number field refuses ``true`` and ``"12"``, a boolean field
refuses ``"yes"`` and ``1`` (Django REST framework would coerce them). ``StrictModelSerializer`` maps model fields
to these; a form upload or a query string, whose values are all text, is read with the ordinary fields."""

from django.db import models
from rest_framework import serializers


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class StrictFloatField(serializers.FloatField):
    def to_internal_value(self, data):
        if not _is_number(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if not (_is_number(data) and float(data).is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose numbers, booleans and texts must have their JSON types."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: StrictFloatField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
