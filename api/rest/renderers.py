"""A CSV renderer for the export's CSV endpoint (the view hands it the text); anything else it is given (an error's
problem document) is written as JSON."""

import json

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        text = data if isinstance(data, str) else json.dumps(data)
        return text.encode(self.charset)
