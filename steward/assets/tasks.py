"""Asset background jobs: the daily contract expiry reminders.

A lease (not huey's lock_task) keeps two workers from running it at once, and the
reminder rows' unique constraint makes each reminder once even if they did.
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
