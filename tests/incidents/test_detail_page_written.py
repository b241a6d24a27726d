"""The incident page with decision 0098's cuts (the facts and the timeline written in Python,
the pickers written by the renderer, the update form built when first read) is the page
its templates draw with them off, byte for byte (CSRF tokens masked, one "now"): every fact
filled with markup (organisation, category, subcategory, service, CI and the business
service above it, parent, priority override, SLA policy), replies by mail and on the page,
work notes, an overridden priority's history; for an agent, an agent in another time zone
(+05:45), the caller and an administrator; in English and German; and the statements do
not rise. ``test_detail_page_kept.py`` compares the pages of decision 0089's world the same
way with all the switches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.cmdb.services import ci_create, relationship_create
from steward.core.actor import Actor
from steward.core.models import Comment
from steward.incidents.services import (
    category_create,
    incident_comment,
    incident_create,
    incident_update,
)
from steward.sla.services import policy_create
from tests import factories
from tests.conftest import as_actor
from tests.incidents.test_detail_page_kept import HOSTILE, _page

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def world(admin_actor, agent_user, desk, always_on):
    policy_create(
        SYSTEM, name="Gold " + HOSTILE, slug="gold", calendar="always", precedence=10,
        response_minutes=60, resolution_minutes=600, priorities=[1, 2, 3, 4],
    )  # fmt: skip
    organisation = factories.OrganisationFactory(name="Acme " + HOSTILE, slug="acme")
    caller = factories.requester(
        username="acme-caller", first_name="Ann", last_name="<Lee>", organisation=organisation
    )
    category = category_create(admin_actor, name="Net " + HOSTILE)
    sub = category_create(admin_actor, name="Wi-Fi <5 GHz> & co", parent=category.slug)
    service = ci_create(SYSTEM, name="Shop " + HOSTILE, ci_class="business_service")
    server = ci_create(SYSTEM, name='web <1> & "2"', ci_class="server")
    relationship_create(SYSTEM, source=service.number, target=server.number, type="runs_on")
    parent = incident_create(admin_actor, title="Outage", is_major=True, team="desk")
    agent = as_actor(agent_user)
    numbers = {}
    for which in ("open", "resolved"):
        record = incident_create(
            admin_actor, title="Shop " + HOSTILE, description=HOSTILE + "\n\nsecond",
            caller=caller.username, category=category.slug, subcategory=sub.slug,
            impact=2, urgency=2, team="desk", assignee=agent_user.username,
            parent=parent.number, affected_service=service.number,
            configuration_item=server.number,
            external_source="legacy " + HOSTILE[:30], external_id=which + HOSTILE,
        )  # fmt: skip
        incident_update(
            admin_actor, number=record.number, expected_version=None,
            changes={"priority": 1, "priority_override_reason": "CEO's " + HOSTILE},
        )  # fmt: skip
        incident_update(
            agent, number=record.number, expected_version=None,
            changes={"title": "Renamed " + HOSTILE, "impact": 3},
        )  # fmt: skip
        incident_comment(as_actor(caller), number=record.number, body="Mail " + HOSTILE)
        incident_comment(agent, number=record.number, body="Note " + HOSTILE, internal=True)
        incident_comment(agent, number=record.number, body="Reply " + HOSTILE)
        if which == "resolved":
            incident_update(
                agent, number=record.number, expected_version=None,
                changes={"status": "resolved", "resolution_code": "solved",
                         "resolution_notes": HOSTILE},
            )  # fmt: skip
        numbers[which] = record.number
    # the caller's first reply came by mail (a by-mail reply links its message for agents)
    Comment.objects.filter(body__startswith="Mail ").update(channel="email")
    numbers["bare"] = incident_create(SYSTEM, title="Bare", caller=caller.username).number
    far = factories.agent(username="far1", first_name="Far", last_name="<Away>")
    far.time_zone = "Asia/Kathmandu"
    far.save(update_fields=["time_zone"])
    who = {"agent": agent_user, "far": far, "caller": caller, "admin": admin_actor.user}
    return {"who": who, "numbers": numbers}


def test_the_written_page_is_the_page_its_templates_draw(world, switches, frozen):
    seen = 0
    for language in ("en", "de"):
        for who, user in world["who"].items():
            user.language = language
            user.save(update_fields=["language"])
            for which, number in world["numbers"].items():
                switches(True)
                written = _page(user, number)
                switches(False)
                assert written == _page(user, number), (language, who, which)
                seen += 1
    assert seen == 2 * 4 * 3


def test_what_the_written_page_shows(world, switches, frozen):
    agent = _page(world["who"]["agent"], world["numbers"]["open"])
    assert "Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom &amp; Jerry&#x27;s" in agent
    assert "<script>alert" not in agent
    assert "/by-comment/" in agent  # the reply's message, for agents
    assert "Shop &lt;script&gt;" in agent  # the business service above the CI
    assert '<span class="sla' in agent
    assert "External reference" in agent  # decision 0094's reference, escaped
    assert "legacy &lt;script&gt;" in agent
    assert "External reference" not in _page(world["who"]["agent"], world["numbers"]["bare"])
    far = _page(world["who"]["far"], world["numbers"]["open"])
    assert "+05:45" in far  # the facts' and the timeline's times in far's zone
    caller = _page(world["who"]["caller"], world["numbers"]["open"])
    assert "We aim to resolve this by" in caller


def test_statements_do_not_rise(world, switches, frozen):
    client = Client()
    client.force_login(world["who"]["agent"])
    counts = {}
    for on in (False, True):
        switches(on)
        for number in world["numbers"].values():
            client.get(f"/incidents/{number}/")  # warm
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/incidents/{number}/")
            counts[(on, number)] = len(queries)
    for number in world["numbers"].values():
        assert counts[(True, number)] <= counts[(False, number)], number
