"""Which tests the PostgreSQL run repeats (docs/testing.md, "Two runs, one suite").

`make test` runs the suite on SQLite and then again on PostgreSQL. A test that cannot reach
the database (parsing, hypothesis over pure functions, the architecture and docs checks, the
OpenAPI document) gives the same answer in both runs, so the PostgreSQL run leaves it out.

"Cannot reach the database" is decided from what pytest-django enforces, not from a list
kept by hand: in this process a test touches the test database only through a ``django_db``
marker, a fixture built on pytest-django's ``db``/``transactional_db``/``live_server``, a
fixture of ours that unblocks the database (``django_db_blocker``: the journeys' demo), or a
Django ``TransactionTestCase``; any other access fails with pytest-django's "Database access
not allowed" in the SQLite run. A database fixture asked for by name while the test runs
(``request.getfixturevalue("agent")``) is invisible at collection: the SQLite run fails such
a test (``check_no_database_asked``) until it says so statically (a ``django_db`` marker).
What the rule cannot see either is a test whose own processes or connections use the
configured database (tests/faults start ``steward`` on it): those carry the ``own_database``
marker and stay in both runs, as do ``postgres_only`` tests.
"""

from __future__ import annotations

# pytest-django's fixtures that give a test the database (each one requests _django_db_helper)
DATABASE_FIXTURES = frozenset(
    {
        "_django_db_helper",
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
    }
)
KEPT_MARKERS = ("django_db", "own_database", "postgres_only")


def _unblocks(item) -> bool:
    """A fixture of ours (not pytest-django's autouse ones) asks for the blocker itself."""
    defs = getattr(item, "_fixtureinfo", None)
    for fixturedefs in defs.name2fixturedefs.values() if defs else ():
        for fixturedef in fixturedefs:
            module = getattr(fixturedef.func, "__module__", "") or ""
            if not module.startswith("pytest_django") and "django_db_blocker" in (
                fixturedef.argnames
            ):
                return True
    return False


def touches_database(item) -> bool:
    if any(item.get_closest_marker(name) is not None for name in KEPT_MARKERS):
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        if issubclass(cls, TransactionTestCase):
            return True
    return _unblocks(item)


def once_only(items) -> list:
    """The tests the PostgreSQL run leaves to the SQLite run."""
    return [item for item in items if not touches_database(item)]


def check_no_database_asked(request) -> None:
    """After a test the rule leaves out of the PostgreSQL run: it must not have asked for the
    database by name while running, or the PostgreSQL run would miss a database test."""
    asked = DATABASE_FIXTURES & set(request.fixturenames)
    if asked and not touches_database(request.node):
        import pytest

        pytest.fail(
            f"{request.node.nodeid} asked for the database ({', '.join(sorted(asked))}) by "
            "name: mark it django_db, or tests/database_runs.py leaves it out of the "
            "PostgreSQL run",
            pytrace=False,
        )
