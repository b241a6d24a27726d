"""Change background jobs."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.changes.services import approvals_remind
from steward.core import leases


# a lease, not huey's lock_task: it expires with a worker killed mid-run
@db_periodic_task(crontab(minute="*/10"))
@leases.exclusive("changes-approval-reminders", ttl=dt.timedelta(minutes=10))
def remind_approvers() -> int:
    """Remind approvers of approvals pending longer than the reminder interval; which
    reminders are due is read from the database, so a missed run only delays them."""
    return approvals_remind()
