"""Rows the old code gave up on (ten quick attempts) become dead letters on upgrade: visible to
an administrator, not sent as a burst of old mail by the first sweep.

The data step of core's migration 0005 is called on today's tables, which still have every
column it reads and writes. Migrating the schema back to core 0004 to run it for real took a
minute and a half of the suite: core is below every other app, so all of them were
unapplied and applied again; the test database's own setup runs the migration itself."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from steward.core.models import OutboxMessage, OutgoingMail

pytestmark = pytest.mark.django_db

migration = importlib.import_module("steward.core.migrations.0005_delivery_retries_and_leases")


def test_rows_given_up_before_the_upgrade_are_dead_letters_and_the_rest_stay_due():
    OutgoingMail.objects.create(key="event:1", recipient="a@example.com", kind="t", attempts=10)
    OutgoingMail.objects.create(key="event:2", recipient="b@example.com", kind="t", attempts=3)
    OutgoingMail.objects.create(
        key="event:3", recipient="c@example.com", kind="t", attempts=12, sent_at=timezone.now()
    )
    OutboxMessage.objects.create(topic="t", object_type="core.team", object_id="1", attempts=10)
    OutboxMessage.objects.create(topic="t", object_type="core.team", object_id="2", attempts=9)

    migration.dead_letter_the_given_up(apps, schema_editor=None)

    dead = dict(OutgoingMail.objects.values_list("key", "dead_at"))
    assert dead["event:1"] is not None
    assert dead["event:2"] is None
    assert dead["event:3"] is None  # sent: nothing to give up on
    events = dict(OutboxMessage.objects.values_list("object_id", "dead_at"))
    assert events["1"] is not None
    assert events["2"] is None
