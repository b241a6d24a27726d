"""SLA background jobs: the sweep that records warnings and breaches every minute."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.core.actor import Actor
from steward.sla import services


# No lock_task: the sweep is safe to run concurrently (row locks and a unique event row),
# and a lock left behind by a killed worker would silence every warning until cleared.
@db_periodic_task(crontab(minute="*"))
def sweep_sla_clocks() -> dict[str, int]:
    """Record warnings and breaches that running clocks have reached; emit each once."""
    result = services.sla_sweep(Actor.system("sla-sweep"), now=timezone.now())
    return {"warnings": result.warnings, "breaches": result.breaches}
