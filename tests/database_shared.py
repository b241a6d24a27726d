"""One migration per run: pytest-xdist's workers copy the first worker's migrated database.

Each worker of a run (``make test`` starts three per database) made its own test database
by running every migration: about 14 s of CPU apiece before its first test, the same schema
each time. Here the first worker to set up migrates as before and leaves a copy of the
result in the run's shared temporary directory (SQLite: a file made with the backup API) or
on the server (PostgreSQL: ``CREATE DATABASE … TEMPLATE``); the workers after it make their
test database from that copy and run no migration. A file lock orders them: a worker that
finds no copy yet waits for the one making it.

The copy is made right after ``migrate`` and before anything else writes, and it lives only
as long as the run (the SQLite file in the run's temporary directory, the PostgreSQL
template dropped by the worker that made it when its session ends, its name carrying the
run's id): a later run, or CI on the same server, never starts from an earlier run's
schema. Outside xdist (one process) nothing changes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from tests import database_templates


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """The run's file lock ``path``, held exclusively (the workers take turns)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(connection, shared: Path, run_id: str) -> Callable[[], None]:  # noqa: ANN001
    """Make ``connection.creation.create_test_db`` copy the run's migrated database when a
    worker has made one, or migrate and make it; returns what to call at the session's end
    (drops the PostgreSQL copy this worker made)."""
    creation = connection.creation
    original = creation.create_test_db
    lock = shared / f"migrated-{connection.alias}.lock"
    ready = shared / f"migrated-{connection.alias}-{connection.vendor}.where"
    made: list[str] = []

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):  # noqa: ANN001, ANN202, FBT002
        if keepdb:
            return original(verbosity, autoclobber, serialize, keepdb)
        with locked(lock):
            if ready.exists():
                return _from_copy(connection, ready.read_text(), serialize=serialize)
            name = original(verbosity, autoclobber, serialize, keepdb)
            copy = copy_database(
                connection, shared / "migrated.sqlite3", f"steward_run_{run_id}"[:63]
            )
            if copy is not None:
                made.append(copy)
                ready.write_text(copy)
            return name

    creation.create_test_db = create_test_db

    def finish() -> None:
        del creation.create_test_db
        if made and connection.vendor == "postgresql":
            with locked(lock):
                ready.unlink(missing_ok=True)  # a worker setting up later migrates itself
                database_templates.drop(connection, made[0])

    return finish


def copy_database(connection, file: Path, name: str) -> str | None:  # noqa: ANN001
    """A copy of the connection's test database as it stands: the SQLite ``file`` (backup
    API) or the PostgreSQL database ``name`` (its template); where it is, or None when
    PostgreSQL refused (the other workers then do the work themselves)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(file)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return str(file)
    source = str(connection.settings_dict["NAME"])
    connection.close()  # a template may have no other session
    try:
        database_templates.drop(connection, name)
        database_templates.create(connection, name, template=source)
    except Exception:  # noqa: BLE001 - the others do the work themselves, as without a copy
        return None
    return name


def _from_copy(connection, copy: str, *, serialize: bool) -> str:  # noqa: ANN001
    """What ``create_test_db`` does, with the copy in place of ``migrate``."""
    from django.conf import settings
    from django.core.management import call_command

    creation = connection.creation
    name = creation._get_test_db_name()
    connection.close()
    if connection.vendor == "postgresql":
        database_templates.drop(connection, name)
        database_templates.create(connection, name, template=copy)
    else:
        creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.connect()  # closed above: a new connection, to the database just made
    if connection.vendor == "sqlite":
        source = sqlite3.connect(copy)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    call_command("createcachetable", database=connection.alias)
    return name


def run_id() -> str:
    """The xdist run's id, the same in each of its workers."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:16]
