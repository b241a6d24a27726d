"""Moving a database to an older migration and back, for the tests of a data migration.

Two ways, by what the step costs:

- ``migrate`` on the worker's test database: a test of a late migration (one or two steps
  back) unapplies every later migration that depends on its target, in any app;
  ``latest_schema_afterwards`` puts all of them back, so the tests run after it on the same
  worker find the schema they expect (a test that migrated forward only to its own migration
  left ``changes`` 0005-0008 unapplied for the rest of its worker's run).
- ``scratch_database`` with ``migrate_to_before``: a test of an early migration, far back
  (incidents 0009 unapplied 27 migrations in five apps, and put 24 of them back after the
  test), gets an empty database of its own instead, migrated forward to exactly the state the
  backward migration reached; the worker's test database is not touched, so nothing is put
  back (docs/testing.md, "suite42").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import database_templates


def migrate(target: list[tuple[str, str]], state: list[tuple[str, str]] | None = None):
    """Migrate the test database to ``target``; the apps (models) of ``state`` (default: the
    target's) as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(state or target).apps


def before(target: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every app's newest migration that Django's backward ``migrate(target)`` from the
    latest schema leaves applied: all but what it unapplies, the migrations after each
    target in its app and everything, in any app, that depends on them (the executor's own
    rule, ``MigrationExecutor.migration_plan``). That set holds its own dependencies, so
    migrating forward to its newest node in each app applies exactly it."""
    graph = MigrationExecutor(connection).loader.graph
    gone: set[tuple[str, str]] = set()
    for node in target:
        for child in graph.node_map[node].children:
            if child.key[0] == node[0]:
                gone.update(graph.backwards_plan(child.key))
    kept = set(graph.nodes) - gone
    return sorted(
        key
        for key in kept
        if not any(c.key in kept and c.key[0] == key[0] for c in graph.node_map[key].children)
    )


def migrate_to_before(target: list[tuple[str, str]], state: list[tuple[str, str]] | None = None):
    """On an empty database (``scratch_database``): migrate forward to what ``migrate(target)``
    would leave of the latest schema (``before``); the apps of ``state`` (default: the
    target's) as they were there."""
    return migrate(before(target), state or target)


@pytest.fixture
def scratch_database() -> Iterator[None]:
    """The test's default connection on an empty database of its own, without migrations;
    the worker's test database is given back, untouched, after the test. SQLite: a private
    in-memory database (the test database is in memory too, and closing its connection would
    lose it, so that connection is kept aside, not closed). PostgreSQL: a new database, dropped
    after. For a transactional test (migrations cannot run in the test's transaction on
    SQLite)."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core import stamps

    settings = connection.settings_dict
    name = settings["NAME"]
    scratch = f"scratch_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "sqlite":
        kept = connection.connection
        connection.connection = None
        settings["NAME"] = f"file:{scratch}?mode=memory&cache=shared"
    else:
        database_templates.create(connection, scratch, template="template1")
        connection.close()
        settings["NAME"] = scratch
    ContentType.objects.clear_cache()  # their ids are the database's
    stamps.forget()
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            if connection.connection is not None:
                connection.connection.close()  # the in-memory scratch database goes with it
            settings["NAME"] = name
            connection.connection = kept
        else:
            connection.close()
            settings["NAME"] = name
            database_templates.drop(connection, scratch)
        ContentType.objects.clear_cache()
        stamps.forget()


@pytest.fixture
def latest_schema_afterwards():
    """Leave the database at the latest migrations of every app."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
