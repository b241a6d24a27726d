"""``steward incidents_import FILE [--chunk N]``: create incidents from a JSON Lines file.

One JSON object per line with the fields of ``incidents_import`` (title, caller, impact,
urgency, team, assignee, status, opened_at, resolved_at, …). Every row is held to the
single create's rules; each chunk is one transaction (all of it or none), with its SLA
clocks, audit rows, outbox events and search index rows; progress after each chunk.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.incidents.services.bulk import incidents_import_chunks


def _rows(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise CommandError(f"line {number}: not a JSON object")
            yield row


class Command(BaseCommand):
    help = "Create incidents from a JSON Lines file, a chunk per transaction."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", help="JSON Lines: one incident object per line")
        parser.add_argument("--chunk", type=int, default=10_000, help="rows per transaction")

    def handle(self, *args, file: str, chunk: int, **options) -> None:  # noqa: ANN002, ANN003
        began = time.perf_counter()

        def progress(done: int) -> None:
            rate = done / max(time.perf_counter() - began, 1e-9)
            self.stdout.write(f"{done} incidents imported ({rate:.0f}/s)")

        try:
            done = incidents_import_chunks(
                Actor.system("import"), _rows(file), chunk=chunk, progress=progress
            )
        except ValidationFailed as exc:
            problems = "\n".join(f"  {k}: {'; '.join(v)}" for k, v in sorted(exc.fields.items()))
            raise CommandError(f"{exc}\n{problems}") from exc
        self.stdout.write(f"imported {done} incidents")
