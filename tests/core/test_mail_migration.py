"""The old "sent once" rows survive the move to core's table, as sent mail."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("changes", "0003_change_problems")]
AFTER = [("changes", "0004_sent_once_moves_to_core")]


def test_approval_mails_already_sent_stay_sent():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_apps.get_model("changes", "ApprovalMail").objects.create(
        event_id=41, recipient="cab@example.com"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    [row] = new_apps.get_model("core", "OutgoingMail").objects.values(
        "key", "recipient", "kind", "sent_at"
    )
    assert (row["key"], row["recipient"], row["kind"]) == (
        "event:41",
        "cab@example.com",
        "approval_request",
    )
    assert row["sent_at"] is not None
