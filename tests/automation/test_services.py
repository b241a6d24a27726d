"""The engine: rules match on incident fields, act through the incident services in the
create's (or update's) transaction, are audited as the rule, log their runs, stop when told,
never re-trigger themselves; a refused rule is undone alone and logged, the write goes on;
a fault (not a refusal) rolls the whole write back."""

from __future__ import annotations

from unittest import mock

import pytest

from steward.automation import services
from steward.automation.models import RuleRun
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, Comment, OutboxMessage
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_update
from tests.automation.conftest import rule

pytestmark = pytest.mark.django_db


def test_a_matching_create_is_routed_in_the_same_answer(admin_actor, caller_actor, network, desk):
    rule(admin_actor)
    created = incident_create(caller_actor, title="My VPN drops every hour")
    assert created.team.slug == "network"
    assert created.status == "assigned"
    stored = Incident.objects.get(pk=created.pk)
    assert stored.team_id == network.pk
    run = RuleRun.objects.get(incident=stored)
    assert run.rule_name == "Route VPN"
    assert run.trigger == "created"
    assert run.changes["fields"]["team"] == ["", "network"]


def test_the_audit_entry_names_the_rule(admin_actor, caller_actor, network):
    made = rule(admin_actor)
    created = incident_create(caller_actor, title="vpn down")
    labels = list(
        AuditEntry.objects.filter(object_id=str(created.pk), action="update").values_list(
            "actor_label", flat=True
        )
    )
    assert labels == [f"system:automation rule {made.pk} (Route VPN)"]


def test_no_match_changes_nothing(admin_actor, caller_actor, network):
    rule(admin_actor)
    created = incident_create(caller_actor, title="Printer jam")
    assert created.team_id is None
    assert not RuleRun.objects.exists()


def test_all_conditions_must_match(admin_actor, agent_actor, network, desk):
    rule(
        admin_actor,
        conditions=[
            {"field": "title", "operator": "contains", "value": "VPN"},
            {"field": "urgency", "operator": "is", "value": 1},
        ],
    )
    low = incident_create(agent_actor, title="vpn slow", urgency=3)
    high = incident_create(agent_actor, title="vpn gone", urgency=1)
    assert low.team_id is None
    assert high.team_id == network.pk


def test_reference_conditions_and_is_not(admin_actor, agent_actor, network, desk, vpn):
    rule(
        admin_actor,
        conditions=[
            {"field": "category", "operator": "is", "value": "network-access"},
            {"field": "team", "operator": "is", "value": ""},
            {"field": "channel", "operator": "is_not", "value": "email"},
        ],
    )
    plain = incident_create(agent_actor, title="other")
    categorised = incident_create(agent_actor, title="other", category="network-access")
    assert plain.team_id is None
    assert categorised.team_id == network.pk


def test_actions_set_fields_add_a_note_a_watcher_and_a_mail(admin_actor, caller_actor, network):
    rule(
        admin_actor,
        actions=[
            {"action": "assign_team", "value": "network"},
            {"action": "assign_agent", "value": "netagent"},
            {"action": "set_priority", "value": 1},
            {"action": "add_note", "value": "Check the VPN concentrator first."},
            {"action": "add_watcher", "value": "netagent"},
            {"action": "notify", "value": "noc@example.com"},
        ],
    )
    created = incident_create(caller_actor, title="VPN")
    assert created.assignee.username == "netagent"
    assert created.priority == 1
    assert created.priority_override_reason == "Automation rule: Route VPN"
    note = Comment.objects.get(object_id=str(created.pk), internal=True)
    assert note.body == "Check the VPN concentrator first."
    assert list(created.watchers.values_list("username", flat=True)) == ["netagent"]
    event = OutboxMessage.objects.get(topic="automation.notify")
    assert event.payload["target"] == "noc@example.com"
    run = RuleRun.objects.get()
    assert run.changes["notes"] == 1
    assert run.changes["mails"] == ["noc@example.com"]
    assert run.changes["watchers"] == ["netagent"]


def test_stop_processing_stops_later_rules(admin_actor, caller_actor, network, desk):
    rule(admin_actor, name="first", stop_processing=True, position=1)
    rule(
        admin_actor,
        name="second",
        position=2,
        actions=[{"action": "add_note", "value": "second ran"}],
    )
    created = incident_create(caller_actor, title="vpn")
    assert list(RuleRun.objects.values_list("rule_name", flat=True)) == ["first"]
    assert not Comment.objects.filter(object_id=str(created.pk)).exists()


def test_later_rules_run_in_order_and_see_earlier_changes(admin_actor, caller_actor, network):
    rule(admin_actor, name="first", position=1)
    rule(
        admin_actor,
        name="second",
        position=2,
        conditions=[{"field": "team", "operator": "is", "value": "network"}],
        actions=[{"action": "set_urgency", "value": 1}],
    )
    created = incident_create(caller_actor, title="vpn")
    assert list(RuleRun.objects.order_by("id").values_list("rule_name", flat=True)) == [
        "first",
        "second",
    ]
    assert created.urgency == 1


def test_a_rules_own_change_does_not_trigger_rules(admin_actor, agent_actor, network, desk):
    """An update rule whose action is an update: it runs once per outside update, never on
    its own write (no loop)."""
    rule(
        admin_actor,
        trigger="updated",
        conditions=[],
        actions=[{"action": "add_note", "value": "seen"}, {"action": "set_urgency", "value": 2}],
    )
    created = incident_create(agent_actor, title="x")
    assert not RuleRun.objects.exists()
    incident_update(
        agent_actor, number=created.number, expected_version=None, changes={"impact": 1}
    )
    assert RuleRun.objects.count() == 1
    assert Comment.objects.filter(object_id=str(created.pk)).count() == 1


def test_status_changed_to_a_status(admin_actor, agent_actor, desk, network):
    rule(
        admin_actor,
        trigger="status_changed",
        trigger_status="in_progress",
        conditions=[],
        actions=[{"action": "add_note", "value": "work started"}],
    )
    created = incident_create(agent_actor, title="x", team="desk", assignee="agent1")
    incident_update(
        agent_actor, number=created.number, expected_version=None, changes={"urgency": 1}
    )
    assert not RuleRun.objects.exists()
    incident_update(
        agent_actor, number=created.number, expected_version=None, changes={"status": "in_progress"}
    )
    assert RuleRun.objects.get().trigger == "updated"


def test_inactive_rules_do_not_run(admin_actor, caller_actor, network):
    rule(admin_actor, is_active=False)
    assert incident_create(caller_actor, title="vpn").team_id is None


def test_a_refused_rule_is_undone_alone_logged_and_the_create_goes_on(
    admin_actor, caller_actor, network
):
    # the first rule routes and then its note is refused: neither its route nor its mail stays
    rule(
        admin_actor,
        actions=[
            {"action": "assign_team", "value": "network"},
            {"action": "add_note", "value": "x"},
            {"action": "notify", "value": "team"},
        ],
    )
    rule(
        admin_actor,
        name="Second",
        actions=[{"action": "set_urgency", "value": 1}],
    )
    with mock.patch(
        "steward.incidents.services.incident_comment",
        side_effect=ValidationFailed.one("body", "no"),
    ):
        created = incident_create(caller_actor, title="vpn")
    stored = Incident.objects.get(pk=created.pk)
    assert stored.team_id is None
    assert stored.urgency == 1
    failed, done = RuleRun.objects.order_by("pk")
    assert failed.rule_name == "Route VPN"
    assert failed.changes["refused"] == {"body": ["no"]}
    assert failed.changes["failed"] == "body: no"
    assert done.rule_name == "Second"
    assert not OutboxMessage.objects.filter(topic="automation.notify").exists()
    assert OutboxMessage.objects.filter(topic="incident.created").count() == 1


def test_a_fault_in_an_action_rolls_back_the_whole_create(admin_actor, caller_actor, network):
    rule(admin_actor, actions=[{"action": "add_note", "value": "x"}])
    before = Incident.objects.count()
    with (
        mock.patch("steward.incidents.services.incident_comment", side_effect=RuntimeError("bug")),
        pytest.raises(RuntimeError),
    ):
        incident_create(caller_actor, title="vpn")
    assert Incident.objects.count() == before
    assert not RuleRun.objects.exists()
    assert not OutboxMessage.objects.filter(topic="incident.created").exists()


def test_a_deleted_rule_stops_at_once_and_keeps_its_runs(admin_actor, caller_actor, network):
    made = rule(admin_actor)
    incident_create(caller_actor, title="vpn")
    services.rule_delete(admin_actor, pk=made.pk)
    assert incident_create(caller_actor, title="vpn").team_id is None
    assert RuleRun.objects.get().rule_id is None


def test_only_administrators_write_rules(agent_actor, network):
    with pytest.raises(PermissionDenied):
        rule(agent_actor)


def test_incidents_opened_in_a_batch_run_the_rules(admin_actor, network):
    """Mail intake opens incidents in batches (incidents_open_many): each runs the rules."""
    from steward.incidents.services.batched import incidents_open_many
    from tests import factories

    rule(admin_actor)
    caller = factories.requester(username="mailer")
    opened = incidents_open_many(
        admin_actor,
        [
            {"title": "VPN down", "description": "", "caller": caller},
            {"title": "Printer", "description": "", "caller": caller},
        ],
        team=None,
        category=None,
        channel="email",
    )
    assert [i.team_id for i in opened] == [network.pk, None]
    assert RuleRun.objects.get().incident_id == opened[0].pk


def test_a_name_on_two_lines_is_refused_by_the_service(admin_actor, network):
    with pytest.raises(ValidationFailed) as refused:
        rule(admin_actor, name="Route\nVPN")
    assert "name" in refused.value.fields


def test_a_rule_deleted_while_a_process_still_runs_it_does_not_fail_the_write(
    admin_actor, caller_actor, network
):
    """A process holding the rules it compiled before an administrator deleted one (the
    stamp is read once per request) still runs it: its run is logged by the rule's name,
    with no rule, and the create it acted on commits (the run named the gone rule's id, and
    the foreign key failed the whole write at its commit: a 500)."""
    from django.db import connection

    from steward.automation import selectors
    from steward.automation.services import engine

    made = rule(admin_actor)
    stale = selectors.active_rules()
    services.rule_delete(admin_actor, pk=made.pk)
    with mock.patch.object(engine.selectors, "active_rules", return_value=stale):
        created = incident_create(caller_actor, title="vpn down")
    connection.check_constraints()  # what the commit checks (deferred foreign keys)
    run = RuleRun.objects.get(incident=created)
    assert (run.rule_id, run.rule_name) == (None, "Route VPN")
