"""Asset background jobs: the contract expiry reminders and the overdue loan reminders.

A lease (not huey's lock_task) keeps two workers from running one at once, and the
reminder rows' unique constraints make each reminder once even if they did.
"""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.assets import services
from steward.core import leases
from steward.core.actor import Actor


@db_periodic_task(crontab(minute="23", hour="*/6"))
@leases.exclusive("assets-contract-reminders", ttl=dt.timedelta(minutes=30))
def send_contract_reminders() -> int:
    """Remind owner teams of contracts ending in 90, 30 and 7 days; returns how many."""
    return services.contract_reminders_send(
        Actor.system("contract-reminders"), today=timezone.localdate()
    )


@db_periodic_task(crontab(minute="41", hour="*/6"))
@leases.exclusive("assets-loan-reminders", ttl=dt.timedelta(minutes=30))
def send_loan_reminders() -> int:
    """Remind the holders of loans past their due date (and the owner teams), once per
    loan and due date; returns how many."""
    return services.loan_reminders_send(Actor.system("loan-reminders"), today=timezone.localdate())
