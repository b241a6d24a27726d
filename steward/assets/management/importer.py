"""Assets from a CSV file (the web import's columns), all or nothing.

``steward import assets FILE [--dry-run] [--user NAME]``: the same service as the web
import (``import_asset_file``), so the same per-row errors; a progress bar on stderr while
rows are checked and written; exit status 1 when any row is refused (nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from steward.assets.services import import_asset_file
from steward.core.errors import DomainError

EXIT_ERRORS = 1


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", help="a CSV file with a header row (docs/assets.md#import)")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument("--user", help="act as this user (an asset manager); default: the system")


def handle(command: Any, *, actor: Any, progress: Any, file: str, dry_run: bool, **_: Any) -> None:
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"no file {file}")
    try:
        report = import_asset_file(actor, path.read_bytes(), dry_run=dry_run, progress=progress)
    except DomainError as exc:
        problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items())
        raise CommandError(problems or exc.message) from exc
    finally:
        progress.end()
    mode = "dry run" if report.dry_run else ("applied" if report.applied else "not applied")
    out = command.stdout
    out.write(f"import of assets from {path.name} ({mode}, {report.seconds:.2f} s)")
    out.write(f"  {'assets to create':<27}{report.counts['create']:>10}")
    out.write(f"  {'errors':<27}{report.error_count:>10}")
    if report.seconds and report.rows:
        out.write(f"  {'rows per second':<27}{len(report.rows) / report.seconds:>10.0f}")
    listed = report.errors()
    for error in listed:
        where = f"row {error['row']}" if error["row"] else "file"
        command.stderr.write(f"{where}: {error['field']}: {error['message']}")
    if report.error_count > len(listed):
        command.stderr.write(f"... and {report.error_count - len(listed)} more errors")
    out.write(report.summary())
    if not report.ok:
        sys.exit(EXIT_ERRORS)
