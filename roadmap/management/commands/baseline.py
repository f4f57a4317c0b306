"""``manage.py baseline --portfolio NAME_OR_SLUG --name LABEL``: mark the current figures as a review baseline."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portfolio import selectors as portfolio_selectors
from roadmap.services.baselines import baseline_mark


class Command(BaseCommand):
    help = (
        "Mark a portfolio's latest ranking and roadmap, with the inputs they were computed from, as a review "
        "baseline called LABEL; 'changes --since LABEL' then explains every move since."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portfolio", required=True, metavar="NAME_OR_SLUG", help="The portfolio's slug or name.")
        parser.add_argument("--name", required=True, metavar="LABEL", help='The baseline\'s name, e.g. "Q1 planning".')
        parser.add_argument("--user", metavar="USERNAME", help="Who marks it (recorded with it); default nobody.")

    def handle(self, *args, portfolio: str, name: str, user: str | None = None, **options):
        found = portfolio_selectors.portfolio_by_name_or_slug(portfolio)
        if found is None:
            raise CommandError(f'No portfolio has the slug or name "{portfolio}".')
        who = None
        if user:
            who = get_user_model().objects.filter(username=user).first()
            if who is None:
                raise CommandError(f'No user is called "{user}".')
        try:
            baseline = baseline_mark(portfolio=found, name=name, user=who)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        snapshot = baseline.snapshot
        self.stdout.write(
            self.style.SUCCESS(f'Marked "{baseline.name}" in "{found.name}": ')
            + f"input version {snapshot.input_version}, computed {snapshot.computed_at:%Y-%m-%d %H:%M}, "
            f"seed {snapshot.seed}, {snapshot.trials} trials."
        )
