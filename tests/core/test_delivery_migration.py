"""Rows the old code gave up on (ten quick attempts) become dead letters on upgrade: visible to
an administrator, not sent as a burst of old mail by the first sweep."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0004_credentials_changed_at")]
AFTER = [("core", "0005_delivery_retries_and_leases")]


def test_rows_given_up_before_the_upgrade_are_dead_letters_and_the_rest_stay_due():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    mail = old.get_model("core", "OutgoingMail")
    mail.objects.create(key="event:1", recipient="a@example.com", kind="t", attempts=10)
    mail.objects.create(key="event:2", recipient="b@example.com", kind="t", attempts=3)
    event = old.get_model("core", "OutboxMessage")
    event.objects.create(topic="t", object_type="core.team", object_id="1", attempts=10)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    dead = dict(new.get_model("core", "OutgoingMail").objects.values_list("key", "dead_at"))
    [event_dead_at] = new.get_model("core", "OutboxMessage").objects.values_list(
        "dead_at", flat=True
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dead["event:1"] is not None
    assert dead["event:2"] is None
    assert event_dead_at is not None
