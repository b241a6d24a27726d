"""The journeys' demo organisation built once per run and copied to every pytest-xdist worker.

Each worker used to load ``steward demo`` into its own test database: 149 s per worker on
SQLite and 216 s on PostgreSQL in CI, four times over on two cores (decision 0058). Now the
first worker to reach the journeys builds it and saves a copy; the others, waiting on a file
lock meanwhile, replace their test database with that copy: SQLite's backup API (a consistent
copy whatever the journal left beside it) or PostgreSQL's ``CREATE DATABASE … TEMPLATE``.

A copy is only used when it checks out: every table's row count in the worker's database
after the copy must equal the builder's, or the journeys stop with both lists. Whatever goes
wrong before that (no copy yet, PostgreSQL refusing a template in use) falls back to what every
worker did before: build the demo itself.

After a copy the process forgets what it cached from its own database (the cache stamps,
Django's content types): the copy's rows carry the builder's ids and stamps, which its earlier
tests may have seen with other contents (steward/core/stamps.py, ``forget``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK = "journeys-demo.lock"
READY = "journeys-demo.json"  # the builder's row counts, written once its copy is complete
SQLITE_COPY = "journeys-demo.sqlite3"


def load_demo(run_dir: Path | None, build: Callable[[], None]) -> str:
    """Load the demo into this worker's test database, by ``build`` or as a copy of the one
    another worker built; says how: ``built`` (and saved for the others), ``copied`` or
    ``alone``. Outside pytest-xdist (``run_dir`` None) there is nobody to share with."""
    if run_dir is None:
        build()
        return "alone"
    with _locked(run_dir / LOCK):
        ready = run_dir / READY
        if ready.exists() and _copied(run_dir):
            expected = json.loads(ready.read_text())
            found = row_counts()
            assert found == expected, f"the demo's copy differs: {found} != {expected}"
            return "copied"
        build()
        if not ready.exists() and _saved(run_dir):
            ready.write_text(json.dumps(row_counts()))
        return "built"


def forget_copies(run_dir: Path) -> None:
    """At a worker's end: no copy outlives the run (PostgreSQL's is a database). A worker
    still to reach the journeys then builds its own, as it would without copies."""
    with _locked(run_dir / LOCK):
        if (run_dir / READY).exists():
            (run_dir / READY).unlink()
            _drop_template()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def row_counts() -> dict[str, int]:
    """Rows in every table of the test database: what a copy must show to be used."""
    from django.db import connection

    tables = sorted(connection.introspection.table_names(include_views=False))
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            counts[table] = cursor.fetchone()[0]
    return counts


def _saved(run_dir: Path) -> bool:
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        partial = run_dir / f"{SQLITE_COPY}.partial"
        copy = sqlite3.connect(partial)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        partial.replace(run_dir / SQLITE_COPY)
        return True
    own = connection.settings_dict["NAME"]
    # CREATE DATABASE … TEMPLATE wants no session on the template: ours closes; any other
    # (a thread an earlier test left connected) makes it fail, and the others build their own
    connection.close()
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(_template_name())}")
            cursor.execute(f"CREATE DATABASE {_quoted(_template_name())} TEMPLATE {_quoted(own)}")
    except Exception:  # noqa: BLE001 - the fallback is building, which is always right
        return False
    return True


def _copied(run_dir: Path) -> bool:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from steward.core import stamps

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(run_dir / SQLITE_COPY)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        # the copy under a new name first: if PostgreSQL refuses (a session still on our
        # database), ours is left as it was and the caller builds the demo in it
        own, fresh = connection.settings_dict["NAME"], f"{_template_name()}_new"
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(fresh)}")
            cursor.execute(f"CREATE DATABASE {_quoted(fresh)} TEMPLATE {_quoted(_template_name())}")
            try:
                cursor.execute(f"DROP DATABASE {_quoted(own)}")
            except Exception:  # noqa: BLE001 - the fallback is building, which is always right
                cursor.execute(f"DROP DATABASE {_quoted(fresh)}")
                return False
            cursor.execute(f"ALTER DATABASE {_quoted(fresh)} RENAME TO {_quoted(own)}")
    stamps.forget()
    ContentType.objects.clear_cache()
    return True


def _template_name() -> str:
    """One per test database prefix: ``test_x_gw0`` shares ``test_x_journeys_demo``."""
    from django.db import connection

    own = str(connection.settings_dict["NAME"])
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = own.removesuffix(f"_{worker}") if worker else own
    return f"{base}_journeys_demo"


def _drop_template() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(_template_name())}")


def _quoted(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)
