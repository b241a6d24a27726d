"""The rule between alerts and incidents: an alert at one of the severities of
``STEWARD_EVENT_INCIDENT_SEVERITIES`` (critical and major by default) opens one incident
through the incident app's create, linked to the alert and its CI, once; a clear adds a
work note to that incident while it is open, and never resolves it (docs/events.md)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.events.models import Alert
from steward.incidents import selectors as incident_selectors
from steward.incidents import services as incident_services
from steward.incidents.choices import OPEN_STATES, IncidentChannel

# the new incident's impact and urgency by the alert's severity (1 is the most)
LEVELS = {"critical": (1, 1), "major": (2, 2), "minor": (3, 2), "warning": (3, 3), "info": (3, 3)}
TITLE = 200


def incident_severities() -> tuple[str, ...]:
    return tuple(settings.EVENT_INCIDENT_SEVERITIES)


def incident_due(alert: Alert) -> bool:
    """Whether the alert calls for an incident it has not got, maintenance aside: its
    severity is one of the rule's, and it is not flapping (decision 0105)."""
    if alert.incident_id is not None or alert.severity not in incident_severities():
        return False
    return not alert.is_flapping


def open_incident_if_due(actor: Actor, alert: Alert) -> None:
    """Open the alert's incident if its severity calls for one and it has none yet (the
    caller holds the alert's row lock, so two events cannot both open one)."""
    if not incident_due(alert):
        return
    if alert.in_maintenance:  # expected: a window holds its CI or node (decisions 0095, 0105)
        return
    impact, urgency = LEVELS[alert.severity]
    fields = {}
    if alert.configuration_item_id is not None:
        fields["configuration_item"] = alert.configuration_item.number
    incident = incident_services.incident_create(
        actor,
        title=f"[{alert.source}] {alert.node}: {alert.summary}"[:TITLE],
        description=_(
            "Opened by event management from alert %(id)s (%(severity)s): %(resource)s on "
            "%(node)s reported by %(source)s."
        )
        % {
            "id": alert.pk,
            "severity": alert.severity,
            "resource": alert.resource,
            "node": alert.node,
            "source": alert.source,
        },
        channel=IncidentChannel.MONITORING,
        impact=impact,
        urgency=urgency,
        **fields,
    )
    alert.incident = incident
    alert.save(update_fields=["incident"])
    audit.record(actor, alert, before={"incident": None}, after={"incident": incident.number})
    outbox.emit("alert.incident_opened", alert, incident=incident.number)


def note_clear_on_incident(actor: Actor, alert: Alert, summary: str) -> None:
    """A work note on the alert's incident while it is open: the clear is told, the
    incident stays for an agent to resolve."""
    if alert.incident_id is None:
        return
    incident = alert.incident
    if incident.status not in OPEN_STATES:
        return
    body = _("Alert %(id)s was cleared by %(source)s: %(summary)s") % {
        "id": alert.pk,
        "source": alert.source,
        "summary": summary,
    }
    if not incident_selectors.incident_visible(actor).filter(pk=incident.pk).exists():
        return  # a sender who may not see the incident adds nothing to it
    incident_services.incident_comment(actor, number=incident.number, body=body, internal=True)
