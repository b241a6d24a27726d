"""The old "sent once" rows survive the move to core's table, as sent mail."""

import pytest

from tests.migration_steps import migrate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("changes", "0003_change_problems")]
AFTER = [("changes", "0004_sent_once_moves_to_core")]


def test_approval_mails_already_sent_stay_sent():
    old_apps = migrate(BEFORE)
    old_apps.get_model("changes", "ApprovalMail").objects.create(
        event_id=41, recipient="cab@example.com"
    )

    new_apps = migrate(AFTER)
    [row] = new_apps.get_model("core", "OutgoingMail").objects.values(
        "key", "recipient", "kind", "sent_at"
    )
    assert (row["key"], row["recipient"], row["kind"]) == (
        "event:41",
        "cab@example.com",
        "approval_request",
    )
    assert row["sent_at"] is not None
