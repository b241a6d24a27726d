"""The home page for each role: approvals and the CAB for change managers, team workload for
leads, counters for agents, open incidents and "Report a problem" for requesters; its query
count does not grow with the data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.changes.models import Change
from steward.core.choices import Role
from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from steward.sla.models import SlaClock
from steward.web.views import HOME_ROWS
from tests import factories
from tests.changes import conftest as changes
from tests.changes.conftest import HIGH, client_for, in_authorisation, window
from tests.conftest import as_actor
from tests.incidents import conftest as incidents

pytestmark = pytest.mark.django_db

# fixtures of the changes and incidents tests
cm_user, new_change = changes.cm_user, changes.new_change
always_on = incidents.always_on


def text(client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    return re.sub(r"\s+", " ", page.content.decode())


def queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


# --- change managers -----------------------------------------------------------------------


def test_a_change_manager_sees_approvals_waiting_and_the_cab(agent_actor, new_change, cm_user):
    start, _ = window()
    waiting = in_authorisation(
        agent_actor, new_change(title="Patch the mail relay", planned_start=start)
    )
    new_change(title="Still a draft")

    page = text(client_for(cm_user))

    assert "Approvals waiting for you" in page
    assert f'href="/changes/{waiting.number}/">{waiting.number} · Patch the mail relay' in page
    assert "Still a draft" not in page
    assert "Waiting for the CAB" in page
    assert f'Next planned: <a href="/changes/{waiting.number}/">' in page
    assert 'href="/changes/agenda/"' in page
    assert 'href="/changes/?queue=awaiting"' in page


def test_a_change_manager_with_nothing_waiting_is_told_so(cm_user):
    page = text(client_for(cm_user))
    assert "Nothing waits for your decision." in page
    assert "No change is waiting for authorisation." in page


def test_an_approval_already_decided_is_no_longer_waiting(agent_actor, new_change, cm_user):
    from steward.changes.services import approval_decide

    change = in_authorisation(agent_actor, new_change(title="Decided already"))
    for approval in change.approvals.filter(approvers=cm_user):
        approval_decide(
            as_actor(cm_user), number=change.number, approval_id=approval.pk, decision="approve"
        )
    page = text(client_for(cm_user))
    assert "Nothing waits for your decision." in page


def test_an_agent_without_the_role_sees_no_approvals(agent_client):
    page = text(agent_client)
    assert "Approvals waiting for you" not in page
    assert "Waiting for the CAB" not in page
    assert "my open incidents" in page  # today's counters stay


def test_a_cab_member_sees_the_changes_waiting_for_his_decision(agent_actor, new_change, cm_user):
    """A CAB member is an agent without the change manager's role: his home page said nothing
    of the changes waiting for his decision (walk42); now its approvals card lists them."""
    member = factories.agent()
    factories.TeamFactory(name="CAB", slug="cab", members=[cm_user, member])
    change = in_authorisation(
        agent_actor, new_change(title="Swap the core switch", risk_answers=HIGH)
    )

    page = text(client_for(member))

    assert "Approvals waiting for you" in page
    assert f'href="/changes/{change.number}/">{change.number} · Swap the core switch' in page
    assert "Change Advisory Board" in page
    assert "Waiting for the CAB" not in page  # the change managers' card


def test_the_change_managers_home_takes_the_same_queries_with_more_changes(
    agent_actor, new_change, cm_user
):
    client = client_for(cm_user)
    in_authorisation(agent_actor, new_change(title="One", risk_answers=HIGH))
    text(client)
    few = queries(client)
    for i in range(5):
        in_authorisation(agent_actor, new_change(title=f"More {i}", risk_answers=HIGH))
    assert queries(client) == few


@pytest.fixture
def gated_twice(agent_actor, new_change, cm_user):
    """make(title): a high-risk change the change manager approves for twice: on the CAB and
    as the lead of the owner team of the service it impacts."""
    factories.TeamFactory(name="CAB", slug="cab", members=[cm_user, factories.agent()])
    owners = factories.TeamFactory(name="Shop owners", slug="shop-owners", lead=cm_user)
    service = changes.ci("business_service", name="Webshop")
    type(service).objects.filter(pk=service.pk).update(owner_team=owners)
    server = changes.ci("server", name="shop-srv-1")
    changes.relate(service, server)

    def make(title: str):
        change = new_change(title=title, cis=[server.number], risk_answers=HIGH)
        return in_authorisation(agent_actor, change)

    return make


BOTH = "Change Advisory Board · Owner team lead of the impacted services"
ROW = (
    r'<li><a class="grow" href="/changes/(CHG\d+)/">[^<]*</a> '
    r'<span class="muted">([^<]*)</span></li>'
)


def waiting(client) -> list[tuple[str, str]]:
    """The rows of "Approvals waiting for you": (number, labels)."""
    section = text(client).split('id="home-approvals"', 1)[1].split("</section>", 1)[0]
    return re.findall(ROW, section)


def test_a_change_one_approves_for_twice_is_one_row_with_both_labels(gated_twice, cm_user):
    client = client_for(cm_user)
    first = gated_twice("Swap the core switch")
    text(client)  # the session's first page reads what later ones have cached
    one = queries(client)
    second = gated_twice("Move the shop database")

    # one row per change, oldest approval first
    assert waiting(client) == [(first.number, BOTH), (second.number, BOTH)]
    assert queries(client) == one  # two such changes: the statements of one

    for i in range(HOME_ROWS):  # the list stops at HOME_ROWS changes, not approvals
        gated_twice(f"More {i}")
    more = Change.objects.filter(title__startswith="More ").order_by("id")[: HOME_ROWS - 2]
    assert waiting(client) == [(c.number, BOTH) for c in [first, second, *more]]
    assert queries(client) == one


# --- team leads ----------------------------------------------------------------------------


@pytest.fixture
def lead_team(admin_actor, always_on):
    lead = factories.UserFactory(username="lead", roles=[Role.TEAM_LEAD, Role.AGENT])
    ann = factories.agent(username="ann", first_name="Ann", last_name="Berg")
    bob = factories.agent(username="bob", first_name="Bob", last_name="Cole")
    team = team_create(admin_actor, name="Network", slug="network", members=["lead", "ann", "bob"])
    return lead, ann, bob, team


def test_a_team_lead_sees_open_incidents_per_assignee_and_breaches(admin_actor, lead_team):
    lead, ann, bob, _ = lead_team
    for title in ("A1", "A2"):
        incident_create(admin_actor, title=title, team="network", assignee="ann")
    late = incident_create(admin_actor, title="B1", team="network", assignee="bob")
    soon = incident_create(admin_actor, title="U1", team="network")
    done = incident_create(admin_actor, title="Closed one", team="network", assignee="bob")
    Incident.objects.filter(pk=done.pk).update(status="resolved")
    SlaClock.objects.update(due_at=timezone.now() + dt.timedelta(hours=5))
    SlaClock.objects.filter(object_id=str(late.pk), kind="response").update(breached=True)
    SlaClock.objects.filter(object_id=str(soon.pk)).update(
        due_at=timezone.now() + dt.timedelta(minutes=20)
    )

    page = text(client_for(lead))

    assert "Your teams' workload" in page
    assert "<strong>4</strong> open · " in page
    assert '?queue=unassigned&amp;team=network"><strong>1</strong> unassigned</a>' in page
    assert "<strong>1</strong> SLA breached" in page
    assert "<strong>1</strong> at risk within the hour" in page
    rows = re.findall(r"assignee=(\w+)\">([^<]+)</a></td><td>(\d+)</td>", page)
    assert rows == [("ann", "Ann Berg", "2"), ("bob", "Bob Cole", "1")]


def test_an_agents_counters_count_each_incident_once_however_many_its_team_has(
    admin_actor, lead_team
):
    lead, *_ = lead_team  # a team of three: the "my teams" count joined its members
    incident_create(admin_actor, title="Nobody on it", team="network")
    incident_create(admin_actor, title="Major, nobody on it", team="network", is_major=True)
    incident_create(admin_actor, title="Ann on it", team="network", assignee="ann")

    page = text(client_for(lead))

    # the counters' links (the workload card below says "unassigned" too)
    assert "<strong>3</strong> in my teams' queues</a>" in page
    assert "<strong>2</strong> unassigned</a>" in page  # three times as many before
    assert "<strong>1</strong> major incident</a>" in page  # "1 major incidents" before


def test_the_counters_say_one_incident_in_the_singular_in_english_and_german(
    admin_actor, lead_team
):
    lead, *_ = lead_team
    incident_create(admin_actor, title="Major, on Ann", team="network", is_major=True)
    incident_create(admin_actor, title="Mine", team="network", assignee=lead.username)

    page = text(client_for(lead))
    assert "<strong>1</strong> major incident</a>" in page
    assert "<strong>1</strong> my open incident</a>" in page
    lead.language = "de"
    lead.save(update_fields=["language"])
    page = text(client_for(lead))
    assert "<strong>1</strong> schwerwiegende Störung</a>" in page
    assert "<strong>1</strong> meine offene Störung</a>" in page


def test_a_team_lead_sees_only_their_own_teams(admin_actor, lead_team):
    lead, *_ = lead_team
    team_create(admin_actor, name="Elsewhere", slug="elsewhere", members=["ann"])
    led = team_create(admin_actor, name="Led only", slug="led-only", members=["bob"])
    led.lead = lead
    led.save()
    incident_create(admin_actor, title="Not mine", team="elsewhere")
    page = text(client_for(lead))
    assert ">Led only</a></h3>" in page
    assert ">Network</a></h3>" in page
    assert ">Elsewhere</a></h3>" not in page


def test_leading_a_team_without_the_team_lead_role_shows_no_workload(admin_actor, agent_user):
    team = team_create(admin_actor, name="Desk", slug="desk", members=[agent_user.username])
    team.lead = agent_user
    team.save()
    assert "Your teams' workload" not in text(client_for(agent_user))


def test_an_agent_in_no_team_is_told_so(agent_user):
    assert "You are not in a team yet." in text(client_for(agent_user))


def test_the_team_leads_home_takes_the_same_queries_with_more_work(admin_actor, lead_team):
    lead, *_ = lead_team
    client = client_for(lead)
    incident_create(admin_actor, title="first", team="network", assignee="ann")
    text(client)
    few = queries(client)
    for i in range(4):
        incident_create(admin_actor, title=f"more {i}", team="network", assignee="bob")
        incident_create(admin_actor, title=f"free {i}", team="network")
    factories.agent(username="cid")
    team_create(admin_actor, name="Second", slug="second", members=["lead", "cid"])
    incident_create(admin_actor, title="second team", team="second", assignee="cid")
    text(client)  # the new person and team moved the auth and teams stamps: warm again
    assert queries(client) == few


# --- requesters ----------------------------------------------------------------------------


def test_a_requester_sees_their_open_incidents_and_report_a_problem(requester_user):
    me = as_actor(requester_user)
    incident_create(me, title="Printer jammed")
    done = incident_create(me, title="Old and solved")
    Incident.objects.filter(pk=done.pk).update(status="closed")

    page = text(client_for(requester_user))

    assert "Your open incidents" in page
    assert "Printer jammed" in page
    assert "Old and solved" not in page
    assert 'href="/incidents/new/">Report a problem</a>' in page
    assert "my open incident" not in page
    assert "Approvals waiting for you" not in page
    # a requester has no team by design: no "Your teams" card, no "not in a team yet"
    assert "Your teams" not in page
    assert "You are not in a team yet." not in page


def test_the_account_line_names_the_zone_a_default_is(cm_user, settings):
    """The line "Time zone: default" (walk29) left the person guessing which zone every time on the
    site is in; the line names it, and a zone of her own as before."""
    settings.TIME_ZONE = "Europe/Vienna"
    client = client_for(cm_user)
    assert "Time zone: default (Europe/Vienna) ·" in text(client)
    cm_user.time_zone = "Asia/Tokyo"
    cm_user.save(update_fields=["time_zone"])
    assert "Time zone: Asia/Tokyo ·" in text(client)
