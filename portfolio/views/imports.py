"""CSV import of projects (PM): upload, every error listed by row and column, or the counts of what changed."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import csv_import
from ..forms.imports import ImportForm
from ..permissions import portfolio_access
from .common import page_context

TEMPLATE = "portfolio/import.html"
SAMPLE_CSV = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The upload page (GET ``?sample`` downloads the sample file); a refused file saves nothing."""
    access = portfolio_access(request.user, slug)
    access.require("import")
    if request.method in ("GET", "HEAD") and "sample" in request.GET:
        return FileResponse(
            SAMPLE_CSV.open("rb"), as_attachment=True, filename=SAMPLE_CSV.name, content_type="text/csv"
        )
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors: list[csv_import.CellError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = csv_import.import_csv(portfolio=access.portfolio, data=upload.read(), user=request.user)
        except csv_import.ImportErrors as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Imported “{upload.name}”: {result}")
            return redirect("portfolio:backlog", slug=slug)
    context = page_context(
        request,
        access,
        nav="import",
        form=form,
        errors=errors,
        columns=csv_import.COLUMN_DOCS,
        header=",".join(csv_import.COLUMNS),
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    return render(request, TEMPLATE, context)
