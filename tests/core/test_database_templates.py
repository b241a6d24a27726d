"""The migrated PostgreSQL copy the fault tests' databases are made from
(tests/database_templates.py): every migration the test database has, the seeded rows, and a
database can be made from it while the tests run."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import database_templates

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

SEEDED = "SELECT count(*) FROM auth_group"  # the roles, seeded by core's migration 0002


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_database_made_from_the_copy_is_migrated(migrated_postgres):
    import psycopg

    assert migrated_postgres == database_templates.name_for(connection.settings_dict["NAME"])
    made = f"{migrated_postgres}_made"[:63]
    database_templates.drop(connection, made)
    database_templates.create(connection, made, template=migrated_postgres)
    try:
        settings = connection.settings_dict
        params = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432}
        params["user"] = settings["USER"] or "postgres"
        params["password"] = settings["PASSWORD"] or ""
        with psycopg.connect(dbname=made, **params) as copy:
            applied = copy.execute("SELECT app, name FROM django_migrations").fetchall()
            seeded = copy.execute(SEEDED).fetchone()[0]
    finally:
        database_templates.drop(connection, made)
    assert sorted(applied) == sorted(_rows("SELECT app, name FROM django_migrations"))
    assert seeded == _rows(SEEDED)[0][0] > 0
