"""The journeys' demo loaded once per pytest-xdist run and copied to the other workers.

Every worker that reached the journeys loaded the demo into its own test database (about
10 s of CPU on SQLite, 10-14 s on PostgreSQL, decision 0058 and docs/testing.md "demo41"),
and again each time it came back to them after other files (``demo_site`` is
package-scoped: leaving the package tears it down). Now the first worker to need it loads it
as before and leaves a copy for the run; the others, and any worker coming back, replace
their test database with the copy, which takes a second or two:

- SQLite: the copy is a file in the run's shared temporary directory, made with the backup
  API from the in-memory test database; a copier backs it up into its own.
- PostgreSQL: the copy is a database (``CREATE DATABASE … TEMPLATE``), named after the run;
  a copier makes a database from it, drops its own test database and renames the new one
  to the old name, so a refusal leaves its database as it was and it loads the demo itself.
  The worker that made the copy drops it when its session ends (under the lock, with the
  note saying where it is: a worker needing the demo after that loads its own).

A file lock orders the workers: one that finds no copy yet waits for the one loading. The
copy is taken right after the load, before any journey has run, and every copier checks
that each table holds as many rows as the loader's did. The demo is built relative to now
(due dates, breaches, ages): a copy is as old as the load, as a worker's own demo ages
through its journeys; the journeys compare what a page shows with the database at the
same moment, never with the time of the load. Outside xdist nothing changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests import database_shared, database_templates


class Copies:
    """The run's demo copy, as one worker sees it: ``loaded(load)`` puts the demo in the
    test database, by copy or by ``load``; ``finish()`` at the session's end drops the
    PostgreSQL copy this worker made."""

    def __init__(self, shared: Path | None, run_id: str) -> None:
        from django.db import connection

        self.shared, self.run_id = shared, run_id
        self.vendor = connection.vendor
        if shared is not None:
            self.lock = shared / f"demo-{self.vendor}.lock"
            self.note = shared / f"demo-{self.vendor}.json"
        self.made: list[str] = []
        self.copied = 0  # how many times this worker took the copy (for the checks)

    def loaded(self, load: Callable[[], None]) -> None:
        if self.shared is None:
            load()
            return
        with database_shared.locked(self.lock):
            if self.note.exists():
                note = json.loads(self.note.read_text())
                if self._restore(note["where"]):
                    counts = _row_counts()
                    assert counts == note["rows"], _difference(note["rows"], counts)
                    self.copied += 1
                    return
            load()
            if not self.note.exists():
                where = self._copy()
                if where is not None:
                    self.note.write_text(json.dumps({"where": where, "rows": _row_counts()}))

    def finish(self) -> None:
        if self.made and self.vendor == "postgresql":
            from django.db import connection

            with database_shared.locked(self.lock):
                self.note.unlink(missing_ok=True)  # a worker needing it later loads its own
                database_templates.drop(connection, self.made[0])

    def _copy(self) -> str | None:
        """Copy the test database as the load left it; where the copy is, or None."""
        from django.db import connection

        where = database_shared.copy_database(
            connection, self.shared / "demo.sqlite3", f"steward_demo_{self.run_id}"[:63]
        )
        if where is not None and self.vendor == "postgresql":
            self.made.append(where)
        return where

    def _restore(self, where: str) -> bool:
        """Replace the test database with the copy; False (the database unchanged) when
        PostgreSQL refused."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from steward.core import stamps

        if self.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(where)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            name = str(connection.settings_dict["NAME"])
            new = f"{name}_demo"[:63]
            connection.close()
            try:
                database_templates.drop(connection, new)
                database_templates.create(connection, new, template=where)
            except Exception:  # noqa: BLE001 - load the demo instead
                return False
            database_templates.drop(connection, name)
            database_templates.rename(connection, new, name)
        # what this process remembers of the database it had: content types' ids (a flush
        # makes them anew) and the cache stamps (steward/core/stamps.py, forget)
        ContentType.objects.clear_cache()
        stamps.forget()
        return True


def copies(shared: Path) -> Copies:
    run_id = database_shared.run_id()
    return Copies(shared if run_id else None, run_id)


def _row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - the schema's names
            counts[table] = cursor.fetchone()[0]
    return counts


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    tables = sorted(set(expected) | set(found))
    differ = [t for t in tables if expected.get(t) != found.get(t)]
    return "the demo's copy differs from its load: " + ", ".join(
        f"{t} {expected.get(t)} != {found.get(t)}" for t in differ
    )
