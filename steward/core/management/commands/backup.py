"""``steward backup [DIR]``: a consistent copy of the database and the attachments."""

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump for PostgreSQL) and the "
        "attachment files into DIR (default var/backups/<timestamp>)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default="")

    def handle(self, *args, directory, **options):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        target = Path(directory or settings.VAR_DIR / "backups" / stamp)
        target.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            database = self._sqlite(target)
        elif connection.vendor == "postgresql":
            database = self._postgres(target)
        else:
            raise CommandError(f"no backup method for {connection.vendor}")
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.copytree(media, target / "media", dirs_exist_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Backed up {database} and attachments to {target}"))

    def _sqlite(self, target: Path) -> str:
        # the online backup API copies a consistent snapshot while the server keeps writing
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target / "steward.sqlite3")
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
        return "the SQLite database"

    def _postgres(self, target: Path) -> str:
        db = settings.DATABASES["default"]
        env = {"PGPASSWORD": db.get("PASSWORD") or ""}
        command = [
            "pg_dump",
            "--format=custom",
            f"--file={target / 'steward.dump'}",
            "--host",
            db.get("HOST") or "localhost",
            "--port",
            str(db.get("PORT") or 5432),
            "--username",
            db.get("USER") or "postgres",
            db["NAME"],
        ]
        try:
            subprocess.run(  # noqa: S603 - our own settings, no shell
                command,
                check=True,
                env={**env, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
            )
        except FileNotFoundError as exc:
            raise CommandError("pg_dump is not installed") from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"pg_dump failed: {exc.stderr.strip()}") from exc
        return "the PostgreSQL database"
