"""The agent workspace pages: queues, the form, the record page, quick and bulk actions."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_update
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(agent_user):
    client = Client()
    client.force_login(agent_user)
    return client


def test_queue_lists_visible_incidents(web, agent_actor, desk):
    incident_create(agent_actor, title="Projector broken", team="desk")
    page = web.get("/incidents/?queue=my_teams")
    assert page.status_code == 200
    assert b"Projector broken" in page.content


def test_queue_query_count_does_not_grow(web, agent_actor, desk):
    def count(n):
        for i in range(n):
            incident_create(agent_actor, title=f"t{i}", team="desk", assignee="agent1")
        with CaptureQueriesContext(connection) as ctx:
            web.get("/incidents/?queue=open")
        return len(ctx.captured_queries)

    assert count(2) == count(20)


def test_htmx_filter_returns_only_rows(web, agent_actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows commits
        incident_create(agent_actor, title="Printer jam")
        incident_create(agent_actor, title="VPN down")
    page = web.get("/incidents/?queue=open&q=vpn&partial=1", HTTP_HX_REQUEST="true")
    assert b"<html" not in page.content
    assert b"VPN down" in page.content
    assert b"Printer jam" not in page.content


def test_create_from_the_form(web):
    page = web.post(
        "/incidents/new/",
        {"title": "Laptop will not boot", "impact": 1, "urgency": 2, "category": "hardware"},
    )
    assert page.status_code == 302
    incident = Incident.objects.get()
    assert (incident.priority, incident.category.slug, incident.channel) == (2, "hardware", "web")
    assert page["Location"] == f"/incidents/{incident.number}/"


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
    assert page.status_code == 302, page.content
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
    assert page.status_code == 412
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


def test_bulk_assign_to_me(web, agent_actor):
    numbers = [incident_create(agent_actor, title=f"t{i}").number for i in range(3)]
    page = web.post(
        "/incidents/bulk/",
        {"action": "assign_me", "numbers": numbers, "next": "https://evil.example/"},
    )
    assert page["Location"] == "/incidents/"
    assert set(Incident.objects.values_list("assignee__username", flat=True)) == {"agent1"}


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
    assert "team: Service Desk → Network Ops" in page
    assert ">Put on hold</button>" in page


def test_saved_views_are_per_user(web, agent_user):
    page = web.post(
        "/incidents/views/",
        {"name": "P1 network", "query": "queue=open&priority=1&team=network&evil=1"},
    )
    assert page["Location"] == "/incidents/?queue=open&priority=1&team=network"
    assert b"P1 network" in web.get("/incidents/").content
    other = Client()
    other.force_login(factories.agent())
    assert b"P1 network" not in other.get("/incidents/").content
    view_id = agent_user.saved_incident_views.get().pk
    other.post(f"/incidents/views/{view_id}/delete/")
    assert agent_user.saved_incident_views.count() == 1
    web.post(f"/incidents/views/{view_id}/delete/")
    assert agent_user.saved_incident_views.count() == 0


def test_overview_counts_for_agents_and_own_list_for_requesters(
    web, agent_actor, desk, requester_user
):
    incident_create(agent_actor, title="Mine", team="desk", assignee="agent1")
    incident_create(as_actor(requester_user), title="Unassigned one")
    page = web.get("/").content.decode()
    assert "my open incidents" in page
    assert "<strong>1</strong> my open incidents" in page
    assert "<strong>2</strong> in my teams" not in page
    client = Client()
    client.force_login(requester_user)
    own = client.get("/").content.decode()
    assert "Unassigned one" in own
    assert "Mine" not in own
    assert "my open incidents" not in own


def test_overview_query_count_is_flat(web, agent_actor, desk):
    def count(n):
        for i in range(n):
            incident_create(agent_actor, title=f"t{i}", team="desk")
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
    assert incident.configuration_item == db.number
    page = web.get(f"/incidents/{incident.number}/").content.decode()
    assert "Affected services" in page
    assert "Web shop" in page
    with pytest.raises(ValidationFailed) as err:
        incident_create(agent_actor, title="x", configuration_item="CI9999999")
    assert "configuration_item" in err.value.fields


def test_column_headers_sort_the_queue(web, agent_actor):
    old = incident_create(agent_actor, title="older one")
    Incident.objects.filter(pk=old.pk).update(opened_at=old.opened_at.replace(year=2025))
    incident_create(agent_actor, title="newer one")
    page = web.get("/incidents/?queue=open&order=-opened_at").content.decode()
    assert page.index("newer one") < page.index("older one")
    assert 'order=opened_at" aria-sort="descending"' in page
    page = web.get("/incidents/?queue=open&order=opened_at").content.decode()
    assert page.index("older one") < page.index("newer one")


def test_column_headers_keep_the_filters(web, agent_actor):
    page = web.get("/incidents/?queue=open&status=new&priority=5").content.decode()

    assert 'href="?queue=open&amp;status=new&amp;priority=5&amp;order=-opened_at"' in page


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

    assert page.status_code == 302, page.content
    incident.refresh_from_db()
    assert (incident.impact, incident.resolution_code, incident.resolution_notes) == (
        1,
        "workaround",
        "Power-cycled it.",
    )


def test_more_link_keeps_the_sort_and_filters(web, agent_actor, monkeypatch):
    monkeypatch.setattr("steward.core.pagination.DEFAULT_LIMIT", 2)
    for title in ("first", "second", "third"):
        incident_create(agent_actor, title=f"VPN {title}")
    incident_create(agent_actor, title="Printer", impact=1)  # filtered out by priority

    page = web.get("/incidents/?queue=open&order=-opened_at&priority=5")
    more = re.search(r'<a hx-get="([^"]+)"[^>]* href="([^"]+)">More', page.content.decode())

    for link, partial in ((more[2], False), (more[1], True)):  # without and with htmx
        url = "/incidents/" + html.unescape(link)
        assert ("partial=1" in url) is partial
        nxt = web.get(url, **({"HTTP_HX_REQUEST": "true"} if partial else {}))
        assert nxt.status_code == 200, nxt.content
        assert b"VPN first" in nxt.content
        assert b"VPN third" not in nxt.content
        assert b"Printer" not in nxt.content


def test_a_failed_save_keeps_the_typed_team(web, agent_actor, desk):
    incident = incident_create(agent_actor, title="Slow VPN", team="desk")

    page = web.post(
        f"/incidents/{incident.number}/update/",
        {"version": incident.version, "team": "netwrk", "assignee": "", "impact": 3, "urgency": 3},
    )

    assert page.status_code == 422
    assert b'name="team" value="netwrk"' in page.content
    assert Incident.objects.get(pk=incident.pk).team.slug == "desk"


def test_requesters_queue_has_no_agent_tools(requester_user, agent_user):
    mine = incident_create(as_actor(requester_user), title="My laptop is slow")
    client = Client()
    client.force_login(requester_user)

    page = client.get("/incidents/").content.decode()
    home = client.get("/").content.decode()

    assert mine.title in page
    tabs = re.findall(r'<a href="\?queue=(\w+)"', page)
    assert tabs == ["open", "all"]
    for agent_only in ("Take", "Assign selected to me", "Save view", 'name="numbers"'):
        assert agent_only not in page
    assert "All your incidents" in home
    assert 'href="/incidents/?queue=all"' in home
    agent = Client()
    agent.force_login(agent_user)
    assert "Assign selected to me" in agent.get("/incidents/").content.decode()


def test_a_priority_filter_that_is_not_a_number_is_ignored_not_a_500(web):
    # "²" passes str.isdigit() but int() refuses it; a 5,000-digit value is past int's limit
    for value in ("\u00b2", "9" * 5000, "x"):
        assert web.get("/incidents/", {"queue": "open", "priority": value}).status_code == 200
