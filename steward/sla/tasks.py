"""SLA background jobs: the sweep that records warnings and breaches every minute, and the
daily fill of the calendars' public holidays."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.core import leases
from steward.core.actor import Actor
from steward.sla import services


# No lock_task: the sweep is safe to run concurrently (row locks and a unique event row),
# and a lock left behind by a killed worker would silence every warning until cleared.
@db_periodic_task(crontab(minute="*"))
def sweep_sla_clocks() -> dict[str, int]:
    """Record warnings and breaches that running clocks have reached; emit each once."""
    result = services.sla_sweep(Actor.system("sla-sweep"), now=timezone.now())
    return {"warnings": result.warnings, "breaches": result.breaches}


# Daily, and hourly would change nothing more: the window moves once a year, the package's
# dates with a release (decision 0127). The task worker imports ``holidays``; web workers
# read the rows.
@db_periodic_task(crontab(minute="17", hour="3"))
@leases.exclusive("sla-public-holidays", ttl=dt.timedelta(minutes=30))
def fill_public_holidays() -> int:
    """Keep every calendar's public holidays stored from last year to five years ahead;
    returns how many calendars changed."""
    return services.public_holidays_fill(Actor.system("sla-holidays"), today=timezone.localdate())
