"""Escalation rules run once per SLA event, even when the event is delivered again."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from steward.core import outbox
from steward.core.actor import Actor
from steward.core.models import AuditEntry, OutboxMessage
from steward.core.services import team_create
from steward.incidents.models import EscalationRule, EscalationRun, Incident
from steward.incidents.services import incident_create
from steward.sla import services as sla
from steward.sla.models import SlaClock

pytestmark = pytest.mark.django_db


def breach(incident):
    past = timezone.now() - dt.timedelta(minutes=1)
    SlaClock.objects.filter(object_id=str(incident.pk), kind="resolution").update(
        due_at=past, warn_at=past
    )
    sla.sla_sweep(Actor.system("tests"), now=timezone.now())
    outbox.dispatch_pending()


def test_breach_raises_priority_reassigns_and_notifies_once(
    admin_actor, agent_actor, desk, always_on
):
    escalation_team = team_create(admin_actor, name="Major Incident Team", slug="mit")
    EscalationRule.objects.create(name="Bump", threshold="breach", action="raise_priority")
    EscalationRule.objects.create(
        name="To MIT",
        threshold="breach",
        action="reassign",
        team=escalation_team,
        priorities=[3, 4],
    )
    EscalationRule.objects.create(
        name="Tell the manager",
        threshold="breach",
        action="notify",
        email="manager@example.com",
        clock_kind="resolution",
    )
    EscalationRule.objects.create(
        name="Only P1", threshold="breach", action="notify", email="cio@example.com", priorities=[1]
    )
    incident = incident_create(
        agent_actor, title="Payroll export fails", impact=2, urgency=3, team="desk"
    )
    assert incident.priority == 4
    mail.outbox.clear()

    breach(incident)
    incident.refresh_from_db()
    assert incident.priority == 3
    assert "Bump" in incident.priority_override_reason
    assert incident.team.slug == "mit"
    assert [m.to for m in mail.outbox if "Escalation" in m.subject] == [["manager@example.com"]]
    assert EscalationRun.objects.count() == 3
    assert AuditEntry.objects.filter(actor_label="system:escalation").exists()

    # the worker died before marking the event dispatched, and the event comes again
    OutboxMessage.objects.filter(topic="sla.breached").update(dispatched_at=None)
    outbox.dispatch_pending()
    incident.refresh_from_db()
    assert incident.priority == 3
    assert EscalationRun.objects.count() == 3
    assert len([m for m in mail.outbox if "Escalation" in m.subject]) == 1


def test_no_escalation_for_resolved_incidents(agent_actor, always_on):
    EscalationRule.objects.create(name="Bump", threshold="breach", action="raise_priority")
    incident = incident_create(agent_actor, title="x")
    Incident.objects.filter(pk=incident.pk).update(status="resolved")
    breach(incident)
    assert Incident.objects.get(pk=incident.pk).priority == 5
