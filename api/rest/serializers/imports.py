"""A CSV import through the API: the upload's preview (what would change, field by field), the kept upload waiting
for its confirmation, and the errors a refused file has, by row and column (``portfolio.csv_import``)."""

import datetime

from django.conf import settings
from rest_framework import serializers

from portfolio.models import ImportRecord


class FieldChangeSerializer(serializers.Serializer):
    column = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class ProjectChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    # The metaclass takes declared fields off the class: this does not shadow Serializer.fields at run time.
    fields = FieldChangeSerializer(many=True)  # type: ignore[assignment]


class ChangeSerializer(serializers.Serializer):
    """An assessment recorded for ``subject`` (a project), or a reuse link ``subject`` ("A → B"): old -> new."""

    subject = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class PreviewSerializer(serializers.Serializer):
    """Everything the import would change (``portfolio.csv_import.ImportPreview``) and its summary in words."""

    summary = serializers.CharField(source="result")
    created = ProjectChangeSerializer(many=True)
    updated = ProjectChangeSerializer(many=True)
    unchanged = serializers.IntegerField()
    assessments = ChangeSerializer(many=True)
    links_added = ChangeSerializer(many=True)
    links_changed = ChangeSerializer(many=True)
    links_removed = ChangeSerializer(many=True)


class ImportRecordSerializer(serializers.ModelSerializer):
    """An upload: ``previewed`` (waiting for its uploader's confirmation until ``expires_at``), ``applied`` (it can
    be undone while nothing newer touched its projects) or ``undone``."""

    user: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    expires_at = serializers.SerializerMethodField()

    class Meta:
        model = ImportRecord
        fields: tuple[str, ...] = (
            "id",
            "filename",
            "status",
            "user",
            "summary",
            "previewed_at",
            "expires_at",
            "applied_at",
        )
        fields += ("undone_at",)
        read_only_fields = fields

    def get_expires_at(self, record: ImportRecord) -> datetime.datetime | None:
        if record.status != "previewed":
            return None
        return record.previewed_at + datetime.timedelta(minutes=settings.IMPORT_PREVIEW_MINUTES)


class ImportPreviewResponseSerializer(serializers.Serializer):
    """An upload checked: what it would change, and the kept upload to confirm (null for a dry run)."""

    record = ImportRecordSerializer(allow_null=True)
    preview = PreviewSerializer()


class ImportUploadSerializer(serializers.Serializer):
    """A CSV file as a form upload (``file``); a ``text/csv`` body is read as the file itself."""

    file = serializers.FileField(help_text="The CSV (UTF-8, header on row 1), at most IMPORT_MAX_BYTES.")
