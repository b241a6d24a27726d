"""Incidents and their SLA clocks: started, paused, stopped, shown, filtered."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.incidents.selectors import incident_get, incident_list
from steward.incidents.services import incident_comment, incident_create, incident_update
from steward.sla.models import SlaClock

pytestmark = pytest.mark.django_db


def clocks(incident):
    return {c.kind: c for c in SlaClock.objects.filter(object_id=str(incident.pk))}


def test_clocks_start_with_the_incident(agent_actor, always_on):
    incident = incident_create(agent_actor, title="Server down", impact=1, urgency=1)
    started = clocks(incident)
    assert set(started) == {"response", "resolution"}
    assert started["resolution"].due_at - incident.opened_at.replace(microsecond=0) == dt.timedelta(
        minutes=240
    )


def test_on_hold_pauses_and_resuming_counts_again(agent_actor, agent_api, always_on):
    incident = incident_create(agent_actor, title="Waiting on user")
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={"status": "on_hold", "on_hold_reason": "awaiting_caller"},
    )
    assert {c.state for c in clocks(incident).values()} == {"paused"}
    shown = agent_api.get(f"/api/v1/incidents/{incident.number}").json()["sla"]
    assert [(c["paused"], c["due_at"]) for c in shown] == [(True, None), (True, None)]

    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={"status": "in_progress", "assignee": "agent1"},
    )
    resumed = clocks(incident)["resolution"]
    assert (resumed.state, resumed.paused_at) == ("running", None)


def test_first_reply_stops_response_and_resolve_stops_resolution(
    agent_actor, requester_user, always_on
):
    from tests.conftest import as_actor

    incident = incident_create(as_actor(requester_user), title="Mouse broken")
    incident_comment(agent_actor, number=incident.number, body="On my way.")
    assert clocks(incident)["response"].state == "stopped"
    assert clocks(incident)["resolution"].state == "running"
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={
            "status": "resolved",
            "resolution_code": "solved",
            "resolution_notes": "New mouse.",
        },
    )
    assert clocks(incident)["resolution"].state == "stopped"


def test_sla_is_in_the_api_and_breached_filter_finds_late_ones(agent_actor, agent_api, always_on):
    late = incident_create(agent_actor, title="Old one")
    fresh = incident_create(agent_actor, title="New one")
    SlaClock.objects.filter(object_id=str(late.pk), kind="resolution").update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    SlaClock.objects.filter(object_id=str(late.pk), kind="response").update(state="stopped")

    body = agent_api.get(f"/api/v1/incidents/{fresh.number}").json()
    [response, resolution] = body["sla"]
    assert (response["kind"], resolution["kind"]) == ("response", "resolution")
    assert resolution["paused"] is False
    assert 0 < resolution["time_left_seconds"] <= 240 * 60
    assert [i.number for i in incident_list(agent_actor, breached=True).items] == [late.number]
    assert [i.number for i in incident_list(agent_actor, breached=False).items] == [fresh.number]
    soon = incident_list(agent_actor, breaching_within=45).items
    assert {i.number for i in soon} == {fresh.number}


def test_sla_on_the_list_keeps_query_count_flat(agent_actor, agent_api, always_on):
    agent_api.get("/api/v1/incidents")  # warm per-process caches (content types)

    def count(n):
        for i in range(n):
            incident_create(agent_actor, title=f"t{i}")
        with CaptureQueriesContext(connection) as ctx:
            items = agent_api.get("/api/v1/incidents", {"limit": 100}).json()["items"]
        assert all(len(i["sla"]) == 2 for i in items)
        return len(ctx.captured_queries)

    assert count(2) == count(15)


def test_no_matching_policy_means_no_clocks(agent_actor):
    incident = incident_create(agent_actor, title="No SLA configured")
    assert incident_get(agent_actor, number=incident.number).sla_clocks == []


def test_breaching_soon_queue_and_badges(agent_actor, always_on):
    from django.test import Client

    soon = incident_create(agent_actor, title="Due soon")
    later = incident_create(agent_actor, title="Due later")
    SlaClock.objects.filter(object_id=str(later.pk)).update(
        due_at=timezone.now() + dt.timedelta(hours=5)
    )
    assert [i.number for i in incident_list(agent_actor, queue="breaching").items] == [soon.number]
    SlaClock.objects.filter(object_id=str(soon.pk), kind="response").update(breached=True)
    client = Client()
    client.force_login(agent_actor.user)
    page = client.get("/incidents/?queue=open").content.decode()
    assert 'class="sla breached"' in page
    detail = client.get(f"/incidents/{later.number}/").content.decode()
    assert "SLA resolution" in detail
    assert "Standard" in detail


def test_a_policy_naming_a_subcategory_applies_to_its_incidents(agent_actor, always_on):
    """The policy form offers subcategories (``Hardware › Monitor``), but only the category
    was matched: such a policy never applied. Now the category or the subcategory does."""
    from steward.core.actor import Actor
    from steward.sla import services as sla

    sla.policy_create(
        Actor.system("tests"),
        name="Monitors",
        slug="monitors",
        calendar="always",
        precedence=1,
        response_minutes=10,
        resolution_minutes=60,
        categories=["hardware-monitor"],
    )

    monitor = incident_create(
        agent_actor, title="Flicker", category="hardware", subcategory="hardware-monitor"
    )
    laptop = incident_create(
        agent_actor, title="Battery", category="hardware", subcategory="hardware-laptop"
    )

    assert clocks(monitor)["resolution"].policy.slug == "monitors"
    assert clocks(laptop)["resolution"].policy.slug == "standard"
    incident_update(
        agent_actor,
        number=laptop.number,
        expected_version=None,
        changes={"subcategory": "hardware-monitor"},
    )
    assert clocks(laptop)["resolution"].policy.slug == "monitors"
