"""Reopening a resolved incident takes a reason: refused (422, naming ``reason``) without
one, on the page and over the API; given, it is a reply in the activity the agent reads and
the note of the move's audit entry."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from steward.core.models import AuditEntry, Comment
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_update
from tests.web.html import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(requester_actor, agent_actor, agent_user):
    incident = incident_create(requester_actor, title="Mail bounces")
    return incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={
            "assignee": agent_user.username,
            "status": "resolved",
            "resolution_code": "solved",
            "resolution_notes": "Quota raised.",
        },
    )


def _comments(incident):
    ct = ContentType.objects.get_for_model(Incident)
    return list(Comment.objects.filter(content_type=ct, object_id=str(incident.pk)))


def test_the_caller_says_why_she_reopens_and_the_agent_reads_it(requester_user, web, resolved):
    me = Client()
    me.force_login(requester_user)
    url = f"/incidents/{resolved.number}/"
    page = me.get(url).content.decode()
    assert elements(page, "textarea", name="reason")  # asked beside the Reopen button

    refused = me.post(f"{url}update/", {"version": resolved.version, "status": "in_progress"})
    assert refused.status_code == 422
    assert "say why you reopen it" in refused.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == "resolved"

    moved = me.post(
        f"{url}update/",
        {"version": resolved.version, "status": "in_progress", "reason": "Still bounces."},
    )
    assert moved.status_code == 303, moved.content[:2000]
    resolved.refresh_from_db()
    assert resolved.status == "in_progress"
    assert [(c.body, c.internal) for c in _comments(resolved)] == [
        ("Reopened: Still bounces.", False)
    ]
    ct = ContentType.objects.get_for_model(Incident)
    moves = AuditEntry.objects.filter(content_type=ct, object_id=str(resolved.pk))
    entry = moves.order_by("-pk").first()
    assert entry.changes["reason"] == [None, "Still bounces."]
    assert entry.changes["status"] == ["resolved", "in_progress"]
    assert "Reopened: Still bounces." in web.get(url).content.decode()  # the agent's page


def test_the_api_reopen_takes_a_reason(requester_api, resolved):
    url = f"/api/v1/incidents/{resolved.number}"
    refused = requester_api.patch(url, {"status": "in_progress"})
    assert refused.status_code == 422, refused.content
    assert list(refused.json()["error"]["fields"]) == ["reason"]
    blank = requester_api.patch(url, {"status": "in_progress", "reason": "  "})
    assert list(blank.json()["error"]["fields"]) == ["reason"]
    moved = requester_api.patch(url, {"status": "in_progress", "reason": "Still bounces."})
    assert moved.status_code == 200, moved.content
    assert [c.body for c in _comments(resolved)] == ["Reopened: Still bounces."]


def test_a_reason_is_refused_on_any_other_change(agent_api, resolved):
    response = agent_api.patch(
        f"/api/v1/incidents/{resolved.number}", {"status": "closed", "reason": "Done."}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["reason"]
