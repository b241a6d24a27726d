"""Agents' work on an alert: acknowledge it (someone is on it) and close it (over without a
clear from its source). Moves as ``workflow.ALERT_FLOW`` declares them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied
from steward.events import selectors
from steward.events.choices import ClosedBy, State
from steward.events.models import Alert
from steward.events.workflow import ALERT_FLOW

# marked for the catalogue, translated where it is said (the reader's language then)
WORK_REFUSED = gettext_noop("Only agents work alerts.")


def _load(actor: Actor, pk: object, target: str) -> Alert:
    alert = selectors.alert_for_update(actor, pk=pk)  # requesters: 404 first
    if not selectors.can_work(actor):
        raise PermissionDenied(gettext(WORK_REFUSED))
    ALERT_FLOW.check(alert, target=target, data={})
    return alert


@transaction.atomic
def alert_acknowledge(actor: Actor, *, pk: object) -> Alert:
    """Someone is on it: the alert stays live (new events still count on it)."""
    alert = _load(actor, pk, State.ACKNOWLEDGED)
    before = audit.snapshot(alert, ("state",))
    alert.state = State.ACKNOWLEDGED
    alert.acknowledged_by, alert.acknowledged_at = actor.user, timezone.now()
    alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
    audit.record(actor, alert, before=before, after={"state": alert.state})
    outbox.emit("alert.acknowledged", alert, by=actor.label)
    return alert


@transaction.atomic
def alert_close(actor: Actor, *, pk: object) -> Alert:
    """Over: the next event of its fingerprint raises a new alert. Its incident stays."""
    alert = _load(actor, pk, State.CLOSED)
    before = audit.snapshot(alert, ("state",))
    alert.state, alert.closed_at, alert.closed_by = State.CLOSED, timezone.now(), ClosedBy.AGENT
    alert.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record(actor, alert, before=before, after={"state": alert.state})
    outbox.emit("alert.closed", alert, by=ClosedBy.AGENT)
    return alert
