"""``incident.created`` for an incident that is not major (nearly all) is done from its
payload alone, without reading the incident (decisions 0061, 0067); an incident made major
before the row was dispatched is announced once, by its update's ``incident.made_major``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core import outbox
from steward.core.models import OutboxMessage, OutgoingMail
from steward.incidents import notifications
from steward.incidents.models import IncidentSettings
from steward.incidents.services import incident_create, incident_update

# no on_commit here: the rows stay pending until the test dispatches them
pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db):
    IncidentSettings.objects.update_or_create(pk=1, defaults={"major_incident_emails": "cio@x.org"})


def created_row(incident) -> OutboxMessage:
    return OutboxMessage.objects.get(topic="incident.created", object_id=incident.pk)


def test_every_create_says_whether_the_incident_is_major(agent_actor, told):
    calm = incident_create(agent_actor, title="Printer jam")
    major = incident_create(agent_actor, title="Power loss", is_major=True)
    assert created_row(calm).payload["is_major"] is False
    assert created_row(major).payload["is_major"] is True


def test_a_calm_incident_is_passed_over_without_a_read(agent_actor, told):
    row = created_row(incident_create(agent_actor, title="Printer jam"))
    with CaptureQueriesContext(connection) as captured:
        notifications.on_created(row)
    assert captured.captured_queries == []
    assert not OutgoingMail.objects.filter(kind="major_incident").exists()


def test_an_incident_made_major_before_dispatch_is_announced(agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    incident_update(agent_actor, number=incident.number, expected_version=None,
                    changes={"is_major": True})  # fmt: skip
    updated = OutboxMessage.objects.get(topic="incident.updated", object_id=incident.pk)
    assert "is_major" in updated.payload["changed"]
    assert created_row(incident).payload["is_major"] is False
    notifications.on_created(created_row(incident))  # dispatched late: not its to announce
    assert not OutgoingMail.objects.filter(kind="major_incident").exists()
    outbox.dispatch_pending()
    assert OutgoingMail.objects.filter(kind="major_incident", recipient="cio@x.org").count() == 1


def test_a_major_incident_is_announced(agent_actor, told):
    incident_create(agent_actor, title="Power loss", is_major=True)
    outbox.dispatch_pending()
    assert OutgoingMail.objects.filter(kind="major_incident", recipient="cio@x.org").count() == 1
