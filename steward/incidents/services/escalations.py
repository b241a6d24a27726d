"""SLA escalations: rules run once per clock event (warning, breach), through the services.

The SLA sweep emits each ``sla.warning`` / ``sla.breached`` event exactly once per clock and
threshold; the outbox may deliver it more than once, so each rule's run is recorded with a
unique (rule, event) row in the same transaction as its action. A "notify" rule queues its
mail through ``core.mail`` under ``escalation:<rule>:<event>``: the dispatcher sends it after
its transaction has committed, never inside it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from steward.core import mail, outbox
from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.models import OutboxMessage
from steward.incidents.models import EscalationRule, EscalationRun, Incident

THRESHOLDS = {"sla.warning": "warning", "sla.breached": "breach"}


def _applies(rule: EscalationRule, incident: Incident, kind: str) -> bool:
    if rule.clock_kind and rule.clock_kind != kind:
        return False
    return not rule.priorities or incident.priority in rule.priorities


def _run(rule: EscalationRule, incident: Incident, event: OutboxMessage) -> None:
    from steward.incidents.services import incident_update

    system = Actor.system("escalation")
    if rule.action == EscalationRule.Action.RAISE_PRIORITY and incident.priority > 1:
        incident_update(
            system,
            number=incident.number,
            expected_version=None,
            changes={
                "priority": incident.priority - 1,
                "priority_override_reason": f"Escalated by rule '{rule.name}' (SLA {event.topic})",
            },
        )
    elif rule.action == EscalationRule.Action.REASSIGN and rule.team_id:
        incident_update(
            system,
            number=incident.number,
            expected_version=None,
            changes={"team": rule.team.slug, "assignee": None},
        )
    elif rule.action == EscalationRule.Action.NOTIFY and rule.email:
        _queue_notice(rule, incident, event)


def _queue_notice(rule: EscalationRule, incident: Incident, event: OutboxMessage) -> None:
    """The rule's mail, queued once per rule and event; sent after the dispatch commits."""
    notice = mail.Mail(
        recipient=rule.email,
        subject=f"[{incident.number}] Escalation: {incident.title}",
        body=f"SLA {THRESHOLDS[event.topic]} on the {event.payload.get('kind')} target of "
        f"{incident.number} (P{incident.priority}); rule '{rule.name}'.\n",
        headers={
            "Message-ID": f"<{incident.number}.{event.pk}.escalation.{rule.pk}@steward.local>",
            "X-Steward-Incident": incident.number,
        },
    )
    mail.queue(
        key=f"escalation:{rule.pk}:{event.pk}", kind="escalation", record=incident, mails=[notice]
    )


@outbox.consumer("sla.warning", "sla.breached")
def on_sla_event(event: OutboxMessage) -> None:
    if event.payload.get("record_type") != "incidents.incident":
        return
    incident = Incident.objects.filter(pk=event.payload.get("record_id")).first()
    if incident is None or incident.status in ("resolved", "closed", "cancelled"):
        return
    rules = EscalationRule.objects.filter(is_active=True, threshold=THRESHOLDS[event.topic])
    for rule in rules.select_related("team").order_by("id"):
        if not _applies(rule, incident, event.payload.get("kind", "")):
            continue
        try:
            with transaction.atomic():
                EscalationRun.objects.create(rule=rule, event_id=event.pk, incident=incident)
                _run(rule, incident, event)
        except IntegrityError:
            continue  # this rule already ran for this event
        except DomainError:
            continue  # e.g. the incident closed meanwhile: nothing to escalate
        incident.refresh_from_db()
