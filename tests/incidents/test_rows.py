"""The API's detail read as a row (selectors.incident_shown, SQL compiled once per process)
shows exactly what the model path (incident_get) shows, for every field and reference, for
every actor; and the compiled statements run with each call's own values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.selectors import compiled
from steward.incidents import selectors
from steward.incidents.models import Incident
from steward.incidents.schemas import IncidentOut
from steward.incidents.services import category_create, incident_create, incident_update
from steward.sla import selectors as sla_selectors
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def shown(value) -> dict:  # noqa: ANN001 - a model or a row
    """The API's JSON of an incident; elapsed and time left count from each read's "now"."""
    body = IncidentOut.model_validate(value).model_dump(mode="json")
    for clock in body["sla"]:
        clock.pop("elapsed_seconds"), clock.pop("time_left_seconds")
    return body


@pytest.fixture
def world(admin_actor, desk, always_on):
    """An incident with every reference set (and its parent), and a bare one."""
    organisation = factories.OrganisationFactory(name="Acme", slug="acme")
    caller = factories.requester(username="acme-caller", organisation=organisation)
    category = category_create(admin_actor, name="Rows network")
    sub = category_create(admin_actor, name="Rows wifi", parent=category.slug)
    service = ci_create(SYSTEM, name="Web shop", ci_class="business_service")
    server = ci_create(SYSTEM, name="web-1", ci_class="server", attributes={"fqdn": "w.example"})
    parent = incident_create(admin_actor, title="Outage", is_major=True, team="desk")
    full = incident_create(
        admin_actor,
        title="Shop is slow",
        description="since 9",
        caller=caller.username,
        category=category.slug,
        subcategory=sub.slug,
        impact=1,
        urgency=2,
        team="desk",
        assignee="agent1",
        parent=parent.number,
        affected_service=service.number,
        configuration_item=server.number,
    )
    incident_update(
        admin_actor,
        number=full.number,
        expected_version=None,
        changes={"status": "resolved", "resolution_code": "solved", "resolution_notes": "ok"},
    )
    bare = incident_create(SYSTEM, title="Bare", caller=caller.username)
    return {"full": full.number, "parent": parent.number, "bare": bare.number}


@pytest.mark.parametrize("who", ["admin", "agent", "system"])
@pytest.mark.parametrize("which", ["full", "parent", "bare"])
def test_the_row_shows_what_the_model_shows(world, admin_actor, agent_actor, who, which):
    actor = {"admin": admin_actor, "agent": agent_actor, "system": SYSTEM}[who]
    row = selectors.incident_shown(actor, number=world[which])
    assert isinstance(row, dict)  # these actors see every incident: the row path
    assert shown(row) == shown(selectors.incident_get(actor, number=world[which]))


def test_the_full_incident_names_every_reference(world, admin_actor):
    body = shown(selectors.incident_shown(admin_actor, number=world["full"]))
    assert body["organisation"] == "acme"
    assert body["caller"] == "acme-caller"
    assert body["parent"] == world["parent"]
    assert body["assignee"] == "agent1"
    assert body["configuration_item"].startswith("CI")
    assert body["affected_service"]
    assert body["category"]
    assert body["subcategory"]
    assert body["team"] == "desk"
    assert body["status"] == "resolved"
    assert body["resolved_at"]
    assert len(body["sla"]) == 2


def test_actors_who_see_part_keep_the_model_path(world):
    limited = factories.agent(username="limited")
    limited.served_organisations.add(factories.OrganisationFactory(name="Other", slug="other"))
    with pytest.raises(NotFound):  # acme's incident, for an agent serving "other" only
        selectors.incident_shown(as_actor(limited), number=world["full"])
    caller = as_actor(Incident.objects.get(number=world["full"]).caller)
    own = selectors.incident_shown(caller, number=world["full"])
    assert isinstance(own, Incident)
    assert shown(own) == shown(selectors.incident_get(caller, number=world["full"]))


def test_an_unknown_number_is_not_found(world, admin_actor):
    with pytest.raises(NotFound):
        selectors.incident_shown(admin_actor, number="INC9999999")


def test_each_call_runs_with_its_own_values(world, admin_actor):
    selectors.incident_shown(admin_actor, number=world["bare"])  # compiled now
    with CaptureQueriesContext(connection) as captured:
        a = selectors.incident_shown(admin_actor, number=world["full"])
        b = selectors.incident_shown(admin_actor, number=world["parent"])
    assert (a["number"], b["number"]) == (world["full"], world["parent"])
    # the incident, its clocks and (outside a request, on each call) the cache stamps for
    # the calendars' specs; the resolved incident's clocks are all stopped, so it needs no
    # calendar and reads no stamps (decision 0070: only running clocks ask for their spec;
    # before, every clock did: 6)
    assert len(captured) == 5


def test_clock_rows_equal_the_model_clocks_at_the_same_moment(world):
    ids = list(Incident.objects.values_list("id", flat=True))
    now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=45)
    by_row = sla_selectors.clock_statuses_by_id(Incident, ids, now=now)
    by_model = sla_selectors.clocks_for_many(SYSTEM, list(Incident.objects.all()), now=now)
    assert by_row == by_model
    assert sum(map(len, by_row.values())) == 6
    # one more id changes the shape (one parameter per id): compiled again, same answer
    assert sla_selectors.clock_statuses_by_id(Incident, ids[:1], now=now) == {
        str(ids[0]): by_model[str(ids[0])]
    }


def test_a_placeholder_the_query_does_not_take_is_refused():
    with pytest.raises(ValueError, match="placeholders not found"):
        compiled.rows("tests.unused", lambda number: Incident.objects.values("id"), number="x")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    impact=st.integers(1, 3),
    urgency=st.integers(1, 3),
    major=st.booleans(),
    assigned=st.booleans(),
    status=st.sampled_from(["new", "in_progress", "on_hold", "resolved", "cancelled"]),
    title=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1)
    .map(str.strip)
    .filter(bool),
)
def test_any_incident_reads_the_same_both_ways(
    admin_actor, desk, always_on, impact, urgency, major, assigned, status, title
):
    fields = {"impact": impact, "urgency": urgency, "is_major": major, "team": "desk"}
    if assigned or status in ("in_progress", "on_hold", "resolved"):  # the workflow's rule
        fields["assignee"] = "agent1"
    incident = incident_create(admin_actor, title=title[:200], **fields)
    if status != "new":
        changes = {"status": status}
        changes |= {"on_hold_reason": "awaiting_caller"} if status == "on_hold" else {}
        if status == "resolved":
            changes |= {"resolution_code": "solved", "resolution_notes": title[:50]}
        incident_update(admin_actor, number=incident.number, expected_version=None, changes=changes)
    row = selectors.incident_shown(admin_actor, number=incident.number)
    assert shown(row) == shown(selectors.incident_get(admin_actor, number=incident.number))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"queue": "open", "order": "-opened_at"},
        {"team": "desk", "order": "-updated_at"},
        {"priority": [2, 3], "order": "opened_at"},
        {"q": "INC0000001"},
    ],
)
def test_a_list_page_of_rows_equals_the_model_page(world, admin_actor, filters):
    cursor, pages = None, 0
    while True:
        rows = selectors.incident_list(admin_actor, **filters, cursor=cursor, limit=2, rows=True)
        models = selectors.incident_list(admin_actor, **filters, cursor=cursor, limit=2)
        assert all(isinstance(item, dict) for item in rows.items)
        assert [shown(r) for r in rows.items] == [shown(m) for m in models.items]
        assert rows.next == models.next  # the same cursor, whichever way the page was read
        cursor, pages = rows.next, pages + 1
        if cursor is None:
            break
    assert pages >= (2 if not filters else 1)


def test_a_list_page_for_an_actor_who_sees_part_is_models(world, requester_actor):
    page = selectors.incident_list(requester_actor, rows=True)
    assert all(isinstance(item, Incident) for item in page.items)
