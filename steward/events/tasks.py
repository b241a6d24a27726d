"""Event background jobs: the expiry of silent alerts, and the housekeeping of remembered
clears.

Everything an event sets off happens in its ingest (the alert, the CI match, the incident
the rule opens, the note a clear adds). The one timer: a live alert no event has reached
for ``STEWARD_EVENT_ALERT_EXPIRY_HOURS`` is closed (docs/events.md). A job loads ids and
calls a service as ``Actor.system(...)`` (decision 0008).
"""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.core import leases
from steward.events.services import alerts_expire, clears_forget


# a lease, not huey's lock_task: it expires with a worker killed mid-run; the service
# re-reads each alert locked, so even two runs at once close each alert once
@db_periodic_task(crontab(minute="*/15"))
@leases.exclusive("events-alert-expiry", ttl=dt.timedelta(minutes=15))
def expire_silent_alerts() -> int:
    """Close live alerts whose source has been silent longer than the expiry; forget the
    clears of nothing remembered past their day (decision 0124), in the same run."""
    clears_forget()
    return alerts_expire()
