"""An incident's external reference (decision 0094) is shown: in the API's answers (the
rows written directly, decision 0084, and the model path alike), on the agent's page among
the facts when it has one, and in the audit of its creation."""

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from tests.incidents.test_api import new

pytestmark = pytest.mark.django_db


def _created_audit(number):
    incident = Incident.objects.get(number=number)
    ct = ContentType.objects.get_for_model(Incident)
    return AuditEntry.objects.get(content_type=ct, object_id=str(incident.pk), action="create")


def test_the_api_answers_and_the_create_audit_carry_the_reference(agent_api, requester_api):
    created = new(agent_api, external_source="legacy", external_id="L-11")
    assert (created["external_source"], created["external_id"]) == ("legacy", "L-11")
    got = agent_api.get(f"/api/v1/incidents/{created['number']}").json()
    assert (got["external_source"], got["external_id"]) == ("legacy", "L-11")
    listed = agent_api.get("/api/v1/incidents").json()["items"][0]
    assert (listed["external_source"], listed["external_id"]) == ("legacy", "L-11")
    changes = _created_audit(created["number"]).changes
    assert (changes["external_source"], changes["external_id"]) == (
        [None, "legacy"],
        [None, "L-11"],
    )

    plain = new(agent_api)
    assert (plain["external_source"], plain["external_id"]) == ("", None)
    assert "external_id" not in _created_audit(plain["number"]).changes  # none: not written
    mine = new(requester_api)  # a requester's answer (the model path) says it too
    assert requester_api.get(f"/api/v1/incidents/{mine['number']}").json()["external_id"] is None


def test_the_agents_page_shows_the_reference_among_the_facts(agent_api, web):
    number = new(agent_api, external_source="legacy", external_id="L-11")["number"]
    page = web.get(f"/incidents/{number}/").content.decode()
    assert "External reference" in page
    assert "legacy: L-11" in page
    plain = new(agent_api)["number"]
    assert "External reference" not in web.get(f"/incidents/{plain}/").content.decode()
