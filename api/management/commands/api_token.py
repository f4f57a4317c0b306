"""``manage.py api_token USERNAME [--read-only] [--name NAME]``: create an API token for a user and print it (its
last line is the token alone, for scripts: ``TOKEN=$(manage.py api_token pm | tail -n 1)``)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import tokens


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it on the last line (shown once: only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token may read but not change anything.")
        parser.add_argument("--name", default="Command line", help="What the token is for (shown on the profile page).")

    def handle(self, *args, username: str, read_only: bool = False, name: str = "Command line", **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f'No active user named "{username}".')
        try:
            issued = tokens.token_create(user=user, name=name, read_only=read_only)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        scope = "read-only" if read_only else "read-write"
        self.stdout.write(f"A {scope} API token for {username} (shown once; revoke it on the profile page):")
        self.stdout.write(issued.text)
