"""CSV import of projects (PM): upload, then a preview of every change (or every error by row and column), then
confirm; an applied import can be undone. The file is kept server-side between the steps (``csv_import.stored``)."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import csv_import
from ..forms.imports import ImportForm
from ..permissions import Access, portfolio_access
from .common import page_context

TEMPLATE = "portfolio/import.html"
SAMPLE_CSV = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The upload page (GET ``?sample`` downloads the sample file); an upload is previewed, never applied here."""
    access = portfolio_access(request.user, slug)
    access.require("import")
    if request.method in ("GET", "HEAD") and "sample" in request.GET:
        return FileResponse(
            SAMPLE_CSV.open("rb"), as_attachment=True, filename=SAMPLE_CSV.name, content_type="text/csv"
        )
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record, preview = csv_import.preview_upload(
                portfolio=access.portfolio, user=request.user, filename=upload.name, data=upload.read()
            )
        except csv_import.ImportErrors as exc:
            return _page(request, access, form=form, errors=exc.errors)
        return _page(request, access, record=record, preview=preview)
    return _page(request, access, form=form)


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """Apply the user's previewed upload, if nothing it was checked against changed since (else: 409, what changed
    and a fresh preview to confirm)."""
    access = portfolio_access(request.user, slug)
    access.require("import")
    try:
        record = csv_import.pending_preview(portfolio=access.portfolio, user=request.user, record_id=import_id)
    except csv_import.PreviewGone:
        messages.error(request, "That preview is no longer waiting: it was confirmed already or it expired.")
        return redirect("portfolio:import", slug=slug)
    try:
        csv_import.confirm_preview(record=record, user=request.user)
    except csv_import.PreviewStale as stale:
        if stale.errors is not None:
            return _page(request, access, errors=stale.errors.errors, stale=stale, status=409)
        return _page(request, access, record=record, preview=stale.preview, stale=stale, status=409)
    except csv_import.ImportErrors as exc:
        return _page(request, access, errors=exc.errors, status=409)
    messages.success(request, f"Imported “{record.filename}”: {record.summary} (the import page can undo it).")
    return redirect("portfolio:backlog", slug=slug)


@login_required
@require_POST
def import_undo(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """Undo an applied import as one change; refused (409) when something newer touched its projects."""
    access = portfolio_access(request.user, slug)
    access.require("import")
    try:
        record = csv_import.undo_import(portfolio=access.portfolio, user=request.user, record_id=import_id)
    except csv_import.PreviewGone:
        raise Http404 from None
    except csv_import.UndoRefused as refused:
        return _page(request, access, undo_refused=refused, status=409)
    messages.success(request, f"Undid the import of “{record.filename}”: {record.summary}")
    return redirect("portfolio:backlog", slug=slug)


def _page(request: HttpRequest, access: Access, *, form=None, status: int = 200, **extra) -> HttpResponse:
    context = page_context(
        request,
        access,
        nav="import",
        form=form or ImportForm(),
        columns=csv_import.COLUMN_DOCS,
        header=",".join(csv_import.COLUMNS),
        max_bytes=settings.IMPORT_MAX_BYTES,
        preview_minutes=settings.IMPORT_PREVIEW_MINUTES,
        may_assess=csv_import.may_record_assessments(access.portfolio, request.user),
        recent=csv_import.recent_imports(portfolio=access.portfolio),
        **extra,
    )
    return render(request, TEMPLATE, context, status=status)
