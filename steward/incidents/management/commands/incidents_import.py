"""``steward incidents_import FILE [--chunk N]``: create incidents from a JSON Lines file.

One JSON object per line with the fields of ``incidents_import`` (title, caller, impact,
urgency, team, assignee, status, opened_at, resolved_at, …, and optionally
external_source and external_id: the source system's key for the row). Every row is held
to the single create's rules; each chunk is one transaction (all of it or none), with its
SLA clocks, audit rows, outbox events and search index rows; progress after each chunk.
A row whose external reference is already an incident's is skipped and counted, so the
whole file may be run again after a failure (decision 0094); rows without one are
written each time.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.incidents.services.bulk import Totals, incidents_import_chunks
from steward.incidents.services.external import Skipped

SURROGATE = re.compile("[\ud800-\udfff]")  # left after json.loads joined the valid pairs
JSON_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # how JSON writes one, paired or not


def _lines(path: str) -> Iterator[tuple[int, str]]:
    """The file's lines, numbered; a line that is not UTF-8 is named, not a traceback."""
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(f"line {number}: not UTF-8 (byte {exc.start + 1})") from exc


def _rows(path: str) -> Iterator[dict]:
    for number, line in _lines(path):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise CommandError(f"line {number}: not a JSON object")
        # a NUL is never text Steward keeps (PostgreSQL refuses it mid-chunk), nor a lone
        # surrogate (JSON writes one, "\ud800"; UTF-8 and so no database driver can
        # take it: a UnicodeEncodeError mid-chunk on both); each named here. The line is
        # looked at first: a surrogate is only there as an escape in it
        escaped = JSON_SURROGATE.search(line) is not None
        for key, value in row.items():
            if "\x00" in key or (isinstance(value, str) and "\x00" in value):
                raise CommandError(f"line {number}: {key!r} holds a NUL character")
            if escaped and (
                SURROGATE.search(key) or (isinstance(value, str) and SURROGATE.search(value))
            ):
                name = key.encode("utf-8", "backslashreplace").decode()
                raise CommandError(
                    f"line {number}: {name!r} holds a lone surrogate (text that is not"
                    " valid Unicode)"
                )
        yield row


class Command(BaseCommand):
    help = "Create incidents from a JSON Lines file, a chunk per transaction."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", help="JSON Lines: one incident object per line")
        parser.add_argument("--chunk", type=int, default=10_000, help="rows per transaction")

    def handle(self, *args, file: str, chunk: int, **options) -> None:  # noqa: ANN002, ANN003
        began, verbosity = time.perf_counter(), options.get("verbosity", 1)

        def progress(totals: Totals, skipped: list[Skipped]) -> None:
            rate = totals.read / max(time.perf_counter() - began, 1e-9)
            if verbosity >= 2:
                for row in skipped:
                    self.stdout.write(
                        f"row {row.row}: skipped, {row.source or '(no source)'}"
                        f" {row.external_id!r} is {row.number}"
                    )
            self.stdout.write(
                f"{totals.imported} incidents imported, {totals.skipped} skipped"
                f" of {totals.read} rows ({rate:.0f}/s)"
            )

        try:
            totals = incidents_import_chunks(
                Actor.system("import"), _rows(file), chunk=chunk, progress=progress
            )
        except ValidationFailed as exc:
            problems = "\n".join(f"  {k}: {'; '.join(v)}" for k, v in sorted(exc.fields.items()))
            raise CommandError(f"{exc}\n{problems}") from exc
        self.stdout.write(
            f"imported {totals.imported} incidents; skipped {totals.skipped} rows already"
            f" imported (their external_id); {totals.read} rows read"
        )
