"""Chart downloads for a slide deck, as SVG or as PNG drawn on the server (``charts/deck.py`` frames both)."""

from django.http import HttpResponse

FORMATS = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}


def deck_download(framed_svg: str, *, filename: str, fmt: str) -> HttpResponse:
    """``framed_svg`` as an attachment named ``filename``.``fmt`` (``svg`` as it is, ``png`` rendered)."""
    from ..charts.deck import png_from_svg

    body = png_from_svg(framed_svg) if fmt == "png" else framed_svg
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
