"""Links to records in other organisations: a change never names linked records the reader
may not see, and replacing links keeps those the writer may not see."""

from __future__ import annotations

import pytest

from steward.changes import services
from tests import factories
from tests.changes.conftest import PLANS, fresh
from tests.conftest import as_actor


@pytest.fixture
def linked_across(db, admin_actor):
    """A change of no organisation linked to a CI and an incident of "secret" and to a CI
    of none; an agent limited to another organisation; the change's requester."""
    from steward.cmdb.services import ci_create
    from steward.core.actor import Actor
    from steward.incidents.services import incident_create

    system = Actor.system("tests")
    factories.OrganisationFactory(slug="secret")
    secret_ci = ci_create(system, ci_class="server", name="secret-host", organisation="secret")
    open_ci = ci_create(system, ci_class="server", name="open-host")
    caller = factories.requester(organisation=secret_ci.organisation)
    incident = incident_create(system, title="Secret outage", caller=caller.username)
    assert incident.organisation == secret_ci.organisation
    requester = factories.requester(username="asker")
    change = services.change_create(
        admin_actor,
        title="Shared patch",
        requester=requester.username,
        cis=[secret_ci.number, open_ci.number],
        incidents=[incident.number],
        **PLANS,
    )
    assert change.organisation is None
    limited = factories.agent(username="limited")
    limited.served_organisations.set([factories.OrganisationFactory()])
    return {
        "change": change,
        "secret": [secret_ci.number, incident.number],
        "open_ci": open_ci,
        "limited": limited,
        "requester": requester,
    }


def test_a_change_never_names_linked_records_the_reader_may_not_see(linked_across, client):
    from tests.conftest import api_client_for

    change = linked_across["change"]
    for user in (linked_across["limited"], linked_across["requester"]):
        api = api_client_for(user)
        one = api.get(f"/api/v1/changes/{change.number}")
        assert one.status_code == 200, one.content
        (listed,) = api.get("/api/v1/changes").json()["items"]
        for shown in (one.json(), listed):
            links = shown["cis"] + shown["impacted_services"] + shown["incidents"]
            assert not set(links) & set(linked_across["secret"]), user.username
    assert one.json()["cis"] == []  # the requester sees no CI at all
    client.force_login(linked_across["limited"])
    page = client.get(f"/changes/{change.number}/").content.decode()
    assert linked_across["open_ci"].number in page
    secret_ci, secret_incident = linked_across["secret"]
    assert f"/cmdb/cis/{secret_ci}/" not in page
    assert secret_incident not in page


def test_replacing_links_keeps_those_the_writer_may_not_see(linked_across):
    change = linked_across["change"]
    actor = as_actor(linked_across["limited"])
    services.change_update(
        actor, number=change.number, expected_version=None, changes={"cis": [], "incidents": []}
    )
    kept = fresh(change)
    assert sorted(c.number for c in kept.cis.all()) == [linked_across["secret"][0]]
    assert [i.number for i in kept.incidents.all()] == [linked_across["secret"][1]]
