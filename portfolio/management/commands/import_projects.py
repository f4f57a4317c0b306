"""``manage.py import_projects PATH --portfolio NAME_OR_SLUG [--create] [--as USERNAME] [--dry-run]``: import projects
from a CSV file, or print what the import would change."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from portfolio import services
from portfolio.csv_import import COLUMNS, ImportErrors, import_csv, plan_import, preview_of, read_rows
from portfolio.csv_import.planning import may_record_assessments
from portfolio.models import Membership, Portfolio
from portfolio.permissions import Access


class Command(BaseCommand):
    help = (
        "Create or update a portfolio's projects from a CSV file (columns: " + ",".join(COLUMNS) + "). "
        "The whole file is checked first; if any row is wrong, every error is printed as "
        '"row N, column C: message" and nothing is saved (not even a portfolio made by --create). '
        "A file of export_portfolio --format csv re-imports unchanged (its figure columns are skipped); at most "
        "IMPORT_MAX_ROWS rows. Without --as the operator imports and may set every column; with --as USERNAME the "
        "import is that user's (a PM of the portfolio, or a superuser): their role rules apply (only an EM records "
        "feasibility assessments) and the history names them."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The CSV file (UTF-8, comma-separated, header on row 1).")
        parser.add_argument("--portfolio", required=True, help="Name or slug of the portfolio to import into.")
        parser.add_argument("--create", action="store_true", help="Create the portfolio when it does not exist.")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Import as this user (recorded as the author; their role in the portfolio decides what they may set).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what the import would change, and save nothing."
        )

    def handle(self, *args, path: Path, portfolio: str, create=False, username=None, dry_run=False, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        user = _user(username)
        target = Portfolio.objects.filter(Q(slug=portfolio) | Q(name=portfolio)).first()
        if target is None and not create:
            raise CommandError(f'No portfolio named "{portfolio}"; pass --create to create it.')
        created = target is None
        try:
            with transaction.atomic():  # a refused file (or a dry run) leaves no new, empty portfolio behind
                if target is None:
                    target = services.portfolio_create(name=portfolio, owner=user)
                _may_import(user, target)
                if dry_run:
                    lines = _preview_lines(target, data, user)
                    transaction.set_rollback(True)
                else:
                    result = import_csv(portfolio=target, data=data, user=user)
        except ValidationError as exc:
            raise CommandError(f'Cannot create the portfolio "{portfolio}": {" ".join(exc.messages)}') from None
        except ImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path}: {len(exc.errors)} problem(s) found; nothing was imported.") from None
        if dry_run:
            for line in lines:
                self.stdout.write(line)
            self.stdout.write(f"Dry run: nothing was saved{' (and the portfolio was not created)' if created else ''}.")
            return
        if created:
            self.stdout.write(f'Created the portfolio "{target.name}" (slug {target.slug}).')
        self.stdout.write(self.style.SUCCESS(f'Imported {path} into "{target.name}": {result}'))


def _preview_lines(portfolio: Portfolio, data: bytes, user) -> list[str]:
    """What the import would change, a line each, as the upload page's preview shows it."""
    may_assess = may_record_assessments(portfolio, user)
    return preview_of(plan_import(portfolio, read_rows(data), may_assess=may_assess)).lines()


def _user(username: str | None):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f'No active user named "{username}".')
    return user


def _may_import(user, portfolio: Portfolio) -> None:
    """With --as, the user must be one who may import on the page: a PM of the portfolio, or a superuser."""
    if user is None or user.is_superuser:
        return
    role = Membership.objects.filter(user=user, portfolio=portfolio).values_list("role", flat=True).first()
    if role is None or not Access(portfolio, role).can("import"):
        raise CommandError(
            f'"{user.username}" may not import into "{portfolio.name}" '
            f"({'not a member' if role is None else f'role {role}'}); imports are for its product managers."
        )
