"""The flush between transactional tests on PostgreSQL (tests/database_flush.py): every table
emptied as Django's ``TRUNCATE`` empties it, the audit log and rows other tables point at
included, without truncating; sequences restarted only when the flush asks for it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.actor import Actor
from steward.core.models import AuditEntry, User
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import _reseed

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _rows() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - Django's table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _next_user_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('core_user', 'id'))")
        return cursor.fetchone()[0]


def _fill() -> None:
    """Rows in tables that reference each other (a team and its members, an incident, its
    audit entries: the append-only log refuses a DELETE unless its trigger is off)."""
    factories.agent(username="flush-agent")
    caller = factories.requester(username="flush-req")
    incident_create(Actor.system("t"), title="Flushed", description="d", caller=caller.username)
    assert AuditEntry.objects.exists()
    assert User.objects.count() >= 2


def test_flush_empties_every_table_without_truncating():
    _fill()
    with CaptureQueriesContext(connection) as queries:
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False,
                     inhibit_post_migrate=True)  # fmt: skip
    flushed = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in flushed if sql.lstrip().upper().startswith("TRUNCATE")]
    assert {table: n for table, n in _rows().items() if n} == {}
    # sequences keep counting, as after TRUNCATE without RESTART IDENTITY
    assert _next_user_id() > 2
    _reseed()


def test_flush_resetting_sequences_restarts_the_tables_own():
    _fill()
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert {table: n for table, n in _rows().items() if n} == {}
    assert _next_user_id() == 1
    _reseed()


def test_flush_is_not_left_in_replica_mode():
    """The role is set for the flush's own transaction only: afterwards the audit log's
    append-only trigger and the foreign keys are enforced again."""
    _fill()
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False,
                 inhibit_post_migrate=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    _reseed()
    caller = factories.requester(username="flush-again")
    incident_create(Actor.system("t"), title="Kept", description="d", caller=caller.username)
    entry = AuditEntry.objects.first()
    with pytest.raises(Exception, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
