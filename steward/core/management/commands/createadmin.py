"""``steward createadmin USERNAME``: an administrator, password from env or a prompt."""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.errors import DomainError
from steward.core.models import User
from steward.core.services import user_create


class Command(BaseCommand):
    help = "Create an administrator. Password from STEWARD_ADMIN_PASSWORD or a prompt."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        password = os.environ.get("STEWARD_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        try:
            user = user_create(
                Actor.system("createadmin"),
                username=username,
                password=password,
                email=email,
                roles=[Role.ADMIN, Role.AGENT],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}") from exc
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        stamps.bump(stamps.AUTH)  # QuerySet.update sends no signal
        self.stdout.write(self.style.SUCCESS(f"Administrator {username} created."))
