"""Moving the test database to an older migration and back, for the tests of a data
migration. Such a test unapplies every later migration that depends on its target, in any
app; ``latest_schema_afterwards`` puts all of them back, so the tests run after it on the same
worker find the schema they expect (a test that migrated forward only to its own migration
left ``changes`` 0005-0008 unapplied for the rest of its worker's run)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target: list[tuple[str, str]], state: list[tuple[str, str]] | None = None):
    """Migrate the test database to ``target``; the apps (models) of ``state`` (default: the
    target's) as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(state or target).apps


@pytest.fixture
def latest_schema_afterwards():
    """Leave the database at the latest migrations of every app."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
