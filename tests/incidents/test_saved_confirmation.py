"""Save and Resolve on an incident's page say that they worked: the page the redirect loads
carries the confirmation in the list screen readers announce (role="status"), in the
reader's language; a refused form says nothing of the kind."""

from __future__ import annotations

import re

import pytest

from steward.incidents.services import incident_create, incident_take
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _status(html: bytes) -> list[str]:
    """The texts of the page's role="status" message list."""
    found = re.search(rb'<div role="status"><ul class="messages">(.*?)</ul></div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1).decode()) if found else []


def _form(incident, **changes) -> dict:
    return {
        "version": incident.version,
        "team": incident.team.slug if incident.team else "",
        "assignee": incident.assignee.username if incident.assignee else "",
        "impact": incident.impact,
        "urgency": incident.urgency,
        **changes,
    }


@pytest.fixture
def taken(agent_user, desk, requester_user):
    incident = incident_create(as_actor(requester_user), title="Monitor flickers")
    return incident_take(as_actor(agent_user), number=incident.number)


def test_save_confirms_on_the_page_it_leads_to(web, taken):
    saved = web.post(f"/incidents/{taken.number}/update/", _form(taken, urgency=1), headers=HTMX)
    assert saved.status_code == 204
    page = web.get(saved["HX-Redirect"])  # the browser loads the page htmx was sent to
    assert _status(page.content) == [f"{taken.number} saved."]
    assert _status(web.get(f"/incidents/{taken.number}/").content) == []  # said once
    # a refused save (a stale version) says nothing of the kind
    refused = web.post(f"/incidents/{taken.number}/update/", _form(taken, version=0))
    assert refused.status_code == 422
    assert _status(refused.content) == []
    assert _status(web.get(f"/incidents/{taken.number}/").content) == []


def test_resolve_confirms_without_javascript_too(web, taken):
    resolved = web.post(
        f"/incidents/{taken.number}/update/",
        _form(
            taken,
            status="resolved",
            resolution_code="solved",
            resolution_notes="Replaced the DisplayPort cable.",
        ),
        follow=True,
    )
    assert resolved.redirect_chain[-1][1] == 303
    assert _status(resolved.content) == [f"{taken.number} resolved."]


def test_another_move_names_the_new_status(web, taken):
    held = web.post(
        f"/incidents/{taken.number}/update/",
        _form(taken, status="on_hold", on_hold_reason="awaiting_caller"),
        follow=True,
    )
    assert _status(held.content) == [f"{taken.number} saved: now On hold."]


def test_the_confirmation_is_in_the_readers_language(web, agent_user, taken):
    agent_user.language = "de"
    agent_user.save(update_fields=["language"])
    resolved = web.post(
        f"/incidents/{taken.number}/update/",
        _form(taken, status="resolved", resolution_code="solved", resolution_notes="Kabel"),
        follow=True,
    )
    assert _status(resolved.content) == [f"{taken.number} gelöst."]
