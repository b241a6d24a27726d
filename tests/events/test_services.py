"""The event services: dedup into one live alert, the CI match, the incident rule, the
clear, the agents' moves and who may do them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.choices import Scope
from steward.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, Comment, OutboxMessage
from steward.events import services
from steward.events.models import Alert
from steward.incidents.models import Incident
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.events.conftest import send

pytestmark = pytest.mark.django_db


def test_repeats_join_the_live_alert_and_update_it(monitor):
    first = send(monitor)
    again = send(monitor, severity="minor", summary="DISK MINOR - 8% free")

    assert (first.outcome, again.outcome) == ("created", "updated")
    alert = Alert.objects.get()
    assert (alert.count, alert.severity, alert.summary) == (2, "minor", "DISK MINOR - 8% free")
    assert alert.last_seen >= alert.first_seen


def test_the_fingerprint_ignores_case_and_a_key_replaces_node_and_resource(monitor):
    send(monitor, node="WEB01.example.com ")
    send(monitor, key="svc-42", node="a", resource="b")
    send(monitor, key="SVC-42", node="c", resource="d")

    assert sorted(Alert.objects.values_list("count", flat=True)) == [1, 2]


def test_a_second_live_alert_of_one_fingerprint_is_refused_by_the_database(monitor):
    alert = send(monitor).alert
    twin = Alert(
        fingerprint=alert.fingerprint,
        source="x",
        node="x",
        resource="x",
        severity="minor",
        summary="x",
        first_seen=timezone.now(),
        last_seen=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)
    twin.state = "closed"  # a closed one may share it
    twin.save(force_insert=True)


def test_an_insert_that_loses_the_race_counts_on_the_winner(monitor, monkeypatch):
    """The second of two concurrent first events finds no live alert, inserts, hits the
    constraint and joins the one inserted first (as PostgreSQL's second writer does)."""
    winner = send(monitor).alert
    from steward.events.selectors import alerts as alert_selectors

    real = alert_selectors.live_alert_for_update
    calls = []

    def not_yet(fingerprint):
        calls.append(fingerprint)
        return None if len(calls) == 1 else real(fingerprint)

    monkeypatch.setattr("steward.events.selectors.live_alert_for_update", not_yet)
    done = send(monitor)

    assert done.outcome == "updated"
    assert done.alert.pk == winner.pk
    assert Alert.objects.get().count == 2


def test_clear_closes_the_alert_and_a_new_event_raises_a_new_one(monitor):
    alert = send(monitor).alert
    cleared = send(monitor, severity="clear", summary="DISK OK")
    nothing = send(monitor, severity="clear", summary="DISK OK")
    fresh = send(monitor)

    alert.refresh_from_db()
    assert (cleared.outcome, nothing.outcome, nothing.alert) == ("closed", "ignored", None)
    assert (alert.state, alert.closed_by) == ("closed", "clear")
    assert fresh.outcome == "created"
    assert fresh.alert.pk != alert.pk


def test_a_node_matches_its_ci_by_fqdn_hostname_or_name(monitor):
    by_fqdn = make_ci("server", name="db-primary", attributes={"fqdn": "DB01.corp.example"})
    by_name = make_ci("server", name="mailhub")

    assert send(monitor, node="db01.corp.example").alert.configuration_item == by_fqdn
    assert send(monitor, node="mailhub.corp.example").alert.configuration_item == by_name
    assert send(monitor, node="unknown-host").alert.configuration_item is None


def test_a_node_two_cis_answer_to_matches_none(monitor):
    make_ci("server", name="twin")
    make_ci("server", name="twin")

    assert send(monitor, node="twin").alert.configuration_item is None


def test_critical_opens_one_incident_linked_to_the_ci(monitor):
    ci = make_ci("server", name="app01")
    send(monitor, node="app01", severity="warning")
    first = send(monitor, node="app01", severity="critical")
    send(monitor, node="app01", severity="major")
    send(monitor, node="app01", severity="critical")

    incident = Incident.objects.get()
    assert first.alert.incident_id == incident.pk
    assert (incident.channel, incident.configuration_item_id) == ("monitoring", ci.pk)
    assert incident.impact == 1
    assert "app01" in incident.title
    assert OutboxMessage.objects.filter(topic="alert.incident_opened").count() == 1


def test_the_threshold_is_a_setting(monitor, settings):
    settings.EVENT_INCIDENT_SEVERITIES = ["minor"]
    send(monitor, severity="critical")
    assert not Incident.objects.exists()
    send(monitor, severity="minor")
    assert Incident.objects.count() == 1


def test_clear_notes_the_open_incident_and_leaves_it_open(monitor):
    send(monitor, severity="critical")
    send(monitor, severity="clear", summary="DISK OK - 40% free")

    incident = Incident.objects.get()
    note = Comment.objects.get(object_id=str(incident.pk))
    assert note.internal
    assert "DISK OK - 40% free" in note.body
    assert incident.status in ("new", "assigned")


def test_acknowledge_then_close_are_audited(monitor):
    agent = Actor(user=factories.agent())
    alert = send(monitor).alert

    services.alert_acknowledge(agent, pk=alert.pk)
    with pytest.raises(IllegalTransition):
        services.alert_acknowledge(agent, pk=alert.pk)
    services.alert_close(agent, pk=alert.pk)

    alert.refresh_from_db()
    assert (alert.state, alert.closed_by, alert.acknowledged_by) == ("closed", "agent", agent.user)
    states = [e.changes.get("state") for e in AuditEntry.objects.filter(object_id=str(alert.pk))]
    assert ["open", "acknowledged"] in states
    assert ["acknowledged", "closed"] in states


def test_requesters_and_read_tokens_are_refused(monitor):
    alert = send(monitor).alert
    requester = Actor(user=factories.requester())
    reader = Actor(user=factories.agent(), scopes=frozenset({Scope.READ}))

    with pytest.raises(PermissionDenied):
        send(requester)
    with pytest.raises(PermissionDenied):
        send(reader)
    with pytest.raises(NotFound):
        services.alert_acknowledge(requester, pk=alert.pk)
    with pytest.raises(PermissionDenied):
        services.alert_close(reader, pk=alert.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", "fatal"),
        ("severity", None),
        ("summary", "x" * 501),
        ("node", "web\x0001"),
        ("node", "   "),
        ("source", 42),
        ("details", {"a": "b\x00"}),
        ("details", {"big": "x" * 9000}),
        ("details", {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}),
        ("details", [1, 2]),
        ("resource", "r" * 2049),
        ("node", "n" * 2049),
        ("key", "k" * 2049),
    ],
)
def test_bad_events_are_refused_naming_the_field(monitor, field, value):
    with pytest.raises(ValidationFailed) as refused:
        send(monitor, **{field: value})
    assert set(refused.value.fields) == {field}
    assert not Alert.objects.exists()


def test_a_long_name_is_cut_to_its_column_and_still_dedups_as_sent(monitor):
    """A check named past the column's 255 characters was refused; it is taken, cut (an
    ellipsis says so), whole in the details. The fingerprint is of the whole name: a repeat
    joins its alert, and a name differing only after the cut is another condition."""
    stem = "check " + "s" * 260
    first = send(monitor, resource=stem + " /var")
    again = send(monitor, resource=stem + " /var")
    other = send(monitor, resource=stem + " /home")

    assert (first.outcome, again.outcome, other.outcome) == ("created", "updated", "created")
    assert first.alert.pk == again.alert.pk != other.alert.pk
    alert = Alert.objects.get(pk=first.alert.pk)
    assert alert.resource == stem[:254] + "\u2026"
    assert alert.details == {"steward.resource": stem + " /var"}
    assert alert.count == 2


def test_a_long_name_in_the_details_is_bounded_to_2_kib(monitor):
    name = "й" * 2000  # two bytes each: the whole name would be about 4 KiB of JSON

    alert = send(monitor, resource=name, details={"a": 1}).alert

    kept = alert.details["steward.resource"]
    assert name.startswith(kept)
    assert len(kept.encode()) + 2 <= 2048
    assert len(kept) > 255
    assert alert.details["a"] == 1


def test_a_long_node_is_cut_to_its_column_and_still_dedups_as_sent(monitor):
    """A node past the column's 255 characters refused the event; it is taken as a long
    name is: cut (an ellipsis), whole in the details, the fingerprint of the whole node. The
    CI match reads the node as kept, whose first label is the whole node's."""
    ci = make_ci("server", name="web01")
    stem = "web01." + "n" * 260
    first = send(monitor, node=stem + ".example.com")
    again = send(monitor, node=stem + ".example.com")
    other = send(monitor, node=stem + ".example.org")

    assert (first.outcome, again.outcome, other.outcome) == ("created", "updated", "created")
    assert first.alert.pk == again.alert.pk != other.alert.pk
    alert = Alert.objects.get(pk=first.alert.pk)
    assert alert.node == stem[:254] + "\u2026"
    assert alert.details == {"steward.node": stem + ".example.com"}
    assert (alert.count, alert.configuration_item) == (2, ci)


def test_a_long_node_and_name_are_both_kept_whole_in_the_details(monitor):
    node, name = "h" * 2048, "c" * 300

    alert = send(monitor, node=node, resource=name, details={"a": 1}).alert

    assert (len(alert.node), len(alert.resource)) == (255, 255)
    assert alert.details["a"] == 1
    assert alert.details["steward.resource"] == name
    kept = alert.details["steward.node"]  # the whole node within 2 KiB of JSON
    assert node.startswith(kept)
    assert len(kept.encode()) + 2 <= 2048
    assert len(kept) > 255


def test_a_name_within_its_column_is_kept_as_sent(monitor):
    alert = send(monitor, resource="r" * 255).alert

    assert alert.resource == "r" * 255
    assert "steward.resource" not in alert.details


def test_a_node_within_its_column_is_kept_as_sent(monitor):
    alert = send(monitor, node="n" * 255).alert

    assert alert.node == "n" * 255
    assert "steward.node" not in alert.details
