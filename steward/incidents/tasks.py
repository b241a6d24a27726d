"""Incident background jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from steward.incidents.services import incidents_auto_close


@db_periodic_task(crontab(minute="*/15"))
@lock_task("incidents-auto-close")
def auto_close_resolved() -> int:
    """Close incidents resolved longer ago than the configured number of days."""
    return incidents_auto_close()
