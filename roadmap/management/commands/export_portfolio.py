"""``manage.py export_portfolio --portfolio NAME_OR_SLUG --format json|csv [--output PATH]``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from portfolio import selectors as portfolio_selectors
from roadmap.export import export_csv, portfolio_export


class Command(BaseCommand):
    help = (
        "Export a portfolio's projects with the figures of its latest ranking, as JSON or as CSV (the CSV "
        "starts with the import's columns, so it re-imports). Writes to stdout unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portfolio", required=True, metavar="NAME_OR_SLUG", help="The portfolio's slug or name.")
        parser.add_argument(
            "--format", choices=("json", "csv"), default="json", dest="fmt", help="json (default) or csv."
        )
        parser.add_argument("--output", metavar="PATH", help="File to write; stdout by default.")

    def handle(self, *args, portfolio: str, fmt: str, output: str | None, **options):
        found = portfolio_selectors.portfolio_by_name_or_slug(portfolio)
        if found is None:
            raise CommandError(f'No portfolio has the slug or name "{portfolio}".')
        document = portfolio_export(found)
        if fmt == "json":
            text = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n"
        else:
            text = export_csv(document)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f'Wrote {len(document["projects"])} projects of "{found.name}" to {output}.')
