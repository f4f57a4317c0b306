"""Download a portfolio with its latest figures as JSON or CSV (any member)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from portfolio.permissions import portfolio_access

from ..export import export_csv, portfolio_export

CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@login_required
@require_safe
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The export as an attachment named ``<slug>.<fmt>``; 404 for a format other than json or csv."""
    access = portfolio_access(request.user, slug)
    if fmt not in CONTENT_TYPES:
        raise Http404("Export formats are json and csv.")
    document = portfolio_export(access.portfolio)
    if fmt == "json":
        body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    else:
        body = export_csv(document)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{access.portfolio.slug}.{fmt}"'
    return response
