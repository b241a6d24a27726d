"""An incident made major after it was opened announces itself, once per promotion, through
its own outbox row (``incident.made_major``), whichever path made it major (decision 0067)."""

import pytest

from steward.core import outbox
from steward.core.errors import PermissionDenied
from steward.core.models import AuditEntry, OutboxMessage, OutgoingMail
from steward.incidents import notifications
from steward.incidents.models import Incident, IncidentSettings
from steward.incidents.services import incident_create, incident_update
from tests import factories
from tests.conftest import as_actor

# no on_commit here: the rows stay pending until the test dispatches them
pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db):
    IncidentSettings.objects.update_or_create(pk=1, defaults={"major_incident_emails": "cio@x.org"})


def make_major(actor, incident, value=True):
    return incident_update(
        actor, number=incident.number, expected_version=None, changes={"is_major": value}
    )


def promotions(incident) -> list[dict]:
    rows = OutboxMessage.objects.filter(topic="incident.made_major", object_id=str(incident.pk))
    return [row.payload for row in rows.order_by("pk")]


def told_cio() -> int:
    return OutgoingMail.objects.filter(kind="major_incident", recipient="cio@x.org").count()


def test_making_an_incident_major_emits_its_promotion_with_the_change(agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    make_major(agent_actor, incident)
    incident.refresh_from_db()
    assert (incident.is_major, incident.major_promotions) == (True, 1)
    assert promotions(incident) == [
        {"number": incident.number, "promotion": 1, "by": agent_actor.user.pk}
    ]
    # the promotion in the record's history: who, when, from what to what
    entry = AuditEntry.objects.filter(object_id=str(incident.pk), action="update").get()
    assert (entry.actor_id, entry.changes["is_major"]) == (agent_actor.user.pk, [False, True])
    # a later edit of a major incident is no promotion
    incident_update(
        agent_actor, number=incident.number, expected_version=None, changes={"title": "Jam"}
    )
    assert len(promotions(incident)) == 1
    outbox.dispatch_pending()
    assert told_cio() == 1


def test_a_demotion_announces_nothing_and_a_promotion_again_announces_again(agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    make_major(agent_actor, incident)
    outbox.dispatch_pending()
    assert told_cio() == 1
    make_major(agent_actor, incident, False)
    outbox.dispatch_pending()
    assert told_cio() == 1
    assert Incident.objects.get(pk=incident.pk).major_promotions == 1
    make_major(agent_actor, incident)
    outbox.dispatch_pending()
    assert [p["promotion"] for p in promotions(incident)] == [1, 2]
    assert told_cio() == 2


def test_promotions_undone_before_dispatch_are_told_once(agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    make_major(agent_actor, incident)
    make_major(agent_actor, incident, False)
    make_major(agent_actor, incident)
    outbox.dispatch_pending()
    assert told_cio() == 1  # the first promotion's row finds it superseded by the second


def test_made_major_then_calm_before_dispatch_is_not_told(agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    make_major(agent_actor, incident)
    make_major(agent_actor, incident, False)
    outbox.dispatch_pending()
    assert told_cio() == 0


def test_created_major_and_edited_before_dispatch_is_told_once(agent_actor, told):
    incident = incident_create(agent_actor, title="Power loss", is_major=True)
    incident_update(
        agent_actor, number=incident.number, expected_version=None, changes={"urgency": 1}
    )
    outbox.dispatch_pending()
    assert told_cio() == 1
    assert promotions(incident) == []


def test_created_major_demoted_and_made_major_again_before_dispatch_is_told_once(agent_actor, told):
    incident = incident_create(agent_actor, title="Power loss", is_major=True)
    make_major(agent_actor, incident, False)
    make_major(agent_actor, incident)
    outbox.dispatch_pending()
    assert told_cio() == 1


def test_a_promotion_dispatched_twice_is_mailed_once(agent_actor, told):
    lead = factories.agent(username="lead9", email="lead9@x.org")
    team = factories.TeamFactory(slug="ops9", lead=lead)
    team.members.add(lead, agent_actor.user)
    incident = incident_create(agent_actor, title="Printer jam", team="ops9")
    make_major(agent_actor, incident)
    outbox.dispatch_pending()
    assert told_cio() == 1
    row = OutboxMessage.objects.get(topic="incident.made_major", object_id=str(incident.pk))
    # redelivered: at least once means a consumer may see the same row again
    OutboxMessage.objects.filter(pk=row.pk).update(dispatched_at=None)
    outbox.dispatch_pending()
    notifications.on_made_major(row)
    major = OutgoingMail.objects.filter(kind="major_incident")
    assert sorted(major.values_list("recipient", flat=True)) == ["cio@x.org", "lead9@x.org"]


def test_only_who_may_edit_it_may_make_it_major(requester_user, told):
    own = incident_create(as_actor(requester_user), title="My laptop")
    with pytest.raises(PermissionDenied):
        make_major(as_actor(requester_user), own)
    assert (Incident.objects.get(pk=own.pk).is_major, promotions(own)) == (False, [])


def test_made_major_through_the_api(agent_api, requester_api, agent_actor, requester_user, told):
    incident = incident_create(agent_actor, title="Printer jam", caller=requester_user.username)
    refused = requester_api.patch(f"/api/v1/incidents/{incident.number}", {"is_major": True})
    assert refused.status_code == 403, refused.content
    assert promotions(incident) == []
    patched = agent_api.patch(f"/api/v1/incidents/{incident.number}", {"is_major": True})
    assert (patched.status_code, patched.json()["is_major"]) == (200, True)
    assert [p["promotion"] for p in promotions(incident)] == [1]
    outbox.dispatch_pending()
    assert told_cio() == 1


def test_made_major_on_the_incident_page(web, agent_actor, told):
    incident = incident_create(agent_actor, title="Printer jam")
    page = web.get(f"/incidents/{incident.number}/").content.decode()
    assert 'name="is_major"' in page
    assert '<option value="False" selected>' in page
    form = {"version": incident.version, "impact": 3, "urgency": 3, "team": "", "assignee": ""}
    saved = web.post(f"/incidents/{incident.number}/update/", {**form, "is_major": "False"})
    assert saved.status_code == 303, saved.content
    assert promotions(incident) == []  # unchanged: nothing saved, nothing announced
    saved = web.post(f"/incidents/{incident.number}/update/", {**form, "is_major": "True"})
    assert saved.status_code == 303, saved.content
    assert Incident.objects.get(pk=incident.pk).is_major
    assert [p["promotion"] for p in promotions(incident)] == [1]
    outbox.dispatch_pending()
    assert told_cio() == 1
    page = web.get(f"/incidents/{incident.number}/").content.decode()
    assert "Major incident: No → Yes" in page  # the promotion in the timeline
