# ruff: noqa: N999 - Django names a command after its module, and the command is `import`
"""``steward import cmdb FILE --source NAME [--dry-run] [--format csv|json] [--user NAME]``.

Other apps add their own kinds without this module importing them: an app config with
``import_kinds = {"assets": "steward.assets.management.importer"}`` names a module with
``add_arguments(parser)`` and ``handle(command, *, actor, progress, **options)``
(``steward import assets FILE``)."""

from __future__ import annotations

import sys
import time
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from steward.cmdb.imports import ImportReport, import_file
from steward.cmdb.imports.reader import FORMATS, guess_format
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import DomainError
from steward.core.models import User

EXIT_ERRORS, EXIT_CONFLICTS = 1, 2
MAX_LISTED = 50


class Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.shown = 0.0

    def __call__(self, done: int, total: int, phase: str) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and done < total:
            return
        self.shown = now
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{phase:<9} [{bar}] {done}/{total}", ending="")
        self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("")


def plugged_kinds() -> dict[str, object]:
    """The import kinds other apps declare (``AppConfig.import_kinds``), by name."""
    kinds = {}
    for config in apps.get_app_configs():
        for kind, path in getattr(config, "import_kinds", {}).items():
            kinds[kind] = import_module(path)
    return kinds


def acting(user: str | None) -> Actor:
    """The system, or the named active user (whose rights the import then has)."""
    if not user:
        return Actor.system("import-command")
    found = User.objects.filter(username=user, is_active=True).first()
    if found is None:
        raise CommandError(f"no active user {user!r}")
    return Actor(user=found, channel=Channel.SYSTEM)


class Command(BaseCommand):
    help = "Import data: `import cmdb FILE --source NAME` reconciles CIs and relationships."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        cmdb = sub.add_parser("cmdb", help="CIs (CSV or JSON) or relationships (JSON, CSV)")
        cmdb.add_argument("file", help="a CSV file with a header row, or a JSON file")
        cmdb.add_argument("--source", required=True, help="import source, e.g. discovery")
        cmdb.add_argument("--dry-run", action="store_true", help="report the plan, write nothing")
        cmdb.add_argument("--format", choices=FORMATS, help="default: from the file name")
        cmdb.add_argument("--user", help="act as this user (an asset manager); default: the system")
        for kind, module in plugged_kinds().items():
            module.add_arguments(sub.add_parser(kind, help=module.__doc__.strip().splitlines()[0]))

    def handle(self, *args, kind, **options):
        actor = acting(options.pop("user", None))
        if kind != "cmdb":
            plugged_kinds()[kind].handle(
                self, actor=actor, progress=Progress(self.stderr), **options
            )
            return
        self._cmdb(actor, **options)

    def _cmdb(self, actor, *, file, source, dry_run, format, **options):  # noqa: A002
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        data = path.read_bytes()
        progress = Progress(self.stderr)
        try:
            report = import_file(
                actor,
                data,
                fmt=format or guess_format(path.name, data[:64]),
                source=source,
                dry_run=dry_run,
                progress=progress,
            )
        except DomainError as exc:
            problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(problems or exc.message) from exc
        finally:
            progress.end()
        self._print(report)
        if not report.ok:
            sys.exit(EXIT_ERRORS)
        if report.counts["conflict"] or report.counts["relationships_conflict"]:
            sys.exit(EXIT_CONFLICTS)

    def _print(self, report: ImportReport) -> None:
        counts = report.counts
        rows = [
            ("CIs created", counts["create"]),
            ("CIs updated", counts["update"]),
            ("CIs unchanged", counts["unchanged"]),
            ("CI conflicts", counts["conflict"]),
            ("relationships created", counts["relationships_create"]),
            ("relationships unchanged", counts["relationships_unchanged"]),
            ("relationship conflicts", counts["relationships_conflict"]),
            ("values kept by precedence", counts["skipped_values"]),
            ("errors", report.error_count),
        ]
        mode = "dry run" if report.dry_run else ("applied" if report.applied else "not applied")
        self.stdout.write(f"import from {report.source} ({mode}, {report.seconds:.2f} s)")
        for label, value in rows:
            self.stdout.write(f"  {label:<27}{value:>10}")
        if report.seconds and report.rows:
            rate = len(report.rows) / report.seconds
            self.stdout.write(f"  {'rows per second':<27}{rate:>10.0f}")
        for error in report.errors():
            where = f"{error.get('kind', 'ci')} row {error['row']}" if error["row"] else "file"
            self.stderr.write(f"{where}: {error['field']}: {error['message']}")
        if report.error_count > len(report.errors()):
            self.stderr.write(f"... and {report.error_count - len(report.errors())} more errors")
        conflicts = [r for r in report.rows if r.action == "conflict"]
        for row in conflicts[:MAX_LISTED]:
            self.stdout.write(f"conflict, {row.kind} row {row.row}: {row.message}")
        if len(conflicts) > MAX_LISTED:
            self.stdout.write(f"... and {len(conflicts) - MAX_LISTED} more conflicts")
        self.stdout.write(report.summary())
