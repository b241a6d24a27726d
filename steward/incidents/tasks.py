"""Incident background jobs."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.core import leases
from steward.incidents.services import incidents_auto_close


# a lease, not huey's lock_task: it expires with a worker killed mid-run
@db_periodic_task(crontab(minute="*/15"))
@leases.exclusive("incidents-auto-close", ttl=dt.timedelta(minutes=15))
def auto_close_resolved() -> int:
    """Close incidents resolved longer ago than the configured number of days."""
    return incidents_auto_close()
