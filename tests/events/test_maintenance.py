"""Maintenance: an alert raised while its CI is under a scheduled change's window (or one
being implemented) is marked in maintenance and opens no incident; an event after the window
ends it, and the incident rule applies again (docs/events.md, decision 0095 amendment 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.changes import services as change_services
from steward.changes.choices import Status
from steward.changes.models import Change, ChangeCI
from steward.core.models import OutboxMessage
from steward.events.models import Alert
from steward.incidents.models import Incident
from tests.changes.conftest import move, scheduled
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.events.conftest import send

pytestmark = pytest.mark.django_db
NODE = "db01.example.com"


@pytest.fixture
def server(db):
    return make_ci("server", name="db01", attributes={"fqdn": NODE})


def change_on(actor, ci, *, start: dt.datetime, hours: int = 2, status: str = Status.SCHEDULED):
    """A change on ``ci`` walked to ``status`` through its services, planned a day ahead (a
    window may not be planned in the past), then its window moved to ``start``: as time
    passing would have it (the change and the window its CI rows copy)."""
    ahead = now() + dt.timedelta(days=1)
    change = change_services.change_create(
        actor,
        title="Patch db01",
        implementation_plan="apt upgrade",
        backout_plan="restore snapshot",
        test_plan="check service",
        planned_start=ahead,
        planned_end=ahead + dt.timedelta(hours=hours),
        cis=[ci.number],
    )
    change = scheduled(actor, None, change)
    if status == Status.IMPLEMENTATION:
        change = move(actor, change, Status.IMPLEMENTATION, start_early=True)
    window = {"planned_start": start, "planned_end": start + dt.timedelta(hours=hours)}
    Change.objects.filter(pk=change.pk).update(**window)
    ChangeCI.objects.filter(change=change).update(**window)
    return change


def now() -> dt.datetime:
    return timezone.now()


@pytest.mark.parametrize("status", [Status.SCHEDULED, Status.IMPLEMENTATION])
def test_an_alert_in_a_changes_window_opens_no_incident(monitor, agent_actor, server, status):
    change_on(agent_actor, server, start=now() - dt.timedelta(minutes=30), status=status)

    done = send(monitor, node=NODE, severity="critical")

    alert = Alert.objects.get(pk=done.alert.pk)
    assert alert.in_maintenance is True
    assert alert.incident is None
    assert not Incident.objects.exists()
    raised = OutboxMessage.objects.get(topic="alert.raised")
    assert raised.payload["in_maintenance"] is True


def test_outside_the_window_or_another_ci_the_incident_opens(monitor, agent_actor, server):
    other = make_ci("server", name="db02", attributes={"fqdn": "db02.example.com"})
    change_on(agent_actor, server, start=now() + dt.timedelta(hours=1))  # not yet
    change_on(agent_actor, other, start=now() - dt.timedelta(minutes=5))  # another CI

    done = send(monitor, node=NODE, severity="critical")

    assert done.alert.in_maintenance is False
    assert done.alert.incident is not None


def test_a_change_not_scheduled_is_no_maintenance(monitor, agent_actor, server):
    change = change_on(agent_actor, server, start=now() - dt.timedelta(minutes=5))
    Change.objects.filter(pk=change.pk).update(status=Status.AUTHORIZATION)
    ChangeCI.objects.filter(change=change).update(holds_window=False)  # as the service keeps it

    done = send(monitor, node=NODE, severity="critical")

    assert done.alert.in_maintenance is False
    assert done.alert.incident is not None


def test_an_event_after_the_window_ends_maintenance_and_opens_the_incident(
    monitor, agent_actor, server
):
    change = change_on(agent_actor, server, start=now() - dt.timedelta(minutes=30))
    first = send(monitor, node=NODE, severity="critical").alert
    during = send(monitor, node=NODE, severity="critical").alert
    assert (during.in_maintenance, during.incident_id) == (True, None)
    ChangeCI.objects.filter(change=change).update(planned_end=now() - dt.timedelta(seconds=1))

    after = send(monitor, node=NODE, severity="critical").alert

    assert after.pk == first.pk
    alert = Alert.objects.get(pk=first.pk)
    assert alert.in_maintenance is False
    assert alert.incident is not None
    assert OutboxMessage.objects.filter(topic="alert.maintenance_ended").count() == 1


def test_the_api_and_the_console_show_it(monitor, agent_actor, agent_user, server, client):
    change_on(agent_actor, server, start=now() - dt.timedelta(minutes=30))
    alert = send(monitor, node=NODE, severity="critical").alert
    api = api_client_for(agent_user)
    client.force_login(agent_user)

    listed = api.get("/api/v1/alerts").json()["items"][0]
    page = client.get(f"/events/{alert.pk}/").content.decode()
    console = client.get("/events/").content.decode()

    assert listed["in_maintenance"] is True
    assert "raised in maintenance" in page
    assert "Maintenance" in console
