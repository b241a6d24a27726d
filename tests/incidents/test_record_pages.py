"""An incident's pages: the form, the record page with its facts, timeline and actions, and
what the caller's own view offers."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from steward.incidents.services import incident_comment, incident_create, incident_update
from tests import factories
from tests.conftest import as_actor
from tests.web.html import elements

pytestmark = pytest.mark.django_db


def test_create_from_the_form(web):
    page = web.post(
        "/incidents/new/",
        {"title": "Laptop will not boot", "impact": 1, "urgency": 2, "category": "hardware"},
    )
    assert page.status_code == 303  # See Other: a reload never posts again
    incident = Incident.objects.get()
    assert (incident.priority, incident.category.slug, incident.channel) == (2, "hardware", "web")
    assert page["Location"] == f"/incidents/{incident.number}/"


def test_an_agent_logs_a_phone_call_as_one(web, requester_user):
    """The agents' form had no channel: a call logged by the desk read "Channel: Web"."""
    form = web.get("/incidents/new/").content
    options = [
        o.attrs["value"] for o in elements(form, "option") if o.inside("select", name="channel")
    ]
    assert options == ["web", "phone", "email"]
    page = web.post(
        "/incidents/new/",
        {
            "title": "Payroll down",
            "impact": 1,
            "urgency": 1,
            "channel": "phone",
            "caller": requester_user.username,
        },
    )
    assert page.status_code == 303
    incident = Incident.objects.get()
    assert incident.channel == "phone"
    facts = web.get(page["Location"]).content.decode()
    assert re.search(r"<dt>Channel</dt><dd>Phone</dd>", facts)


def test_the_agents_form_starts_at_the_title_and_shows_who_the_caller_is(web, agent_user):
    """The form opened with no field focused, and an empty caller silently became the agent
    (a call logged for someone else was hers); Enter in a one-line field no longer sends it."""
    page = web.get("/incidents/new/").content
    by_name = {e.attrs.get("name"): e for e in elements(page, "input")}
    assert "autofocus" in by_name["title"].attrs
    assert by_name["caller"].attrs["value"] == "agent1"
    assert by_name["caller_label"].attrs["value"] == str(agent_user)
    [form] = [f for f in elements(page, "form") if f.attrs.get("action") == "/incidents/new/"]
    assert "data-enter-stays" in form.attrs
    refused = web.post("/incidents/new/", {"title": "", "impact": 1, "urgency": 1}).content
    [title] = elements(refused, "input", name="title")
    assert "autofocus" not in title.attrs  # a refused form's focus goes to its error


def test_create_with_bad_input_shows_the_error(web):
    page = web.post(
        "/incidents/new/", {"title": "x", "impact": 1, "urgency": 1, "assignee": "nobody"}
    )
    assert page.status_code == 422
    assert b"no user" in page.content
    assert not Incident.objects.exists()


def test_priority_preview(web):
    assert b"P2" in web.get("/incidents/priority/?impact=1&urgency=2").content
    assert web.get("/incidents/priority/?impact=9&urgency=2").content == "—".encode()


def test_take_resolve_and_reply(web, agent_actor, desk, requester_user):
    incident = incident_create(as_actor(requester_user), title="Monitor flickers")
    web.post(f"/incidents/{incident.number}/take/")
    incident.refresh_from_db()
    assert (incident.status, incident.assignee.username) == ("in_progress", "agent1")
    web.post(f"/incidents/{incident.number}/comment/", {"body": "Swapped cable", "internal": "on"})
    page = web.post(
        f"/incidents/{incident.number}/update/",
        {
            "version": incident.version,
            "status": "resolved",
            "team": "",
            "assignee": "agent1",
            "impact": 3,
            "urgency": 3,
            "resolution_code": "solved",
            "resolution_notes": "Replaced the DisplayPort cable.",
        },
    )
    assert page.status_code == 303, page.content
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert AuditEntry.objects.filter(object_id=str(incident.pk), channel="web").count() >= 3


def test_stale_edit_shows_a_reload_and_changes_nothing(web, agent_actor):
    incident = incident_create(agent_actor, title="Old")
    incident_update(agent_actor, number=incident.number, expected_version=1, changes={"impact": 2})
    page = web.post(
        f"/incidents/{incident.number}/update/",
        {"version": 1, "impact": 1, "urgency": 3, "team": "", "assignee": ""},
    )
    assert page.status_code == 422  # the form again, which htmx swaps too (decision 0010)
    assert b"Reload" in page.content
    assert Incident.objects.get(pk=incident.pk).impact == 2


def test_requester_page_hides_work_notes_and_other_peoples_incidents(requester_user, agent_actor):
    mine = incident_create(as_actor(requester_user), title="Mine")
    theirs = incident_create(as_actor(factories.requester()), title="Theirs")
    from steward.incidents.services import incident_comment

    incident_comment(agent_actor, number=mine.number, body="SECRET-NOTE", internal=True)
    client = Client()
    client.force_login(requester_user)
    assert b"SECRET-NOTE" not in client.get(f"/incidents/{mine.number}/").content
    assert client.get(f"/incidents/{theirs.number}/").status_code == 404


def test_timeline_names_references_and_buttons_use_workflow_labels(
    web, admin_actor, agent_actor, desk
):
    from steward.core.services import team_create

    team_create(admin_actor, name="Network Ops", slug="netops")
    incident = incident_create(agent_actor, title="Switch down", team="desk")
    incident_update(
        agent_actor, number=incident.number, expected_version=None, changes={"team": "netops"}
    )
    page = web.get(f"/incidents/{incident.number}/").content.decode()
    assert "Team: Service Desk → Network Ops" in page
    assert ">Put on hold</button>" in page


def test_overview_counts_for_agents_and_own_list_for_requesters(
    web, agent_actor, desk, requester_user
):
    incident_create(agent_actor, title="Mine", team="desk", assignee="agent1")
    incident_create(as_actor(requester_user), title="Unassigned one")
    page = web.get("/").content.decode()
    assert "<strong>1</strong> my open incident<" in page
    assert "<strong>2</strong> in my teams" not in page
    client = Client()
    client.force_login(requester_user)
    own = client.get("/").content.decode()
    assert "Unassigned one" in own
    assert "Mine" not in own
    assert "my open incident" not in own


def test_overview_query_count_is_flat(web, agent_actor, desk):
    def count(n):
        for i in range(n):
            incident_create(agent_actor, title=f"t{i}", team="desk")
        # warm: the first read fills the per-process session and user caches
        web.get("/")
        with CaptureQueriesContext(connection) as ctx:
            web.get("/")
        return len(ctx.captured_queries)

    assert count(1) == count(12)


def test_incident_on_a_ci_shows_the_business_services_it_hits(web, agent_actor):
    from steward.cmdb.services import ci_create, relationship_create
    from steward.core.actor import Actor
    from steward.core.errors import ValidationFailed

    system = Actor.system("tests")
    shop = ci_create(system, name="Web shop", ci_class="business_service")
    db = ci_create(system, name="orders-db", ci_class="database")
    relationship_create(system, source=shop.number, target=db.number, type="depends_on")
    incident = incident_create(
        agent_actor, title="Orders DB slow", configuration_item=db.number.lower()
    )
    assert incident.configuration_item == db
    page = web.get(f"/incidents/{incident.number}/").content.decode()
    assert "Affected services" in page
    assert "Web shop" in page
    with pytest.raises(ValidationFailed) as err:
        incident_create(agent_actor, title="x", configuration_item="CI9999999")
    assert "configuration_item" in err.value.fields


class _FormFields(HTMLParser):
    """What a browser would submit from the page's update form (without a clicked button)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox"):
            self.values[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self.values.setdefault(self._select, None)
        elif tag == "option" and self._select:
            if self.values[self._select] is None or "selected" in attrs:
                self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.strip()


def test_saving_a_resolved_incident_unchanged_keeps_its_resolution(web, agent_actor):
    incident = incident_create(agent_actor, title="Printer offline", assignee="agent1")
    incident = incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={
            "status": "resolved",
            "resolution_code": "workaround",
            "resolution_notes": "Power-cycled it.",
        },
    )
    url = f"/incidents/{incident.number}/update/"
    form = _FormFields(url)
    form.feed(web.get(f"/incidents/{incident.number}/").content.decode())
    assert form.values["resolution_code"] == "workaround"
    assert form.values["urgency"] == str(incident.urgency)
    assert "1 - High</option>" in web.get(f"/incidents/{incident.number}/").content.decode()

    form.values["impact"] = "1"  # the agent fixes the impact and presses Save
    page = web.post(url, form.values)

    assert page.status_code == 303, page.content
    incident.refresh_from_db()
    assert (incident.impact, incident.resolution_code, incident.resolution_notes) == (
        1,
        "workaround",
        "Power-cycled it.",
    )


def test_a_failed_save_keeps_the_typed_team(web, agent_actor, desk):
    incident = incident_create(agent_actor, title="Slow VPN", team="desk")

    page = web.post(
        f"/incidents/{incident.number}/update/",
        {"version": incident.version, "team": "netwrk", "assignee": "", "impact": 3, "urgency": 3},
    )

    assert page.status_code == 422
    assert b'name="team" value="netwrk"' in page.content
    assert Incident.objects.get(pk=incident.pk).team.slug == "desk"


def test_a_failed_htmx_save_swaps_only_the_panel_and_the_address_stays_the_page(
    web, agent_actor, desk
):
    incident = incident_create(agent_actor, title="Slow VPN", team="desk")

    response = web.post(
        f"/incidents/{incident.number}/update/",
        {"version": incident.version, "team": "netwrk"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()

    assert response.status_code == 422  # swapped by htmx in place: no POST address in the bar
    assert "<html" not in content
    assert content.lstrip().startswith('<section class="card" id="work" data-arrival>')
    assert 'value="netwrk"' in content


def test_a_successful_htmx_save_sends_the_browser_to_the_page(web, agent_actor):
    incident = incident_create(agent_actor, title="Slow VPN")

    response = web.post(
        f"/incidents/{incident.number}/comment/", {"body": "Looking."}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    # back at the activity, where steward.js puts the focus (the page's top before)
    assert response["HX-Redirect"] == f"/incidents/{incident.number}/#activity"
    taken = web.post(f"/incidents/{incident.number}/take/", {})
    assert (taken.status_code, taken["Location"]) == (303, f"/incidents/{incident.number}/#work")
    page = web.get(f"/incidents/{incident.number}/").content
    arrivals = [e.attrs["id"] for e in elements(page, "section") if "data-arrival" in e.attrs]
    assert arrivals == ["work", "activity"]


def test_an_empty_comment_is_refused_beside_the_box(web, agent_actor):
    incident = incident_create(agent_actor, title="Slow VPN")

    response = web.post(
        f"/incidents/{incident.number}/comment/", {"body": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    swapped = response.content.decode().lstrip()
    assert swapped.startswith('<section class="card" id="activity" data-arrival>')
    assert b"This field is required." in response.content


def test_taking_an_incident_someone_took_meanwhile_says_why(web, agent_actor, desk):
    incident = incident_create(agent_actor, title="Printer", team="desk")
    incident_update(
        agent_actor, number=incident.number, expected_version=None, changes={"status": "cancelled"}
    )

    response = web.post(f"/incidents/{incident.number}/take/", HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert b'class="error" role="alert"' in response.content
    assert Incident.objects.get(pk=incident.pk).assignee is None


def test_the_timeline_reads_names_and_dates_not_ids_or_iso(web, agent_actor, desk):
    agent_actor.user.first_name, agent_actor.user.last_name = "Ada", "Agent"
    agent_actor.user.save()
    incident = incident_create(agent_actor, title="Printer", team="desk")
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={"assignee": "agent1", "status": "in_progress"},
    )

    page = web.get(f"/incidents/{incident.number}/").content.decode()

    assert "Assignee: — → Ada Agent" in page
    assert "Status: Assigned → In progress" in page
    assert "assignee:" not in page
    assert not re.search(r">[^<]*\d{4}-\d\d-\d\dT\d\d:\d\d", page)  # no ISO date shown


def test_the_record_page_query_count_does_not_grow_with_its_history(web, agent_actor, desk):
    def count(updates):
        incident = incident_create(agent_actor, title="Busy", team="desk")
        for i in range(updates):
            incident_update(
                agent_actor,
                number=incident.number,
                expected_version=None,
                changes={"impact": 1 + i % 3},
            )
            incident_comment(agent_actor, number=incident.number, body=f"note {i}")
        # warm: the first read fills the per-process session and user caches
        web.get(f"/incidents/{incident.number}/")
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(f"/incidents/{incident.number}/").status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(8)


def test_the_caller_sees_the_incidents_ci_by_name(requester_user, agent_actor):
    from steward.cmdb.services import ci_create
    from steward.core.actor import Actor

    db = ci_create(Actor.system("tests"), name="orders-db", ci_class="database")
    mine = incident_create(as_actor(requester_user), title="Orders are slow")
    Incident.objects.filter(pk=mine.pk).update(configuration_item=db)
    client = Client()
    client.force_login(requester_user)

    page = client.get(f"/incidents/{mine.number}/").content.decode()

    assert f"{db.number} orders-db" in page  # her page has no CMDB link: requesters see no CIs
    assert f'href="/cmdb/cis/{db.number}/"' not in page


def test_the_caller_sees_the_affected_service_by_name_without_a_cmdb_link(
    requester_user, agent_actor
):
    from steward.cmdb.services import ci_create
    from steward.core.actor import Actor

    service = ci_create(Actor.system("tests"), name="Online shop", ci_class="business_service")
    mine = incident_create(as_actor(requester_user), title="Checkout fails")
    Incident.objects.filter(pk=mine.pk).update(affected_service=service)
    client = Client()
    client.force_login(requester_user)
    page = client.get(f"/incidents/{mine.number}/").content.decode()
    assert "Online shop" in page
    assert f'href="/cmdb/cis/{service.number}/"' not in page  # a 404 for her: requesters see no CIs
