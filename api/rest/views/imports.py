"""CSV import through the API, as on the import page (PMs): an upload is checked and previewed (the dry run: what
would change, field by field; nothing is applied), then confirmed by its uploader, and an applied one can be
undone. ``?dry_run=true`` only previews: the file is not kept. A file whose content the import refuses (not UTF-8
text, a missing column, a bad cell) is a 422 naming each cell: the upload itself is well formed, and no schema can
state a CSV's rules; a request without a file is a 400."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, parsers, status
from rest_framework.response import Response

from portfolio import csv_import
from portfolio.models import ImportRecord, ImportStatus

from ..problems import Conflict, PayloadTooLarge, Unprocessable
from ..serializers.imports import (
    ImportPreviewResponseSerializer,
    ImportRecordSerializer,
    ImportUploadSerializer,
    PreviewSerializer,
)
from .base import PortfolioView


class CSVParser(parsers.BaseParser):
    """A ``text/csv`` body, given to the view as bytes."""

    media_type = "text/csv"

    # DRF hands the view whatever parse returns; the stubs expect a mapping, which a CSV body is not.
    def parse(self, stream, media_type=None, parser_context=None) -> bytes:  # type: ignore[override]
        return stream.read(settings.IMPORT_MAX_BYTES + 1)


def cell_errors(error: csv_import.ImportErrors) -> Unprocessable:
    """The file's problems as field errors named by their cell ("row 3, column impact_high"): a 422."""
    errors: dict[str, list[str]] = {}
    for cell in error.errors:
        where = "file" if cell.row == 0 else f"row {cell.row}" + (f", column {cell.column}" if cell.column else "")
        errors.setdefault(where, []).append(cell.message)
    return Unprocessable(errors)


def _uploaded(request) -> tuple[str, bytes]:
    """(file name, bytes) of a form upload or a ``text/csv`` body (an empty one too: an empty file, refused by the
    import with a 422 as the page refuses it); 413 over ``IMPORT_MAX_BYTES``."""
    if isinstance(request.data, bytes) or request.content_type.split(";")[0].strip().lower() == CSVParser.media_type:
        name, data = "upload.csv", request.data if isinstance(request.data, bytes) else b""
    else:
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise PayloadTooLarge(f"The file is {upload.size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,}.")
        name, data = upload.name, upload.read()
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(f"The file is over the limit of {settings.IMPORT_MAX_BYTES:,} bytes.")
    return name, data


class ImportListView(PortfolioView, generics.ListAPIView):
    serializer_class = ImportRecordSerializer
    write_action = "import"
    parser_classes = [parsers.MultiPartParser, CSVParser]

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.access.require("import")  # reading the imports is for importers too

    def get_queryset(self):
        if self.is_schema():
            return ImportRecord.objects.none()
        applied = ImportRecord.objects.filter(portfolio=self.portfolio).exclude(status=ImportStatus.PREVIEWED)
        mine = ImportRecord.objects.filter(portfolio=self.portfolio, user=self.request.user)
        return (applied | mine).select_related("user").defer("data", "changes", "backlog_state")

    @extend_schema(summary="Imports: the applied and undone ones, and your previews (PM)")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a CSV: preview what it would change (PM)",
        request={"multipart/form-data": ImportUploadSerializer, "text/csv": str},
        parameters=[OpenApiParameter("dry_run", bool, description="Only preview: do not keep the file to confirm.")],
        responses={201: ImportPreviewResponseSerializer, 200: ImportPreviewResponseSerializer},
    )
    def post(self, request, slug: str):
        name, data = _uploaded(request)
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        try:
            if dry_run:
                preview = csv_import.preview_of(
                    csv_import.plan_import(
                        self.portfolio,
                        csv_import.read_rows(data),
                        may_assess=csv_import.may_record_assessments(self.portfolio, request.user),
                    )
                )
                return Response({"record": None, "preview": PreviewSerializer(preview).data})
            record, preview = csv_import.preview_upload(
                portfolio=self.portfolio, user=request.user, filename=name, data=data
            )
        except csv_import.ImportErrors as exc:
            raise cell_errors(exc) from None
        body = {"record": ImportRecordSerializer(record).data, "preview": PreviewSerializer(preview).data}
        return Response(body, status=status.HTTP_201_CREATED)


class ImportActionView(PortfolioView):
    """Base of an action on one import of the portfolio (PMs)."""

    serializer_class = ImportRecordSerializer
    write_action = "import"
    http_method_names = ["post", "options"]


class ImportDetailView(PortfolioView):
    serializer_class = ImportRecordSerializer
    write_action = "import"
    http_method_names = ["get", "head", "options"]

    @extend_schema(summary="One import (PM)")
    def get(self, request, slug: str, import_id: int):
        self.access.require("import")
        record = ImportRecord.objects.filter(portfolio=self.portfolio, pk=import_id).first()
        if record is None or (record.status == ImportStatus.PREVIEWED and record.user_id != request.user.pk):
            raise Http404
        return Response(ImportRecordSerializer(record).data)


class ImportConfirmView(ImportActionView):
    @extend_schema(
        summary="Apply your previewed upload (PM)",
        request=None,
        responses={
            200: ImportRecordSerializer,
            409: OpenApiResponse(description="The backlog changed since the preview: a fresh preview to confirm"),
        },
    )
    def post(self, request, slug: str, import_id: int):
        try:
            record = csv_import.pending_preview(portfolio=self.portfolio, user=request.user, record_id=import_id)
        except csv_import.PreviewGone:
            raise Http404("No preview of yours with this id is waiting (confirmed already, or expired).") from None
        try:
            csv_import.confirm_preview(record=record, user=request.user)
        except csv_import.PreviewStale as stale:
            if stale.errors is not None:
                raise Conflict(str(stale), errors=cell_errors(stale.errors).detail) from None
            raise Conflict(str(stale), preview=PreviewSerializer(stale.preview).data) from None
        except csv_import.ImportErrors as exc:
            raise Conflict("The file no longer fits the backlog.", errors=cell_errors(exc).detail) from None
        return Response(ImportRecordSerializer(record).data)


class ImportUndoView(ImportActionView):
    @extend_schema(
        summary="Undo an applied import (PM)",
        request=None,
        responses={200: ImportRecordSerializer, 409: OpenApiResponse(description="Something newer touched it")},
    )
    def post(self, request, slug: str, import_id: int):
        try:
            record = csv_import.undo_import(portfolio=self.portfolio, user=request.user, record_id=import_id)
        except csv_import.PreviewGone:
            raise Http404 from None
        except csv_import.UndoRefused as refused:
            raise Conflict(str(refused)) from None
        return Response(ImportRecordSerializer(record).data)
