"""Event management across organisations: an alert's incident is named only to a reader who
may see it (page, API, history), and a sender's events join only alerts it may see, never
another organisation's (decision 0095)."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.choices import Channel, Scope
from steward.events.models import Alert
from steward.incidents.models import Incident
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.events.conftest import event, send

pytestmark = pytest.mark.django_db


def limited_agent(org, **kwargs):
    user = factories.agent(organisation=org, **kwargs)
    user.served_organisations.set([org])
    return user


def sender(user) -> Actor:
    return Actor(user=user, channel=Channel.API, scopes=frozenset({Scope.READ, Scope.WRITE}))


@pytest.fixture
def orgs(db):
    return factories.OrganisationFactory(slug="org-a"), factories.OrganisationFactory(slug="org-b")


@pytest.fixture
def b_alert(orgs):
    """A CI-less critical alert (everyone's) whose incident B's sender opened: B's."""
    _, b = orgs
    alert = send(sender(limited_agent(b)), node="nowhere-9", severity="critical").alert
    alert.refresh_from_db()
    assert alert.organisation_id is None
    assert Incident.objects.get(pk=alert.incident_id).organisation_id == b.pk
    return alert


def test_a_reader_of_a_sees_the_ci_less_alert_but_not_bs_incident_on_pages(orgs, b_alert):
    a, _ = orgs
    incident = Incident.objects.get(pk=b_alert.incident_id)
    client = Client()
    client.force_login(limited_agent(a))

    listed = client.get("/events/")
    page = client.get(f"/events/{b_alert.pk}/")

    assert listed.status_code == page.status_code == 200
    assert b"nowhere-9" in listed.content
    for body in (listed.content, page.content):
        assert incident.number.encode() not in body
        assert incident.title.encode() not in body


def test_a_reader_of_a_gets_no_incident_of_b_from_the_api(orgs, b_alert):
    a, _ = orgs
    api = api_client_for(limited_agent(a))

    listed = api.get("/api/v1/alerts").json()["items"]
    one = api.get(f"/api/v1/alerts/{b_alert.pk}").json()

    assert [row["incident"] for row in listed] == [None]
    assert one["incident"] is None
    assert one["id"] == b_alert.pk


def test_whoever_may_see_the_incident_is_shown_it(orgs, b_alert):
    _, b = orgs
    number = Incident.objects.get(pk=b_alert.incident_id).number
    client = Client()
    client.force_login(limited_agent(b))

    assert number.encode() in client.get(f"/events/{b_alert.pk}/").content
    assert number.encode() in client.get("/events/").content
    assert (
        api_client_for(factories.agent()).get(f"/api/v1/alerts/{b_alert.pk}").json()["incident"]
        == number
    )


def test_the_incident_link_costs_one_statement_for_a_page(orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b = orgs
    b_sender = sender(limited_agent(b))
    api = api_client_for(limited_agent(a))
    send(b_sender, node="n-0", severity="critical")
    api.get("/api/v1/alerts")  # the token and the served organisations read once
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/alerts")
    for n in range(1, 6):
        send(b_sender, node=f"n-{n}", severity="critical")
    with CaptureQueriesContext(connection) as six:
        rows = api.get("/api/v1/alerts").json()["items"]

    assert len(rows) == 6
    assert {r["incident"] for r in rows} == {None}
    assert len(six) == len(one)


def test_as_sender_never_changes_bs_alert(orgs):
    a, b = orgs
    ci = make_ci(name="web01", organisation=b.slug)
    mine = send(sender(limited_agent(b))).alert
    assert mine.configuration_item_id == ci.pk
    api = api_client_for(limited_agent(a), scopes=("write",))

    answer = api.post("/api/v1/events", event(severity="critical"))

    mine.refresh_from_db()
    assert (mine.count, mine.severity, mine.incident_id) == (1, "warning", None)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["alert"] is not None
    assert body["alert"]["id"] != mine.pk
    assert Alert.objects.get(pk=body["alert"]["id"]).organisation_id is None


def test_as_sender_cannot_clear_bs_alert(orgs):
    a, b = orgs
    mine = send(sender(limited_agent(b)), node="db1").alert

    done = send(sender(limited_agent(a)), node="db1", severity="clear")

    mine.refresh_from_db()
    assert done.outcome == "ignored"
    assert mine.state == "open"


def test_bs_senders_still_dedup(orgs):
    _, b = orgs
    first = send(sender(limited_agent(b)))
    again = send(sender(limited_agent(b)), severity="minor")

    assert (first.outcome, again.outcome) == ("created", "updated")
    assert again.alert.pk == first.alert.pk
    assert Alert.objects.get().count == 2


def test_a_limited_senders_race_still_joins_the_winner(orgs, monkeypatch):
    """Two concurrent first events of B's sender: the second hits the constraint (the
    scope is in the fingerprint, so it stays one live alert per sender scope) and joins."""
    from steward.events.selectors import alerts as alert_selectors

    _, b = orgs
    b_sender = sender(limited_agent(b))
    winner = send(b_sender).alert
    real = alert_selectors.live_alert_for_update
    calls = []

    def not_yet(fingerprint):
        calls.append(fingerprint)
        return None if len(calls) == 1 else real(fingerprint)

    monkeypatch.setattr("steward.events.selectors.live_alert_for_update", not_yet)
    done = send(b_sender)

    assert (done.outcome, done.alert.pk) == ("updated", winner.pk)
    assert Alert.objects.get().count == 2


def test_an_unrestricted_senders_fingerprint_is_unchanged(monitor):
    """Live alerts raised before the scope was part of the key keep their repeats."""
    import hashlib

    alert = send(monitor).alert
    text = "\x1f".join(("nagios", "web01.example.com", "disk /var"))

    assert alert.fingerprint == hashlib.sha256(text.encode()).hexdigest()
