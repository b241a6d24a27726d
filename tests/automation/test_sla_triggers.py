"""SLA triggers (decision 0104): a rule runs when the sweep records an incident's SLA clock
reaching its warning or its breach, once per clock and threshold, in the sweep's
transaction (the unique threshold event is the once-guard)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.automation.models import RuleRun
from steward.automation.services import engine
from steward.core import hooks
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Comment, OutboxMessage
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from steward.sla.models import SlaClock, SlaEvent
from steward.sla.services import sla_sweep
from tests.automation.conftest import rule
from tests.incidents.conftest import always_on  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
SWEEPER = Actor.system("sla-sweep")


def sweep(minutes: int):
    """The sweep as it runs ``minutes`` after now (the policy: response 30 min, warned at
    75 %: 22.5 min; resolution 4 h, warned at 3 h)."""
    return sla_sweep(SWEEPER, now=timezone.now() + dt.timedelta(minutes=minutes))


def on_breach(admin_actor, **values):
    values.setdefault("name", "P1 breach")
    values.setdefault("trigger", "sla_breached")
    values.setdefault("conditions", [{"field": "priority", "operator": "is", "value": 1}])
    values.setdefault(
        "actions",
        [
            {"action": "assign_team", "value": "network"},
            {"action": "add_note", "value": "Breached: the network team takes over."},
            {"action": "notify", "value": "lead@example.com"},
        ],
    )
    return rule(admin_actor, **values)


def p1(caller_actor, desk, title="Mail is down"):
    made = incident_create(caller_actor, title=title, impact=1, urgency=1)
    assert made.priority == 1
    return made


def notes(incident) -> list[str]:
    return list(
        Comment.objects.filter(object_id=str(incident.pk), internal=True).values_list(
            "body", flat=True
        )
    )


def test_a_sweep_crossing_the_warning_fires_the_rule_once(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    warned = rule(
        admin_actor,
        name="Response warning",
        trigger="sla_warning",
        trigger_clock="response",
        conditions=[],
        actions=[{"action": "set_priority", "value": 2}, {"action": "add_note", "value": "Hurry"}],
    )
    incident = incident_create(caller_actor, title="Printer jams")
    assert sweep(10).warnings == 0
    assert not RuleRun.objects.exists()

    assert sweep(25).warnings == 1
    assert sweep(25).warnings == 0  # the second sweep records nothing, fires nothing
    run = RuleRun.objects.get()
    assert (run.rule_id, run.trigger, run.incident_id) == (warned.pk, "sla_warning", incident.pk)
    assert run.changes["clock"] == "response"
    assert run.changes["fields"]["priority"][1] != run.changes["fields"]["priority"][0]
    assert Incident.objects.get(pk=incident.pk).priority == 2
    assert notes(incident) == ["Hurry"]


def test_a_breach_rule_on_one_clock_waits_for_that_clock(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    on_breach(admin_actor, trigger_clock="resolution")
    incident = p1(caller_actor, desk)
    assert sweep(31).breaches == 1  # the response clock: not this rule's
    assert not RuleRun.objects.exists()
    assert sweep(241).breaches == 1  # the resolution clock
    run = RuleRun.objects.get()
    assert (run.trigger, run.changes["clock"]) == ("sla_breached", "resolution")
    moved = Incident.objects.get(pk=incident.pk)
    assert moved.team_id == network.pk
    assert notes(incident) == ["Breached: the network team takes over."]
    # the mail goes through the outbox, written in the sweep's transaction
    mail = OutboxMessage.objects.get(topic="automation.notify")
    assert mail.payload["target"] == "lead@example.com"
    assert mail.object_id == str(incident.pk)
    # the run log tells what changed
    assert run.changes["fields"]["team"][1] == "network"


def test_either_clock_fires_once_per_clock(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    on_breach(admin_actor, actions=[{"action": "add_note", "value": "Breached"}])
    incident = p1(caller_actor, desk)
    sweep(31)
    sweep(31)
    sweep(241)
    sweep(300)
    runs = RuleRun.objects.order_by("id")
    assert [r.changes["clock"] for r in runs] == ["response", "resolution"]
    assert notes(incident) == ["Breached", "Breached"]


def test_conditions_look_at_the_incident(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    on_breach(admin_actor)  # P1 only
    incident_create(caller_actor, title="Low", impact=3, urgency=3)
    assert sweep(31).breaches == 1
    assert not RuleRun.objects.exists()


def test_a_crash_after_the_event_leaves_neither_the_event_nor_the_rules_effects(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    on_breach(admin_actor, trigger_clock="response")
    incident = p1(caller_actor, desk)
    emit = engine.outbox.emit
    written = []

    def dies_at_the_rules_mail(topic, *args, **kwargs):
        """The event, its outbox row, the rule's route and note are written; the worker
        dies at the rule's last action."""
        if topic == engine.NOTIFY_TOPIC:
            written.extend(
                [
                    SlaEvent.objects.filter(threshold="breach").count(),
                    Incident.objects.get(pk=incident.pk).team_id,
                    len(notes(incident)),
                ]
            )
            raise RuntimeError("worker died")
        return emit(topic, *args, **kwargs)

    with (
        mock.patch.object(engine.outbox, "emit", side_effect=dies_at_the_rules_mail),
        pytest.raises(RuntimeError),
    ):
        sweep(31)
    assert written == [1, network.pk, 1]  # it died after the event and the rule's effects
    assert not SlaEvent.objects.filter(threshold="breach").exists()
    clock = SlaClock.objects.get(object_id=str(incident.pk), kind="response")
    assert not clock.breached
    assert not RuleRun.objects.exists()
    assert Incident.objects.get(pk=incident.pk).team_id is None
    assert notes(incident) == []
    assert not OutboxMessage.objects.filter(topic__in=["automation.notify", "sla.breached"])
    assert OutboxMessage.objects.filter(topic="sla.warning").count() == 1  # its own batch

    assert sweep(31).breaches == 1  # the next sweep does it, once
    assert RuleRun.objects.count() == 1
    assert Incident.objects.get(pk=incident.pk).team_id == network.pk
    assert OutboxMessage.objects.filter(topic="automation.notify").count() == 1


def test_a_refused_sla_rule_is_logged_and_the_event_kept(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    from steward.core.models import Team

    on_breach(admin_actor, trigger_clock="response")
    incident = p1(caller_actor, desk)
    Team.objects.filter(pk=network.pk).update(is_active=False)
    assert sweep(31).breaches == 1
    run = RuleRun.objects.get()
    assert run.changes["failed"]
    assert run.changes["clock"] == "response"
    assert SlaEvent.objects.filter(threshold="breach").count() == 1
    assert Incident.objects.get(pk=incident.pk).team_id is None


def test_an_sla_rule_does_not_run_on_writes_and_a_write_rule_not_on_the_sweep(
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    on_breach(admin_actor, conditions=[])
    rule(admin_actor, name="On update", trigger="updated", conditions=[])
    incident = incident_create(caller_actor, title="vpn")
    assert not RuleRun.objects.exists()
    sweep(31)
    assert list(RuleRun.objects.values_list("trigger", flat=True)) == ["sla_breached"]
    assert Incident.objects.get(pk=incident.pk).team_id == network.pk


def test_a_clock_of_another_record_runs_no_incident_rule(admin_actor, network, always_on):  # noqa: F811
    from steward.sla.services import clocks_start
    from tests import factories

    on_breach(admin_actor, conditions=[])
    record = factories.TeamFactory()
    clocks_start(SWEEPER, record, context={}, at=timezone.now())
    sweep(300)
    assert not RuleRun.objects.exists()


def test_the_sweep_reads_the_rules_stamp_once_per_batch(
    caller_actor,
    desk,
    always_on,  # noqa: F811
):
    """With no rules, the sweep's events cost the one stamp read per batch, not one per
    event; without automation listening, none."""
    for n in range(3):
        incident_create(caller_actor, title=f"Row {n}")
    listener = engine.on_sla_threshold
    hooks.unregister(hooks.SLA_THRESHOLD, listener)
    try:
        with CaptureQueriesContext(connection) as plain:
            assert sweep(25).warnings == 3
    finally:
        hooks.register(hooks.SLA_THRESHOLD, listener)
    with CaptureQueriesContext(connection) as checked:
        assert sweep(31).breaches == 3
    stamp_reads = [q for q in checked.captured_queries if "core_cachestamp" in q["sql"]]
    assert len(stamp_reads) == 1
    assert len(checked.captured_queries) == len(plain.captured_queries) + 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"trigger": "created", "trigger_clock": "response"}, "trigger_clock"),
        ({"trigger": "sla_breached", "trigger_clock": "reply"}, "trigger_clock"),
        ({"trigger": "sla_breached", "trigger_status": "resolved"}, "trigger_status"),
    ],
    ids=["clock-without-sla-trigger", "unknown-clock", "status-with-sla-trigger"],
)
def test_a_clock_is_for_the_sla_triggers_only(admin_actor, network, values, field):
    with pytest.raises(ValidationFailed) as refused:
        rule(admin_actor, **values)
    assert field in refused.value.fields


def test_a_trigger_moved_off_sla_drops_its_clock(admin_actor, network):
    from steward.automation.services import rule_update

    made = on_breach(admin_actor, trigger_clock="resolution")
    moved = rule_update(
        admin_actor, pk=made.pk, expected_version=None, changes={"trigger": "created"}
    )
    assert (moved.trigger, moved.trigger_clock) == ("created", "")


def test_the_api_takes_and_answers_the_clock(admin_api, network):
    body = {
        "name": "Breach",
        "trigger": "sla_breached",
        "trigger_clock": "resolution",
        "actions": [{"action": "assign_team", "value": "network"}],
    }
    made = admin_api.post("/api/v1/automation/rules", body)
    assert made.status_code == 201, made.content
    assert (made.json()["trigger"], made.json()["trigger_clock"]) == ("sla_breached", "resolution")
    refused = admin_api.post(
        "/api/v1/automation/rules", {**body, "name": "Other", "trigger": "updated"}
    )
    assert refused.status_code == 422
    assert "trigger_clock" in refused.json()["error"]["fields"]
    listed = admin_api.get("/api/v1/automation/rules?trigger=sla_breached").json()
    assert [r["name"] for r in listed] == ["Breach"]


def test_the_dry_run_says_the_sla_trigger_runs_it(
    admin_api,
    admin_actor,
    caller_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    made = on_breach(admin_actor, conditions=[])
    incident = incident_create(caller_actor, title="x")
    answer = admin_api.post(
        f"/api/v1/automation/rules/{made.pk}/dry-run", {"incident": incident.number}
    ).json()
    assert answer["fires_on"] == ["sla_breached"]
    assert answer["matches"] is True
