"""The incident queue's quick actions as a person reads their answer (walkthrough 38): with
nothing ticked, "Assign selected to me" answered "0 updated." as if it had run and found
nothing to do; and a German agent read "0 updated. Not updated: …" in English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def test_nothing_ticked_is_said_and_nothing_changes(agent_user):
    made = incident_create(as_actor(agent_user), title="Projector broken")
    client = Client()
    client.force_login(agent_user)

    answer = client.post("/incidents/bulk/", {"action": "assign_me", "next": "/incidents/?"})

    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Tick the incidents to act on first: nothing was selected." in page
    assert "0 updated." not in page
    assert Incident.objects.get(pk=made.pk).assignee_id is None


def test_a_german_agent_reads_what_was_and_was_not_updated_in_german(german_agent):
    other = factories.TeamFactory(name="Netz", slug="netz", members=[factories.agent()])
    theirs = incident_create(as_actor(german_agent), title="Switch tot", team=other.slug)
    mine = incident_create(as_actor(german_agent), title="Drucker klemmt")
    client = Client()
    client.force_login(german_agent)

    answer = client.post(
        "/incidents/bulk/",
        {"action": "assign_me", "numbers": [theirs.number, mine.number], "next": "/incidents/?"},
        follow=True,
    )

    said = re.search(r'<ul class="messages">(.*?)</ul>', answer.content.decode(), re.S)
    assert said, "the queue says what was done"
    assert f"1 aktualisiert. Nicht aktualisiert: {theirs.number}: " in said.group(1)
    assert "updated" not in said.group(1)
