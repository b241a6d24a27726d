"""A copy of the migrated PostgreSQL test database, for the fault tests' own databases.

A fault test starts ``steward serve`` and ``steward worker`` on a database of their own
(tests/faults/harness.py). On SQLite that database is a copy of the run's migrated file; on
PostgreSQL it was an empty database that the test's first ``steward migrate`` took through
every migration, in a subprocess, once per fault test. ``copied`` takes the worker's test
database as pytest-django left it, migrated and before any test wrote to it, and copies it
with ``CREATE DATABASE … TEMPLATE`` (PostgreSQL copies the files); the fault tests make
their databases from that copy the same way, and their ``migrate`` finds nothing to do.
"""

from __future__ import annotations

import warnings


def _admin(connection, sql: str) -> None:  # noqa: ANN001 - Django's connection
    """Run ``sql`` outside the test database (``CREATE``/``DROP DATABASE`` cannot run in a
    transaction, nor with a session on the template), on the server's ``postgres`` database."""
    import psycopg

    settings = connection.settings_dict
    params = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": int(settings.get("PORT") or 5432),
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or "",
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql)


def name_for(test_database: str) -> str:
    return f"migrated_{test_database}"[:63]


def copied(connection) -> list[str]:  # noqa: ANN001 - Django's connection
    """The copy's name in a list; an empty list when no test database was set up, or when
    PostgreSQL refused to make the copy: the fault tests then migrate as before."""
    from steward.settings import _database

    source = str(connection.settings_dict["NAME"])
    if source == str(_database()["NAME"]):
        # pytest-django sets the test database up only for a run with tests that ask for it
        # (the fault tests alone do not): no copy, they migrate their own as before
        return []
    name = name_for(source)
    connection.close()  # a template may have no other session
    try:
        drop(connection, name)
        create(connection, name, template=source)
    except Exception as error:  # noqa: BLE001 - any refusal leaves the old way working
        warnings.warn(f"no migrated template for the fault tests: {error}", stacklevel=1)
        return []
    return [name]


def drop(connection, name: str) -> None:  # noqa: ANN001 - Django's connection
    _admin(connection, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(connection, name: str, *, template: str) -> None:  # noqa: ANN001
    _admin(connection, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def rename(connection, name: str, new_name: str) -> None:  # noqa: ANN001
    _admin(connection, f'ALTER DATABASE "{name}" RENAME TO "{new_name}"')
