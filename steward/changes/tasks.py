"""Change background jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from steward.changes.services import approvals_remind


@db_periodic_task(crontab(minute="*/10"))
@lock_task("changes-approval-reminders")
def remind_approvers() -> int:
    """Remind approvers of approvals pending longer than the reminder interval; which
    reminders are due is read from the database, so a missed run only delays them."""
    return approvals_remind()
