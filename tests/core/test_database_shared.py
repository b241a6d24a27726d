"""A worker's test database made from the run's migrated copy (tests/database_shared.py) is
the database ``migrate`` makes: the same tables, the same migrations recorded, the same
seeded rows."""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests import database_shared, database_templates

ALIAS = "shared_check"


def _facts(wrapper) -> tuple[list[str], set, list]:  # noqa: ANN001 - a DatabaseWrapper
    tables = sorted(wrapper.introspection.table_names())
    applied = set(MigrationRecorder(wrapper).applied_migrations())
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT name FROM auth_group ORDER BY name")
        roles = [row[0] for row in cursor.fetchall()]
    return tables, applied, roles


@contextlib.contextmanager
def _second_connection() -> Iterator:
    """A connection of its own (alias ``shared_check``) whose test database name is free."""
    settings_dict = copy.deepcopy(connections.settings["default"])
    settings_dict["NAME"] = f"shared_check_{os.getpid()}"
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": None}
    if connection.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = f"file:shared_check_{os.getpid()}?mode=memory&cache=shared"
    connections.settings[ALIAS] = settings_dict
    settings.DATABASES[ALIAS] = settings_dict
    wrapper = connections[ALIAS]
    try:
        yield wrapper
    finally:
        wrapper.close()
        if connection.vendor == "postgresql":
            database_templates.drop(wrapper, wrapper.settings_dict["NAME"])
        del connections[ALIAS]
        connections.settings.pop(ALIAS, None)
        settings.DATABASES.pop(ALIAS, None)  # often the same dict as connections.settings


@pytest.mark.django_db
def test_a_database_made_from_the_copy_is_the_migrated_one(request, migrated_postgres):
    if connection.vendor == "sqlite":
        made_from = str(request.getfixturevalue("migrated_sqlite"))
    else:
        made_from = migrated_postgres
        assert made_from, "no migrated PostgreSQL template was made for this run"

    with _second_connection() as second:
        name = database_shared._from_copy(second, made_from, serialize=False)

        assert second.settings_dict["NAME"] == name
        tables, applied, roles = _facts(second)
        assert applied == set(MigrationLoader(None).disk_migrations)  # every one on disk
        assert "auth_group" in tables
        assert roles
        assert (tables, applied, roles) == _facts(connection)
