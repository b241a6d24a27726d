"""Core background jobs: outbox dispatch (kicked after commit, and swept every minute)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from steward.core import leases, outbox
from steward.core.models import IdempotencyRecord, LoginFailure

log = logging.getLogger("steward.outbox")
# Renewed between batches and before each mail (an SMTP call gives up after EMAIL_TIMEOUT), so
# a live sweep keeps it; a killed one blocks the next sweeps for at most this long (5 minutes
# by default).
SWEEP_LEASE = dt.timedelta(seconds=5 * settings.EMAIL_TIMEOUT)


@db_task()
def dispatch_outbox() -> int:
    """Dispatch pending outbox rows; woken on commit by ``outbox.emit``."""
    return outbox.dispatch_pending()


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Dispatch every due row, whatever became of its wake-up (a process killed between
    commit and enqueue, a queue lost with its Redis). One sweep at a time, under a lease that
    expires with its holder: a worker killed mid-sweep does not stop the sweeps."""
    try:
        with leases.held("outbox-sweep", SWEEP_LEASE) as renew:
            return outbox.dispatch_pending(heartbeat=renew)
    except leases.LeaseHeld:
        log.info("outbox sweep skipped: another sweep holds the lease")
    except leases.LeaseLost:
        log.warning("outbox sweep stopped: its lease expired before it was renewed")
    return 0


@db_periodic_task(crontab(minute="17"))
def prune_expired() -> None:
    """Forget idempotency keys after a day and login failures after their window."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    LoginFailure.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
