"""Times are stored in UTC and shown in the user's own time zone."""

import datetime as dt

import pytest
from django.test import Client

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe/Berlin", "2:30 p.m."), ("America/New_York", "8:30 a.m."), ("", "12:30 p.m.")],
)
def test_incident_times_in_the_users_zone(agent_user, zone, shown):
    agent_user.time_zone = zone
    agent_user.save()
    incident = incident_create(as_actor(agent_user), title="x")
    Incident.objects.filter(pk=incident.pk).update(
        opened_at=dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.UTC)
    )
    client = Client()
    client.force_login(agent_user)
    page = client.get(f"/incidents/{incident.number}/").content.decode()
    assert f"June 1, 2026, {shown}" in page
