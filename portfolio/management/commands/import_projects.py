"""``manage.py import_projects PATH --portfolio NAME_OR_SLUG [--create]``: import projects from a CSV file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from portfolio import services
from portfolio.csv_import import COLUMNS, ImportErrors, import_csv
from portfolio.models import Portfolio


class Command(BaseCommand):
    help = (
        "Create or update a portfolio's projects from a CSV file (columns: " + ",".join(COLUMNS) + "). "
        "The whole file is checked first; if any row is wrong, every error is printed as "
        '"row N, column C: message" and nothing is saved (not even a portfolio made by --create). '
        "A file of export_portfolio --format csv re-imports unchanged (its figure columns are skipped); at most "
        "IMPORT_MAX_ROWS rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The CSV file (UTF-8, comma-separated, header on row 1).")
        parser.add_argument("--portfolio", required=True, help="Name or slug of the portfolio to import into.")
        parser.add_argument("--create", action="store_true", help="Create the portfolio when it does not exist.")

    def handle(self, *args, path: Path, portfolio: str, create: bool = False, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        target = Portfolio.objects.filter(Q(slug=portfolio) | Q(name=portfolio)).first()
        if target is None and not create:
            raise CommandError(f'No portfolio named "{portfolio}"; pass --create to create it.')
        created = target is None
        try:
            with transaction.atomic():  # a refused file leaves no new, empty portfolio behind
                if created:
                    target = services.portfolio_create(name=portfolio)
                result = import_csv(portfolio=target, data=data)
        except ValidationError as exc:
            raise CommandError(f'Cannot create the portfolio "{portfolio}": {" ".join(exc.messages)}') from None
        except ImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path}: {len(exc.errors)} problem(s) found; nothing was imported.") from None
        if created:
            self.stdout.write(f'Created the portfolio "{target.name}" (slug {target.slug}).')
        self.stdout.write(self.style.SUCCESS(f'Imported {path} into "{target.name}": {result}'))
