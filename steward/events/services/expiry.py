"""Expiry of silent alerts: a live alert no event has reached for
``STEWARD_EVENT_ALERT_EXPIRY_HOURS`` is closed by the worker (``closed_by`` *expired*),
audited, with an outbox event; its incident stays as it is (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.events.choices import LIVE_STATES, ClosedBy, State
from steward.events.models import Alert

SYSTEM = "alert-expiry"


def expiry() -> dt.timedelta | None:
    """How long a live alert may go without an event; None: alerts never expire."""
    hours = settings.EVENT_ALERT_EXPIRY_HOURS
    return dt.timedelta(hours=hours) if hours else None


def alerts_expire(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close the live alerts last seen before now minus the expiry, oldest first, at most
    ``batch`` per call; returns how many were closed. Each alert is locked and read again
    in its own transaction: one an event reached meanwhile (its ``last_seen`` moved), or
    another run closed, is left alone, so two runs at once close each alert once."""
    limit = expiry()
    if limit is None:
        return 0
    now = now or timezone.now()
    cutoff = now - limit
    silent = Alert.objects.filter(state__in=LIVE_STATES, last_seen__lt=cutoff)
    ids = list(silent.order_by("last_seen", "id").values_list("id", flat=True)[:batch])
    actor = Actor.system(SYSTEM)
    closed = 0
    for pk in ids:
        with transaction.atomic():
            alert = silent.select_for_update().filter(pk=pk).first()
            if alert is None:
                continue
            before = audit.snapshot(alert, ("state",))
            alert.state, alert.closed_at, alert.closed_by = State.CLOSED, now, ClosedBy.EXPIRED
            alert.save(update_fields=["state", "closed_at", "closed_by"])
            audit.record(actor, alert, before=before, after={"state": alert.state})
            outbox.emit(
                "alert.closed", alert, by=ClosedBy.EXPIRED, last_seen=alert.last_seen.isoformat()
            )
            closed += 1
    return closed
