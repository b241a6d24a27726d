"""Escalation rules run once per SLA event, even when the event is delivered again."""

import datetime as dt
from types import SimpleNamespace

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


def test_an_escalation_mail_is_queued_once_and_smtp_down_undoes_nothing(
    agent_actor, always_on, monkeypatch
):
    from django.core.mail import EmailMessage

    from steward.core import mail as core_mail
    from steward.core.models import OutgoingMail

    rule = EscalationRule.objects.create(
        name="Tell the manager", threshold="breach", action="notify", email="boss@example.com"
    )
    incident = incident_create(agent_actor, title="Payroll export fails")

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", down)
    breach(incident)

    event = OutboxMessage.objects.get(topic="sla.breached")
    assert EscalationRun.objects.filter(rule=rule, event_id=event.pk).exists()
    [queued] = OutgoingMail.objects.filter(key=f"escalation:{rule.pk}:{event.pk}")
    assert (queued.recipient, queued.kind) == ("boss@example.com", "escalation")
    assert queued.sent_at is None
    assert "SMTP down" in queued.last_error

    monkeypatch.undo()
    mail.outbox.clear()
    assert core_mail.send_pending() == 0  # it waits out its backoff
    later = SimpleNamespace(now=lambda: queued.next_attempt_at)
    monkeypatch.setattr(core_mail, "timezone", later)
    assert core_mail.send_pending() == 1
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
