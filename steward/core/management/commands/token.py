"""``steward token create USERNAME [--scopes read,write] [--name N] [--days D]``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.models import User
from steward.core.services import token_create


class Command(BaseCommand):
    help = "Manage API tokens. `token create USERNAME` prints a new token once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it")
        create.add_argument("username")
        create.add_argument(
            "--scopes", default="read,write", help="comma-separated: read, write, admin"
        )
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=None, help="expires after N days")

    def handle(self, *args, action, username, scopes, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _, raw = token_create(
                Actor.system("token-command"),
                user=user,
                name=name,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                expires_at=expires,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}") from exc
        self.stdout.write(raw)
