"""An alert's history (its audit entries: raised, severity moves, incident opened,
acknowledged, closed) and the moves its page offers."""

from __future__ import annotations

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.models import AuditEntry
from steward.core.workflow import Move
from steward.events.models import Alert
from steward.events.selectors.permissions import can_work
from steward.events.workflow import ALERT_FLOW


def alert_history(actor: Actor, alert: Alert) -> list[AuditEntry]:
    """The alert's audit entries, newest first (the caller has been allowed to see it).
    ``alert`` comes from ``alert_get``: an incident the actor may not see reads as None
    there, and its number is taken out of the history too."""
    entries = core_selectors.record_history(actor, alert)
    if alert.incident_id is None or alert.incident is not None:
        return entries
    shown = []
    for entry in entries:
        if "incident" in entry.changes:
            entry.changes = {k: v for k, v in entry.changes.items() if k != "incident"}
            if not entry.changes:
                continue
        shown.append(entry)
    return shown


def alert_moves(actor: Actor, alert: Alert) -> tuple[Move, ...]:
    """The buttons the alert's page shows the actor: none to a reader who may not work it."""
    if not can_work(actor):
        return ()
    targets = ALERT_FLOW.allowed(alert.state)
    return ALERT_FLOW.moves(alert.state, targets, primary=targets[:1])
