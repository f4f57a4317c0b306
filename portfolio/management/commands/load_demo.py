"""``manage.py load_demo [--reset]``: load the demo portfolio and its users, then rank it synchronously."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from portfolio.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_USERS, demo_load
from portfolio.formatting import count_of
from roadmap.models import RecomputeState
from roadmap.services.recompute import portfolio_recompute


class Command(BaseCommand):
    help = (
        'Load the demo portfolio "Social platform ML" (about 30 projects) with the users owner, pm, em, lead and '
        "admin (password demo-pass-123, reset on every run), and compute its ranking. Running it again "
        "leaves an existing demo portfolio as it is; --reset deletes and reloads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo portfolio and load it afresh.")

    def handle(self, *args, reset: bool = False, **options):
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
        self._print_logins()

    def _print_logins(self) -> None:
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"\nOpen http://{host}:{port}/ and log in as (password {DEMO_PASSWORD} for all):")
        roles = {**{name: role.label.lower() for name, role in DEMO_USERS.items()}, DEMO_ADMIN: "superuser"}
        for username, role in roles.items():
            self.stdout.write(f"  {username:<6} {role}")
