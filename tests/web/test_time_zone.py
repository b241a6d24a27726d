"""Times are stored in UTC and shown in the user's own time zone, in the one format every
page uses (``1 Jun 2026 14:30``)."""

import datetime as dt

import pytest
from django.test import Client

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe/Berlin", "14:30"), ("America/New_York", "08:30"), ("", "12:30")],
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
    assert f">1 Jun 2026 {shown}</time>" in page
