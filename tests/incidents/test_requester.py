"""The requester's side: "My incidents" in the navigation, her list newest first, the plain
form with a narrowed subcategory, the team a rule routes her incident to, and the resolution
and reopen on her own record."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.services import team_create
from steward.incidents.models import Category, Incident
from steward.incidents.services import incident_create, incident_update
from steward.incidents.services.routing import routed_team
from tests.web.html import elements, navigation

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
FIELD_TAGS = {"input", "select", "textarea"}


@pytest.fixture
def me(requester_user):
    client = Client()
    client.force_login(requester_user)
    return client


@pytest.fixture
def network(admin_actor):
    return team_create(admin_actor, name="Network", slug="network")


@pytest.fixture
def service_desk(admin_actor):
    return team_create(admin_actor, name="Service Desk", slug="service-desk")


def test_requesters_get_my_incidents_in_the_navigation_and_agents_do_not(me, web):
    nav = navigation(me.get("/").content)
    assert nav["My incidents"].attrs["href"] == "/incidents/"
    assert "Incidents" not in nav
    mine = navigation(me.get("/incidents/").content)["My incidents"]
    assert mine.attrs.get("aria-current") == "page"
    assert "My incidents" not in navigation(web.get("/").content)


def test_her_list_is_newest_first_with_status(me, requester_actor, agent_actor):
    old = incident_create(requester_actor, title="Old and urgent", impact=1, urgency=1)
    new = incident_create(requester_actor, title="New and low", impact=3, urgency=3)
    assert (old.priority, new.priority) == (1, 5)
    page = me.get("/incidents/").content.decode()
    assert page.index(new.number) < page.index(old.number)
    assert "New and low" in page
    assert ">New<" in page


def test_her_form_asks_what_happened_not_impact_urgency_or_cmdb(me, web):
    mine = me.get("/incidents/new/").content
    names = {e.attrs.get("name") for e in elements(mine) if e.tag in FIELD_TAGS}
    # the service by name (a picker of the services she may name) and files; no CI
    assert {"title", "description", "category", "subcategory", "affected_service", "files"} <= (
        names
    )
    assert not names & {"impact", "urgency", "configuration_item", "team", "caller"}
    agents = {e.attrs.get("name") for e in elements(web.get("/incidents/new/").content, "select")}
    assert {"impact", "urgency", "team", "category", "subcategory"} <= agents


def _options(html: bytes) -> list[str]:
    return [e.attrs.get("value") for e in elements(html, "option") if e.attrs.get("value")]


@pytest.mark.parametrize("who", ["requester", "agent"])
def test_the_subcategory_is_narrowed_by_the_chosen_category(who, me, web):
    # the agent's form narrows it the same way (it listed every category's subcategories)
    client = {"requester": me, "agent": web}[who]
    blank = client.get("/incidents/new/").content
    assert _options(blank.split(b'name="subcategory"')[1].split(b"</select>")[0]) == []
    assert b"Choose a category first." in blank
    assert b'hx-get="/incidents/subcategories/"' in blank
    swapped = client.get("/incidents/subcategories/?category=network", HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    assert b'id="subcategory-field"' in swapped.content
    assert b"Choose a category first." not in swapped.content
    assert set(_options(swapped.content)) == {
        "network-connectivity",
        "network-vpn",
        "network-wi-fi",
        "network-dns",
        "network-firewall",
    }


def test_she_reports_with_category_and_subcategory(me, requester_user, service_desk):
    page = me.post(
        "/incidents/new/",
        {
            "title": "VPN drops",
            "description": "Every ten minutes",
            "category": "network",
            "subcategory": "network-vpn",
        },
    )
    assert page.status_code == 303
    incident = Incident.objects.get()
    assert (incident.caller, incident.subcategory.slug, incident.impact, incident.urgency) == (
        requester_user,
        "network-vpn",
        3,
        3,
    )
    assert incident.team == service_desk


@pytest.mark.parametrize("who", ["requester", "agent"])
def test_a_subcategory_of_another_category_is_refused(who, me, web):
    page = {"requester": me, "agent": web}[who].post(
        "/incidents/new/",
        {"title": "VPN drops", "category": "hardware", "subcategory": "network-vpn"},
    )
    assert page.status_code == 422
    assert not Incident.objects.exists()


def test_routing_by_the_subcategory_then_the_category_default_team(
    requester_actor, network, service_desk, admin_actor
):
    desk_floor = team_create(admin_actor, name="Remote access", slug="remote")
    Category.objects.filter(slug="network").update(default_team=network)
    by_category = incident_create(
        requester_actor, title="Wi-Fi", category="network", subcategory="network-wi-fi"
    )
    Category.objects.filter(slug="network-vpn").update(default_team=desk_floor)
    by_sub = incident_create(
        requester_actor, title="VPN", category="network", subcategory="network-vpn"
    )
    assert (by_category.team, by_category.status) == (network, "assigned")
    assert by_sub.team == desk_floor


def test_routing_by_the_services_support_team(network, service_desk):
    shop = ci_create(SYSTEM, name="Web shop", ci_class="business_service", support_team="network")
    assert routed_team(category=None, subcategory=None, service=shop) == network
    hardware = Category.objects.get(slug="hardware")
    hardware.default_team = service_desk
    assert routed_team(category=hardware, subcategory=None, service=shop) == service_desk


def test_routing_falls_back_to_the_service_desk(requester_actor, service_desk, settings):
    assert incident_create(requester_actor, title="Help").team == service_desk
    settings.STEWARD_SERVICE_DESK_TEAM = "nobody"
    unrouted = incident_create(requester_actor, title="Help again")
    assert (unrouted.team, unrouted.status) == (None, "new")


def test_the_api_routes_a_requesters_incident_too(requester_api, service_desk):
    response = requester_api.post("/api/v1/incidents", {"title": "Printer jam"})
    assert response.status_code == 201, response.content
    assert Incident.objects.get().team == service_desk


def test_an_agents_incident_is_not_routed(agent_actor, service_desk):
    assert incident_create(agent_actor, title="Seen on the dashboard").team is None


def test_she_reads_the_resolution_and_reopens(me, requester_actor, agent_actor, agent_user, web):
    incident = incident_create(requester_actor, title="Mail bounces")
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={
            "assignee": agent_user.username,
            "status": "resolved",
            "resolution_code": "solved",
            "resolution_notes": "Your mailbox quota was raised.",
        },
    )
    page = me.get(f"/incidents/{incident.number}/").content.decode()
    assert "Your mailbox quota was raised." in page
    assert "Work it" not in page
    reopen = elements(page, "button", name="status")
    assert [b.attrs["value"] for b in reopen] == ["in_progress"]  # closing is the desk's
    assert "Reopen" in page
    incident.refresh_from_db()
    moved = me.post(
        f"/incidents/{incident.number}/update/",
        {"version": incident.version, "status": "in_progress", "reason": "Still bounces."},
    )
    assert moved.status_code == 303, moved.content[:2000]
    incident.refresh_from_db()
    assert incident.status == "in_progress"


def test_her_page_says_when_we_aim_to_resolve_not_the_desks_sla_clocks(
    me, web, requester_actor, always_on
):
    """Her page showed "missed resolution", the policy's name and "-10h 0m business time";
    she reads a plain expectation, nothing once it is missed; the agent keeps the clocks."""
    from django.utils import timezone

    from steward.sla.models import SlaClock
    from steward.web.templatetags.steward_ui import when

    incident = incident_create(requester_actor, title="Printer jams")
    clocks = SlaClock.objects.filter(object_id=str(incident.pk))
    due = clocks.get(kind="resolution").due_at
    page = me.get(f"/incidents/{incident.number}/").content.decode()
    assert f"We aim to resolve this by {when(due)}." in page
    for internal in ("SLA resolution", "SLA response", "business time", "Standard"):
        assert internal not in page
    assert "SLA resolution" in web.get(f"/incidents/{incident.number}/").content.decode()

    clocks.update(breached=True, due_at=timezone.now())
    late = me.get(f"/incidents/{incident.number}/").content.decode()
    assert "We aim to resolve" not in late
    assert "missed" not in late
