"""Housekeeping the worker does on incidents: closing those resolved long enough ago."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.core.actor import Actor
from steward.core.errors import Conflict
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.incidents.services.records import incident_settings, incident_update


def incidents_auto_close(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close incidents resolved more than N days ago (the worker calls this)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=incident_settings().auto_close_days)
    system = Actor.system("auto-close")
    numbers = list(
        Incident.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
        .order_by("resolved_at")
        .values_list("number", flat=True)[:batch]
    )
    for number in numbers:
        try:
            incident_update(
                system, number=number, expected_version=None, changes={"status": Status.CLOSED}
            )
        except Conflict:  # changed meanwhile (e.g. reopened): leave it
            continue
    return len(numbers)
