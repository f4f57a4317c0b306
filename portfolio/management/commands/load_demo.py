"""``manage.py load_demo [--reset] [--i-know-this-is-production]``: load the demo portfolio and its users, then
rank it synchronously.

The demo's logins have a published password, so the command refuses to run with DEBUG off (a production
database, most likely) unless told ``--i-know-this-is-production``, and it never changes an existing account:
a demo user is created only when no account of that name exists.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portfolio.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_USERS, DemoUser, demo_load
from portfolio.formatting import count_of
from roadmap.models import RecomputeState
from roadmap.services.recompute import portfolio_recompute

PRODUCTION_FLAG = "--i-know-this-is-production"


class Command(BaseCommand):
    help = (
        'Load the demo portfolio "Social platform ML" (about 30 projects) with the users owner, pm, em, lead and '
        f"admin (password {DEMO_PASSWORD}; created only when no account of that name exists, an existing one is "
        "never changed), and compute its ranking. Running it again leaves an existing demo portfolio as it is; "
        f"--reset deletes and reloads it. With DEBUG off it refuses to run unless given {PRODUCTION_FLAG}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo portfolio and load it afresh.")
        parser.add_argument(
            PRODUCTION_FLAG,
            action="store_true",
            dest="production",
            help="Run even though DEBUG is off (a production database): creates missing demo logins with the "
            "published password.",
        )

    def handle(self, *args, reset: bool = False, production: bool = False, **options):
        if not settings.DEBUG and not production:
            raise CommandError(
                "DEBUG is off, so this looks like a production database. load_demo creates the logins pm, em, lead "
                f"and admin (a superuser) with the published password {DEMO_PASSWORD} where they do not exist. "
                f"Run it with DEBUG=true on a laptop, or pass {PRODUCTION_FLAG} if that is really what you want."
            )
        with transaction.atomic():
            result = demo_load(reset=reset)
            # Every write of the load announces an input change once this block commits. Mark the
            # recompute as queued so those announcements send no task (in-process, each would run
            # the ranking again; with a broker, each would publish); it is computed just below.
            RecomputeState.objects.update_or_create(
                portfolio=result.portfolio, defaults={"queued": True, "queued_at": timezone.now()}
            )
        snapshot = portfolio_recompute(portfolio_id=result.portfolio.pk)
        portfolio = result.portfolio
        counted = count_of(portfolio.projects.count(), "project")
        if result.created:
            self.stdout.write(self.style.SUCCESS(f'Loaded the demo portfolio "{portfolio.name}": {counted}.'))
        else:
            self.stdout.write(
                f'The demo portfolio "{portfolio.name}" is already there ({counted}); left as it is '
                "(--reset reloads it)."
            )
        if snapshot is not None:
            self.stdout.write(
                f"Ranking computed: input version {snapshot.input_version}, {snapshot.trials:,} trials, "
                f"seed {snapshot.seed}."
            )
        self._print_logins(result.users)

    def _print_logins(self, users: tuple[DemoUser, ...]) -> None:
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"\nOpen http://{host}:{port}/ and log in as:")
        roles = {**{name: role.label.lower() for name, role in DEMO_USERS.items()}, DEMO_ADMIN: "superuser"}
        for user in users:
            role = roles[user.username] if user.username != DEMO_ADMIN or user.is_superuser else "not a superuser"
            if user.created:
                self.stdout.write(f"  {user.username}: created, password {DEMO_PASSWORD} ({role})")
            else:
                password = "the demo password works" if user.demo_password_works else "its own password"
                self.stdout.write(f"  {user.username}: an existing account, left as it is ({password}; {role})")
